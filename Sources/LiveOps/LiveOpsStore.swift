import Books
import EngineCore
import Scripting

/// Where live operations are kept: leaderboard periods and scores, activity runs, chest
/// progress, wheel spins, task progress and claims, and the inventory (badges and items) that
/// rewards fill.
///
/// One store for activities, tasks, leaderboards and rewards: a gift's activity handler changes
/// a board, fills a chest, pays its rewards into the inventory and the ledger, and journals the
/// opening, all in the consumer's one transaction; a task claim reads progress, writes the claim
/// and pays, in one. So one transaction object answers for every part.
///
/// For implementers: `write` runs `body` in one write transaction of the store, serialized with
/// every other write, and commits only when it returns; a throw rolls everything back, journal
/// facts and transfers included. `read` runs `body` on a consistent snapshot (its writing
/// methods throw). Their transactions' `ledger` part moves money through the store's ledger.
/// `transaction(_:)` answers the live-ops part of a transaction the store's journal consumers
/// run in, without copying anything (it runs once per journal entry on the consumers' hot path).
/// Every backend runs `LiveOpsStoreConformanceTests`.
public protocol LiveOpsStore: Sendable {
    /// Runs `body` in one write transaction; commits when it returns, rolls back when it throws.
    func write<T: Sendable>(_ body: @escaping @Sendable (any LiveOpsTransaction) throws -> T) async throws -> T
    /// Runs `body` on a consistent snapshot; its writing methods throw.
    func read<T: Sendable>(_ body: @escaping @Sendable (any LiveOpsTransaction) throws -> T) async throws -> T
    /// The live-ops part of `tx`, a transaction the journal consumers' runner opened on this
    /// store (the same object, not a copy: its `ledger` part is the runner's, which may have none,
    /// so consumers pay through the methods that name their ledger).
    /// - Precondition: `tx` is a transaction of this store's backend.
    func transaction(_ tx: any StoreTransaction) -> any LiveOpsTransaction
}

/// The live-ops tables as one transaction sees them.
///
/// For implementers: reads answer nil (or empty) for missing rows and never create them.
/// Methods that name a `Ledger` run that ledger's logic over this transaction's rows, whatever
/// ledger its own `ledger` part has (a journal consumer's transaction may have none).
public protocol LiveOpsTransaction: StoreTransaction {
    // MARK: Leaderboards

    /// Every stored board period: its key, its ranking order as stored (`asc`, `desc`) and
    /// whether it is closed; in no set order.
    func leaderboardPeriods() throws -> [(key: BoardKey, order: String, closed: Bool)]
    /// Calls `body` with every stored score and its board, in no set order (scores of a period
    /// without a period row included).
    func forEachLeaderboardScore(_ body: (BoardKey, RankedEntry) throws -> Void) throws
    /// Records the period of `key`, opened at `now` in `order`, unless it is recorded already
    /// (then it is left as it is).
    func openLeaderboardPeriod(_ key: BoardKey, order: RankOrder, at now: Int64) throws
    /// Closes the period of `key` at `now`; a period not recorded yet is recorded `desc`, opened
    /// and closed at `now`. Closing a closed period moves its close time.
    func closeLeaderboardPeriod(_ key: BoardKey, at now: Int64) throws
    /// Writes each member's score as given (inserted or replaced), or deletes it when the entry
    /// is nil, in the order given.
    func saveLeaderboardScores(_ rows: [(Leaderboards.Pending, RankedEntry?)]) throws

    // MARK: Activities

    /// A chest's stored progress and openings for one owner; nil without a row.
    func chestProgress(_ key: ChestProgress.Key) throws -> ChestProgress.Value?
    /// Writes each chest row as given (inserted or replaced), in the order given.
    func saveChestProgress(_ rows: [(ChestProgress.Key, ChestProgress.Value)]) throws
    /// Whether the activity's end was recorded.
    func activityEnded(_ activity: String) throws -> Bool
    /// Records the activity's end, reached at `at` on the journal fact at `journalOffset`.
    /// - Throws: a storage error when its end is recorded already.
    func recordActivityEnd(_ activity: String, at: Int64, journalOffset: Int64) throws
    /// The stored spin of `user` under `idempotencyKey`: its body hash and its outcome's JSON;
    /// nil when there is none.
    func wheelSpin(user: String, idempotencyKey: String) throws -> (bodyHash: String, outcome: String)?
    /// Records a spin's outcome under `user` and `idempotencyKey`.
    /// - Throws: a storage error when that key holds a spin already.
    func saveWheelSpin(user: String, idempotencyKey: String, bodyHash: String, outcome: String, at now: Int64) throws

    // MARK: Tasks

    /// The user's stored progress in a task's period; nil without a row.
    func taskProgress(task: String, user: String, period: String) throws -> Int64?
    /// Writes each progress row as given (inserted or replaced, with its time), in the
    /// dictionary's order.
    func saveTaskProgress(_ rows: [TaskProgress.Key: (value: Int64, at: Int64)]) throws
    /// The stages the user claimed in a task's period.
    func claimedStages(task: String, user: String, period: String) throws -> Set<Int>
    /// Whether the user claimed `stage` in a task's period.
    func stageClaimed(task: String, user: String, period: String, stage: Int) throws -> Bool
    /// Records a claim of `stage` with the rewards' JSON.
    /// - Throws: a storage error when that stage is claimed already.
    func saveTaskClaim(task: String, user: String, period: String, stage: Int, rewardsJSON: String, at now: Int64) throws
    /// Journals `facts` of one `type` (host-built JSON objects, each with its time), in order,
    /// packed into as few journal rows as the journal allows (`Journal.packFactsMax`); nothing
    /// for none.
    /// - Throws: `JournalError` for a bad type; storage errors.
    func appendPacked(type: String, facts: [(hostJSON: String, at: Int64)]) throws

    // MARK: Inventory

    /// Records an inventory grant under `origin`; false (and nothing written) when `origin` was
    /// granted already.
    func recordInventoryGrant(origin: String, user: String, kind: String, name: String, amount: Int64, at now: Int64) throws -> Bool
    /// Gives `user` the badge, unless they hold it (then it keeps its first grant).
    func grantBadge(user: String, badge: String, origin: String, at now: Int64) throws
    /// Adds `count` of the item to what `user` holds.
    func addItems(user: String, item: String, count: Int64) throws
    /// The badges (by name) and items `user` holds.
    func inventory(user: String) throws -> Inventory

    // MARK: Other parts, with the domain's ledger

    /// What a handler's script reads of the host (balances through `ledger`, follows, fan
    /// medals, privileges) in this transaction.
    func handlerReads(ledger: Ledger, calendar: OperationsCalendar) -> any ScriptReads
    /// This transaction with `ledger` behind its `ledger` part, for effects a handler asked for.
    func effectsTransaction(ledger: Ledger) -> any StoreTransaction
    /// Applies a chain of transfers through `ledger` (`Ledger.apply(_:_:now:callerRollsBack:)`).
    /// - Throws: `LedgerError`; storage errors.
    func applyTransfers(_ chain: [TransferRequest], ledger: Ledger, now: Int64, callerRollsBack: Bool) throws -> [Transfer]
}
