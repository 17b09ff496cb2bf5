import Synchronization

/// Projects each gift row into its accounts' history (`account_history`: the payer's coins
/// account and the payee's revenue account, keyed by account and journal offset), off the send
/// path: a gift's row no longer carries two index entries of its own into the send's commit.
/// Rows are gathered off the writer on a read snapshot and written once per batch, with the
/// cursor; history reads join the projection up to the cursor with the journal's rows after it
/// (`SQLiteAccountHistory`), so a gift is in its accounts' history as soon as it is committed.
public struct AccountHistoryConsumer: OffWriterConsumer {
    /// The consumer's name (its cursor).
    public static let consumerName = "account-history"
    public let name = consumerName
    public let types: Set<String>? = [GiftSender.giftType]
    let pending = Pending()
    let store: any AccountHistoryStore

    /// The batch's rows not yet written.
    final class Pending: Sendable {
        let rows = Mutex<[(account: String, offset: Int64)]>([])

        func take() -> [(account: String, offset: Int64)] {
            rows.withLock { rows in
                defer { rows.removeAll(keepingCapacity: true) }
                return rows
            }
        }
    }

    /// - Parameter store: where the projection is kept.
    public init(store: any AccountHistoryStore) { self.store = store }

    public func apply(_ entry: JournalEntry, in tx: any StoreTransaction) throws {
        let accounts = try store.parties(in: tx, offset: entry.offset)
        guard !accounts.isEmpty else { return }
        pending.rows.withLock { rows in for a in accounts { rows.append((a, entry.offset)) } }
    }

    public func prepare(_ entry: JournalEntry, in tx: any StoreTransaction, writes: inout DeferredWrites) throws {
        try apply(entry, in: tx)
    }

    public func finishBatch(in tx: any StoreTransaction) throws { try seal()(tx) }

    /// The batch's rows in key order (sorted here, off the writer): each account's rows then go
    /// into its pages one after another.
    public func seal() -> @Sendable (any StoreTransaction) throws -> Void {
        let rows = pending.take().sorted { ($0.account, $0.offset) < ($1.account, $1.offset) }
        let store = self.store
        return { tx in try store.insert(in: tx, rows) }
    }

    public func batchRolledBack() { _ = pending.take() }

    public func settled(committed: Bool) { _ = pending.take() }

    /// Rows are written once per batch: the wider, the fewer pages a row costs.
    public var widensBatches: Bool { true }

    /// Readers complete the projection from the journal's rows after its cursor, so it may
    /// trail: a batch a quarter of a second, about one page per account for all the gifts in it.
    public var linger: Duration { .milliseconds(250) }
}
