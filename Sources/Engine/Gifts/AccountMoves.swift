import Books

/// The balances some legs leave, as the storage layer's writer checked them against the
/// accounts it holds (`GiftSendTransaction.check`), for it to apply (`apply`) once the rest of
/// the send has passed.
public struct AccountMoves: Sendable {
    /// Each account the legs touch, once, with its place in the writer's overlay and its balance
    /// after them.
    package var touched: [(slot: Int, id: AccountID, balance: Int64)] = []

    package init() {}

    /// The balance `id` is left with, if the legs touch it.
    public func balance(of id: AccountID) -> Int64? {
        touched.first { $0.id == id }?.balance
    }

    /// `id`'s place in the writer's overlay, if the legs touch it (found by comparison: a gift
    /// touches a handful of accounts).
    package func slot(of id: AccountID) -> Int? {
        touched.first { $0.id == id }?.slot
    }
}
