import Books
import Foundation
import Scripting

/// Pays rewards inside the caller's transaction, idempotently by `origin`: assets through the
/// ledger from the promotions account, badges and items into the inventory.
public struct RewardPayer: Sendable {
    package let ledger: Ledger

    /// - Parameter ledger: where asset rewards go.
    public init(ledger: Ledger) { self.ledger = ledger }

    /// Pays every reward; `origin` must be unique per payment (`task:<id>:<user>:<period>:<stage>`).
    /// `callerRollsBack`: the caller's savepoint is rolled back whenever this throws, so asset
    /// transfers need no savepoint of their own (see `Ledger.apply(_:_:now:callerRollsBack:)`).
    /// - Throws: `LedgerError` (unknown asset, overflow) and the transaction rolls back whole.
    public func pay(
        _ tx: any LiveOpsTransaction, user: String, rewards: [Reward], origin: String, memo: String, at now: Int64, callerRollsBack: Bool = false
    ) throws {
        for (i, reward) in rewards.enumerated() {
            let id = "\(origin):\(i)"
            switch reward {
            case .asset(let asset, let amount):
                _ = try tx.applyTransfers([TransferRequest(
                    id: id, debit: .system(.promotions, asset), credit: .user(user, asset), asset: asset, amount: amount,
                    code: "reward", memo: String(memo.utf8.prefix(TransferRequest.memoBytesMax)) ?? "")], ledger: ledger, now: now,
                    callerRollsBack: callerRollsBack)
            case .badge(let name):
                guard try tx.recordInventoryGrant(origin: id, user: user, kind: "badge", name: name, amount: 1, at: now) else { continue }
                try tx.grantBadge(user: user, badge: name, origin: id, at: now)
            case .item(let name, let count):
                guard try tx.recordInventoryGrant(origin: id, user: user, kind: "item", name: name, amount: count, at: now) else { continue }
                try tx.addItems(user: user, item: name, count: count)
            }
        }
    }
}

/// What a user holds besides ledger balances.
public struct Inventory: Sendable, Encodable, Equatable {
    /// The badges' names, sorted.
    public let badges: [String]
    /// How many of each item.
    public let items: [String: Int64]

    package init(badges: [String], items: [String: Int64]) {
        self.badges = badges
        self.items = items
    }
}
