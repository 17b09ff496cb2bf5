import EngineCore

/// The double-entry ledger over the store: accounts per owner and asset, an immutable history
/// of transfers, idempotency keys, two-phase transfers and reversals.
///
/// Every mutation is a chain of `LedgerOperation`s applied all-or-nothing by `apply`, inside the
/// caller's transaction, so a domain operation (a gift) commits its transfers and its journal
/// fact together. The balance check and the write happen against the account row inside that
/// transaction; the store's single writer and `BEGIN IMMEDIATE` make it one atomic step.
///
/// The ledger does not journal: callers append their own domain facts, using the returned
/// transfers (ids, `ts`).
///
/// Its rows are read and written through `LedgerRows`, which the storage layer implements
/// (`SQLiteLedgerRows.swift`) with statements prepared once per connection: compiling each anew (parser and GRDB's
/// authorizer) was about a third of the writer's time per gift. It also keeps their number
/// down, for the one writer connection runs them all: an account changes in one guarded
/// `UPDATE` whose changed-row count says whether it applied (read and checked in Swift only
/// when that refuses or finds no row; not `RETURNING`, for which SQLite opens a temporary
/// table per statement, about as costly as the update itself),
/// the ledger clock is kept in memory (`LedgerClock`), and lazy expiry looks no further when
/// nothing is due. Gifts write no transfer rows: a gift's legs live in its journal row
/// (`GiftLegs`), its balances in the batch's overlay (`AccountOverlay`).
public struct Ledger: Sendable {
    /// Most transfers returned by one history page.
    public static let pageLimitMax = 200

    /// The storage layer under the ledger's rows.
    public let store: any LedgerStore
    /// Assets and limits.
    public let configuration: LedgerConfiguration
    /// The wall clock behind ledger time and expiry; callers that stamp facts next to ledger
    /// transfers read it too, so one injected clock pins both.
    public let clock: any WallClock

    /// Creates a ledger.
    /// - Parameters:
    ///   - store: the storage layer (the SQLite `Store`, migrated).
    ///   - configuration: assets and limits (the built-ins by default).
    ///   - clock: the wall clock behind ledger time and expiry.
    public init(store: any LedgerStore, configuration: LedgerConfiguration = .standard, clock: any WallClock = SystemWallClock()) {
        self.store = store
        self.configuration = configuration
        self.clock = clock
    }

    /// Applies plain transfers as one linked chain in a transaction of its own (group committed).
    /// - Parameter chain: the transfers, applied in order, all or nothing.
    /// - Returns: the written (or, for a retried key, the original) transfers, after commit.
    /// - Throws: `LedgerError`; `StorageError.commitFailed`.
    public func transfer(_ chain: [TransferRequest]) async throws -> [Transfer] {
        try await run(chain.map(LedgerOperation.transfer))
    }

    /// Applies any operations as one linked chain in a transaction of its own.
    ///
    /// Unlike a caller that lets `apply`'s error escape its write, this commits the record of a
    /// failed chain, so its keys stay failed.
    /// - Parameter chain: the operations, applied in order, all or nothing.
    /// - Returns: the transfers written, after commit.
    /// - Throws: `LedgerError`; `StorageError.commitFailed`.
    public func run(_ chain: [LedgerOperation]) async throws -> [Transfer] {
        let outcome = try await store.ledgerWrite(self) { rows -> Result<[Transfer], LedgerError> in
            do {
                return .success(try apply(rows, operations: chain, now: clock.nowMillis()))
            } catch let error as LedgerError {
                return .failure(error)
            }
        }
        return try outcome.get()
    }

    /// Reserves money in a transaction of its own: see `LedgerOperation.pending`.
    /// - Returns: the `pending` transfer. - Throws: `LedgerError`; storage errors.
    public func pending(_ request: TransferRequest, timeoutMillis: Int64) async throws -> Transfer {
        try await run([.pending(request, timeoutMillis: timeoutMillis)])[0]
    }

    /// Posts `amount` (all when nil) of a pending transfer in a transaction of its own.
    /// - Returns: the `post` transfer. - Throws: `LedgerError`; storage errors.
    public func post(id: String, pendingID: String, amount: Int64? = nil) async throws -> Transfer {
        try await run([.post(id: id, pendingID: pendingID, amount: amount)])[0]
    }

    /// Voids a pending transfer in a transaction of its own.
    /// - Returns: the `void` transfer. - Throws: `LedgerError`; storage errors.
    public func void(id: String, pendingID: String) async throws -> Transfer {
        try await run([.void(id: id, pendingID: pendingID)])[0]
    }

    /// Reverses a posted transfer in a transaction of its own.
    /// - Parameters: transferID: the transfer to reverse; reason: the memo; id: the new key.
    /// - Returns: the reversing transfer. - Throws: `LedgerError`; storage errors.
    public func reverse(_ transferID: String, reason: String, id: String) async throws -> Transfer {
        try await run([.reverse(id: id, transferID: transferID, reason: reason)])[0]
    }
}
