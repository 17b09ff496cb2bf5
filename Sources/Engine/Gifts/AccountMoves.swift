import Books

/// The balances some legs leave, as the storage layer's writer checked them against the
/// accounts it holds (`GiftSendTransaction.check`), for it to apply (`apply`) once the rest of
/// the send has passed.
///
/// Each account the legs touch is here once, at one position in three lists: its place in the
/// writer's overlay, its id and its balance after the legs. The writer finds an account's
/// position by its overlay place, an integer, so checking a gift copies no id.
public struct AccountMoves: Sendable {
    /// The overlay place of each touched account.
    package private(set) var slots: [Int] = []
    /// The id of each touched account.
    package private(set) var ids: [AccountID] = []
    /// The balance each touched account is left with.
    package var balances: [Int64] = []

    package init(capacity: Int = 0) {
        slots.reserveCapacity(capacity)
        ids.reserveCapacity(capacity)
        balances.reserveCapacity(capacity)
    }

    /// Adds a touched account at its balance before the legs; returns its position.
    package mutating func add(slot: Int, id: AccountID, balance: Int64) -> Int {
        slots.append(slot)
        ids.append(id)
        balances.append(balance)
        return slots.count - 1
    }

    /// The position of the account at overlay place `slot`, if the legs touch it.
    package func position(ofSlot slot: Int) -> Int? { slots.firstIndex(of: slot) }

    /// The balance `id` is left with, if the legs touch it.
    public func balance(of id: AccountID) -> Int64? {
        ids.firstIndex(of: id).map { balances[$0] }
    }

    /// `id`'s place in the writer's overlay, if the legs touch it (found by comparison: a gift
    /// touches a handful of accounts).
    package func slot(of id: AccountID) -> Int? {
        ids.firstIndex(of: id).map { slots[$0] }
    }
}
