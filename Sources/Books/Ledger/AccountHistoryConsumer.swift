import Synchronization

/// Projects each gift row into its accounts' history (`account_history_pages`: the payer's coins
/// account and the payee's revenue account, one page per account and batch holding the journal
/// offsets of its gifts), off the send path: a gift's row no longer carries two index entries of
/// its own into the send's commit. Offsets are gathered off the writer on a read snapshot and
/// written once per batch, a page per account, with the cursor; history reads join the projection up to the cursor with the journal's rows after it
/// (`SQLiteAccountHistory`), so a gift is in its accounts' history as soon as it is committed.
public struct AccountHistoryConsumer: OffWriterConsumer {
    /// The consumer's name (its cursor).
    public static let consumerName = "account-history"
    public let name = consumerName
    public let types: Set<String>? = [GiftReceipt.factType]
    let pending = Pending()
    let store: any AccountHistoryStore

    /// The batch's rows not yet written.
    final class Pending: Sendable {
        let rows = Mutex<[(account: AccountNumber, offset: Int64)]>([])

        func take() -> [(account: AccountNumber, offset: Int64)] {
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

    /// The batch's rows as one page per account (made here, off the writer), in key order.
    public func seal() -> @Sendable (any StoreTransaction) throws -> Void {
        let pages = AccountHistoryPage.pages(pending.take())
        let store = self.store
        return { tx in try store.insert(in: tx, pages) }
    }

    public func batchRolledBack() { _ = pending.take() }

    public func settled(committed: Bool) { _ = pending.take() }

    /// Pages are written once per batch: the wider, the more gifts a page holds.
    public var widensBatches: Bool { true }

    /// Readers complete the history from the journal's rows after the cursor, so it may trail:
    /// under load a batch each `ConsumerRunner.bulkBatchSpacing` (100 ms by default), one page
    /// per account for all its gifts in it. Not much longer: the batch's inserts run on the one
    /// writer, and every send that shares its group commit waits for them (when the history
    /// wrote a row per gift, batches 250 ms apart, about 3,000 gifts' rows each, took the socket
    /// run's p99 to 14.4–15.2 ms against 12.5–13.6 ms at 50 ms, with the same gifts/s). A gift
    /// after a quiet spell is projected at once.
    public var pace: ConsumerPace { .bulk }
}
