import Books
import Scripting

extension EffectApplier {
    /// `apply(_:origin:in:at:progress:orderFrame:)` in a live-ops transaction, through this
    /// applier's own ledger (a journal consumer's transaction may have another, or none); the
    /// transaction with that ledger is made only when there are effects.
    /// - Throws: as `apply(_:origin:in:at:progress:orderFrame:)`.
    package func apply(
        _ ctx: CallContext, origin makeOrigin: @autoclosure () -> String, ownLedgerIn tx: any LiveOpsTransaction, at now: Int64,
        progress: ((String, Int64) throws -> Void)? = nil
    ) throws {
        guard !ctx.effects.isEmpty else { return }
        try apply(ctx, origin: makeOrigin(), in: tx.effectsTransaction(ledger: ledger), at: now, progress: progress)
    }
}
