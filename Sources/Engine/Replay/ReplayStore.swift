import LiveOps

/// A database a what-if replay reads or cuts: the live database (only read, and copied once) and
/// the scratch copy the candidate runs over (cut to the window, then read).
///
/// The seam at the level of a transaction: the replay cuts the copy's journal, clears the
/// state the candidate rebuilds and rewinds its consumers in one transaction; it reads one
/// side's boards, rewards and task completions in one snapshot. So the store hands the replay a
/// `ReplayTransaction` inside `write` (and `read`), and the backend owns the SQL.
///
/// For implementers: `write` runs `body` in one write transaction, committed only when it
/// returns; a throw rolls everything back. `read` runs `body` on a consistent snapshot (its
/// writing methods throw). A replay moves no money: the transactions' `ledger` part need not be
/// reachable. A store opened read only throws from `write`. Every backend runs
/// `ReplayStoreConformanceTests`.
public protocol ReplayStore: Sendable {
    /// Runs `body` in one write transaction; commits when it returns, rolls back when it throws.
    func write<T: Sendable>(_ body: @escaping @Sendable (any ReplayTransaction) throws -> T) async throws -> T
    /// Runs `body` on a consistent snapshot; its writing methods throw.
    func read<T: Sendable>(_ body: @escaping @Sendable (any ReplayTransaction) throws -> T) async throws -> T
    /// Copies the whole database, as one consistent snapshot, into the database file at `path`
    /// (created when missing, its contents replaced).
    /// - Throws: storage errors.
    func copy(to path: String) throws
}

/// A replay's statements in one transaction: the journal's window, cutting the copy, and the
/// totals the replay compares. The live-ops part (`LiveOpsTransaction`) loads the boards.
///
/// For implementers: `types` and `idPrefixes` are the replay's own constants (plain
/// identifiers); times are as stored: journal `created_at` in milliseconds, ledger `ts` in
/// microseconds.
public protocol ReplayTransaction: LiveOpsTransaction {
    // MARK: The window

    /// The oldest journal offset created at or after `ms`; nil when none is.
    func firstOffset(createdFrom ms: Int64) throws -> Int64?
    /// The newest journal offset created before `ms`; nil when none is.
    func lastOffset(createdBefore ms: Int64) throws -> Int64?
    /// How many journal rows have an offset in `first...last` (a packed row counts once).
    func journalRows(from first: Int64, through last: Int64) throws -> Int
    /// The newest ledger transfer's sequence; 0 without transfers.
    func latestTransferSeq() throws -> Int64

    // MARK: Cutting the copy

    /// Deletes every journal row after `offset`, and forgets the gift keys of those rows.
    func cutJournal(after offset: Int64) throws
    /// Deletes the journal rows of `types` at or after `offset`.
    func deleteFacts(types: [String], from offset: Int64) throws
    /// Clears the idempotency key of every journal row of `types`, so facts derived again may
    /// take their keys.
    func clearIdempotencyKeys(types: [String]) throws
    /// Deletes every leaderboard period and score, activity run, task and chest progress row,
    /// consumer failure and parked event.
    func clearLiveOpsState() throws
    /// Puts consumer `name`'s cursor at `offset` (a packed row's facts all ahead), creating it
    /// when missing.
    func rewindConsumer(_ name: String, to offset: Int64) throws

    // MARK: What the replay compares

    /// Every stored board period's key, ordered by activity, board, then period.
    func boardKeys() throws -> [BoardKey]
    /// Posted transfers whose id starts with one of `idPrefixes` and whose sequence is after
    /// `seq`, summed by credited account and asset, ordered by account then asset.
    func rewardTotals(idPrefixes: [String], afterSeq seq: Int64) throws -> [ReplayRewardTotal]
    /// As `rewardTotals(idPrefixes:afterSeq:)`, for transfers with `ts` in `from..<to` (µs).
    func rewardTotals(idPrefixes: [String], from: Int64, to: Int64) throws -> [ReplayRewardTotal]
    /// Facts of `type` (a task completion: `task_id`, `stage`), packed rows' facts one by one,
    /// in rows after offset `offset`, counted by task and stage, ordered by task then stage.
    func completions(type: String, afterOffset offset: Int64) throws -> [WhatIfReplay.CompletionLine]
    /// As `completions(type:afterOffset:)`, for facts created in `from..<to` (ms, each packed
    /// fact by its own time).
    func completions(type: String, from: Int64, to: Int64) throws -> [WhatIfReplay.CompletionLine]
}

/// Rewards credited to one account in one asset, as `ReplayTransaction.rewardTotals` sums them.
public struct ReplayRewardTotal: Sendable, Equatable {
    /// The credited account, as stored (`AccountID`'s text).
    public let account: String
    /// The asset.
    public let asset: String
    /// The sum of the amounts.
    public let amount: Int64
    /// How many transfers.
    public let transfers: Int

    /// - Parameters: account: the credited account's text; asset; amount: the sum; transfers: the count.
    public init(account: String, asset: String, amount: Int64, transfers: Int) {
        self.account = account
        self.asset = asset
        self.amount = amount
        self.transfers = transfers
    }
}
