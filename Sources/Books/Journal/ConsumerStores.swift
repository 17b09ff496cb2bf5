/// What the journal consumers that keep no state of a domain's own write, inside the runner's
/// transaction (`JournalConsumer.apply(_:in:)`). Each is stateless: every call names the
/// transaction it works in, so its writes commit with the consumer's cursor. The storage layer
/// implements them (`Storage/SQLiteConsumerStores.swift`).

/// The `account_history` projection (`AccountHistoryConsumer`).
public protocol AccountHistoryStore: Sendable {
    /// The accounts a journal row names as payer and payee (a gift's), by number
    /// (`AccountNumber`), none for other rows.
    func parties(in tx: any StoreTransaction, offset: Int64) throws -> [AccountNumber]
    /// Projects one batch: for each account, the journal offsets of its gifts in the batch
    /// (ascending, after every offset projected before), as one page.
    func insert(in tx: any StoreTransaction, _ pages: [AccountHistoryPage]) throws
}

/// One account's gifts in one batch of the account history projection.
public struct AccountHistoryPage: Sendable, Equatable {
    public let account: AccountNumber
    /// Journal offsets, ascending, at least one.
    public let offsets: [Int64]

    public init(account: AccountNumber, offsets: [Int64]) {
        precondition(!offsets.isEmpty, "a page holds at least one offset")
        self.account = account
        self.offsets = offsets
    }

    /// The batch's (account, offset) rows as pages: one per account, offsets ascending.
    static func pages(_ rows: [(account: AccountNumber, offset: Int64)]) -> [AccountHistoryPage] {
        var pages: [AccountHistoryPage] = []
        var i = 0
        let sorted = rows.sorted { ($0.account, $0.offset) < ($1.account, $1.offset) }
        while i < sorted.count {
            var offsets: [Int64] = []
            var j = i
            while j < sorted.count && sorted[j].account == sorted[i].account {
                if offsets.last != sorted[j].offset { offsets.append(sorted[j].offset) }
                j += 1
            }
            pages.append(AccountHistoryPage(account: sorted[i].account, offsets: offsets))
            i = j
        }
        return pages
    }
}
