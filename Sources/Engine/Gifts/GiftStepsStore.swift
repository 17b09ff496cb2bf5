import Books
import LiveOps

/// Where the `after_commit` gift steps run their writes: the live-ops store's transactions
/// (what a step's handler reads, and the effects it asks for: grants, notices, room events,
/// facts, fan points) and the one thing the steps ask of the gift domain itself, whether a gift
/// was refunded.
///
/// For implementers: `write` runs `body` in one write transaction of the store, serialized with
/// every other write, and commits only when it returns; a throw rolls everything back. `read`
/// runs `body` on a consistent snapshot (its writing methods throw). `transaction(_:)` answers
/// the gift-steps part of a transaction the store's journal consumers run in, without copying
/// anything (it runs once per gift on the consumers' hot path). Every backend runs
/// `GiftStepsStoreConformanceTests`.
public protocol GiftStepsStore: Sendable {
    /// Runs `body` in one write transaction; commits when it returns, rolls back when it throws.
    func write<T: Sendable>(_ body: @escaping @Sendable (any GiftStepsTransaction) throws -> T) async throws -> T
    /// Runs `body` on a consistent snapshot; its writing methods throw.
    func read<T: Sendable>(_ body: @escaping @Sendable (any GiftStepsTransaction) throws -> T) async throws -> T
    /// The gift-steps part of `tx`, a transaction the journal consumers' runner opened on this
    /// store (the same object, not a copy: its `ledger` part is the runner's, which may have none,
    /// so the steps' effects go through the live-ops methods that name their ledger).
    /// - Precondition: `tx` is a transaction of this store's backend.
    func transaction(_ tx: any StoreTransaction) -> any GiftStepsTransaction
}

/// What the gift steps see of one transaction: the live-ops part (`handlerReads`,
/// `effectsTransaction`) and the refund records.
public protocol GiftStepsTransaction: LiveOpsTransaction {
    /// Whether the gift at journal `offset` was refunded (a refund is never undone).
    /// - Throws: storage errors.
    func isRefunded(offset: Int64) throws -> Bool
}
