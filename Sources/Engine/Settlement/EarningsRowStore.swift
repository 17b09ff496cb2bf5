import Books

/// The earnings aggregates (`EarningsConsumer`): one row per owner, day and source.
public protocol EarningsRowStore: Sendable {
    /// Adds `amount` and `facts` to the row of (`kind`, `owner`, `day`, `source`), created at
    /// zero when missing.
    func add(in tx: any StoreTransaction, kind: String, owner: String, day: String, source: EarningsSource, amount: Int64, facts: Int64) throws
}
