import Engine
import GRDB

/// State that one group-commit batch keeps in memory for the operations that opt in
/// (`Store.writeBatched`), and writes once for the whole batch: a gift's balances and combo
/// streaks, which a batch of sends would otherwise update row by row.
///
/// An overlay lives on the writer connection for one transaction. It loads the rows it needs
/// the first time an operation asks, applies the operations' changes in memory, and `flush`
/// writes every changed row and forgets them all. The store flushes before any operation that
/// does not use overlays runs (so that operation reads and writes the rows as they stand), and
/// before COMMIT. When the transaction rolls back, the overlays are dropped with it: nothing
/// they held outlives the batch, so nothing in memory can disagree with the database. A kept
/// overlay (`KeptOverlay`, `WriteBatch.kept`) is the exception: it keeps its flushed rows for
/// the next batches, and the store tells it when they may no longer be true.
public protocol BatchOverlay: AnyObject {
    /// Writes every changed row and forgets what was loaded. A failure fails the whole batch:
    /// the operations that used the overlay have been told nothing yet.
    func flush(_ db: Database) throws
}

/// The overlays of one group-commit transaction, handed to `Store.writeBatched` operations.
/// Used only on the writer connection, by one operation at a time.
public final class WriteBatch {
    private var overlays: [ObjectIdentifier: any BatchOverlay] = [:]
    private var order: [any BatchOverlay] = []
    /// The writer's kept overlays.
    private let keptOverlays: WriterKept

    init(kept: WriterKept) {
        keptOverlays = kept
    }

    /// The writer's kept overlay of type `O` (made by `make` the first time the writer needs
    /// it), flushed with this batch.
    public func kept<O: KeptOverlay>(_ type: O.Type, make: () -> O) -> O {
        overlay(type) { keptOverlays.overlay(type, make: make) }
    }

    /// Runs a kept overlay's own write outside its flush (`WriterKept.ownWrite`): the rows it
    /// writes are already what the overlay holds, so no trigger tells it they changed.
    func keptOwnWrite<T>(_ body: () throws -> T) rethrows -> T {
        try keptOverlays.ownWrite(body)
    }

    /// The writer's index of gift keys (`GiftKeyIndex`), flushed with this batch.
    var giftKeys: GiftKeyIndex { kept(GiftKeyIndex.self) { keptOverlays.giftKeys } }

    /// This batch's overlay of type `O`, made by `make` on first use.
    public func overlay<O: BatchOverlay>(_ type: O.Type, make: () -> O) -> O {
        if let existing = overlays[ObjectIdentifier(type)] {
            guard let typed = existing as? O else { preconditionFailure("overlay registered under another type") }
            return typed
        }
        let made = make()
        overlays[ObjectIdentifier(type)] = made
        order.append(made)
        return made
    }

    /// Writes and forgets every overlay, in the order they were first used.
    public func flush(_ db: Database) throws {
        guard !order.isEmpty else { return }
        let flushing = order
        overlays.removeAll(keepingCapacity: true)
        order.removeAll(keepingCapacity: true)
        for overlay in flushing {
            if let kept = overlay as? any KeptOverlay { try keptOverlays.flush(kept, db) } else { try overlay.flush(db) }
        }
    }
}
