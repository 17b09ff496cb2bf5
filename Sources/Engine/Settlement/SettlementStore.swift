import Books

/// Where the monthly close is kept: each month's state, its statements, finance's adjustments
/// and streamers' withdrawals, and the facts a run reads (the earnings aggregates, guild
/// contracts, live sessions, the earnings consumer's place in the journal).
///
/// The seam at the level of a transaction: a confirm reads the month, checks its withdrawals,
/// posts the payouts through the ledger and freezes the month, all in one transaction or none.
/// So the store hands the domain a `SettlementTransaction` inside `write` (and `read`), and the
/// domain decides; the backend owns the SQL.
///
/// For implementers: `write` runs `body` in one write transaction of the store, serialized with
/// every other write, and commits only when it returns; a throw rolls everything back, ledger
/// transfers and journal facts included. `read` runs `body` on a consistent snapshot (its
/// writing methods throw).
public protocol SettlementStore: Sendable {
    /// Runs `body` in a write transaction; commits when it returns, rolls back when it throws.
    func write<T: Sendable>(_ body: @escaping @Sendable (any SettlementTransaction) throws -> T) async throws -> T
    /// Runs `body` on a read snapshot.
    func read<T: Sendable>(_ body: @escaping @Sendable (any SettlementTransaction) throws -> T) async throws -> T
}

/// One row of the earnings aggregates: an owner's revenue of one operations day from one source.
public struct EarningsRow: Sendable, Equatable {
    /// `streamer`, `guild` or `pool`.
    public var ownerKind: String
    /// The streamer's or guild's id (the pool's system account for `pool`).
    public var ownerID: String
    /// The operations day, `YYYY-MM-DD`.
    public var day: String
    /// An `EarningsSource` raw value.
    public var source: String
    /// The day's revenue from the source, in minor units (negative after refunds).
    public var amount: Int64

    package init(ownerKind: String, ownerID: String, day: String, source: String, amount: Int64) {
        self.ownerKind = ownerKind
        self.ownerID = ownerID
        self.day = day
        self.source = source
        self.amount = amount
    }
}

/// A live session's span: when it started and ended (nil while it runs), in milliseconds.
public struct LiveSpan: Sendable, Equatable {
    /// Whose session it is.
    public var streamerID: String
    /// When it started, in milliseconds.
    public var startedAt: Int64
    /// When it ended, in milliseconds; nil while it runs.
    public var endedAt: Int64?

    package init(streamerID: String, startedAt: Int64, endedAt: Int64? = nil) {
        self.streamerID = streamerID
        self.startedAt = startedAt
        self.endedAt = endedAt
    }
}

/// The settlement tables (and the facts the close reads) as one transaction sees them.
///
/// For implementers: a month without a row is `open`, and so is one whose stored state is not a
/// `SettlementState`. Withdrawals come ordered by id unless a method says otherwise. Statements
/// are listed streamers first, then guilds, each by owner id. Methods that visit rows (`forEach…`)
/// stream them without holding them all.
public protocol SettlementTransaction: StoreTransaction {
    // MARK: Months and statements

    /// The month's state (`open` when it has none).
    func state(month: String) throws -> SettlementState
    /// Sets the month's state, by whom and when; `generation` and `hash`, when given, replace
    /// the month's policy generation and inputs hash (nil keeps them).
    func setState(month: String, _ state: SettlementState, by: String?, now: Int64, generation: String?, hash: String?) throws
    /// The month's state, generation, inputs hash and statements (decoded from their stored JSON).
    func settlementMonth(_ month: String) throws -> SettlementMonth
    /// Replaces the month's statements with `statements` (each with its inputs' JSON), stored in
    /// order with their own JSON (keys sorted).
    func replaceStatements(month: String, _ statements: [(SettlementStatement, String)]) throws

    // MARK: A run's facts

    /// Visits every earnings row of a streamer or a guild from `first` through `last` (days).
    func forEachEarning(from first: String, through last: String, _ body: (EarningsRow) throws -> Void) throws
    /// Revenue per day of streamers and guilds from `first` through `last` (days with none absent).
    func dailyRevenue(from first: String, through last: String) throws -> [String: Int64]
    /// Every guild contract covering some day from `first` through `last`, per streamer, in start order.
    func contracts(from first: String, through last: String) throws -> [String: [GuildContract]]
    /// Visits every live session overlapping `[startMs, endMs)` (running ones included), by
    /// streamer, then start.
    func forEachLiveSession(from startMs: Int64, until endMs: Int64, _ body: (LiveSpan) throws -> Void) throws
    /// Whether the journal holds a fact of one of `types` past consumer `consumer`'s cursor
    /// recorded before `before` (ms).
    func journalBehind(consumer: String, types: [String], before: Int64) throws -> Bool

    // MARK: The earnings page and its reconciliation

    /// A streamer's revenue per day of `days` and per source (days and sources with none absent).
    func earnings(streamer: String, days: [String]) throws -> [String: [String: Int64]]
    /// Every live session of `streamer`, by start.
    func liveSessions(streamer: String) throws -> [LiveSpan]
    /// The sum of every earnings row, every owner's.
    func earningsTotal() throws -> Int64
    /// Every guild's earnings, summed over all days.
    func guildEarnings() throws -> [String: Int64]
    /// The balance of `system:revenue_issuance:revenue` (0 without the account): minus all
    /// revenue issued.
    func revenueIssuanceBalance() throws -> Int64
    /// Every guild's revenue account: its balance and what settlement posted to it (net of what
    /// it took back), by guild id.
    func guildRevenueAccounts() throws -> [(guildID: String, balance: Int64, settled: Int64)]

    // MARK: Adjustments

    /// The month's adjustments summed per owner, in no set order.
    func adjustmentSums(month: String) throws -> [(ownerKind: String, ownerID: String, amount: Int64)]
    /// The adjustments counting in the month, by id.
    func adjustments(month: String) throws -> [SettlementAdjustment]
    /// Records an adjustment counting in `month` (correcting `refersTo` when it moved there);
    /// answers its id.
    func insertAdjustment(month: String, _ r: SettlementAdjustmentRequest, by: String, refersTo: String?, now: Int64) throws -> Int64

    // MARK: Withdrawals

    /// The withdrawal reserved under `transferID`, if any.
    func withdrawal(transferID: String) throws -> Withdrawal?
    /// A streamer's newest withdrawals, newest first, at most 100.
    func withdrawals(streamer: String) throws -> [Withdrawal]
    /// Records a pending withdrawal; answers its id.
    func insertWithdrawal(streamer: String, month: String, amount: Int64, transferID: String, now: Int64) throws -> Int64
    /// The month's withdrawals per streamer that count: pending or imported, not expired.
    func withdrawn(month: String) throws -> [String: Int64]
    /// The month's pending withdrawals.
    func pendingWithdrawals(month: String) throws -> [Withdrawal]
    /// How many of the month's withdrawals are pending.
    func pendingWithdrawalCount(month: String) throws -> Int
    /// Whether a withdrawal of `last` or an earlier month is pending.
    func hasPendingWithdrawals(through last: String) throws -> Bool
    /// The oldest pending withdrawals of `last` or earlier months, at most `limit`.
    func pendingWithdrawals(through last: String, limit: Int) throws -> [Withdrawal]
    /// The withdrawal is `imported` at `now`.
    func markImported(withdrawal id: Int64, now: Int64) throws
    /// The withdrawal is `expired`, for `reason`.
    func markExpired(withdrawal id: Int64, reason: String?) throws
}
