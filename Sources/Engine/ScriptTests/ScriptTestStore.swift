import Books
import Scripting

/// What the script-test engine reads and writes of its throwaway database besides the domains'
/// own stores: fake facts appended to the journal, the parked events it reports, the journal
/// facts and fan medals scripts inspect, and the reads a queue gate runs on.
///
/// For implementers: `write` runs `body` in one write transaction of the store, serialized with
/// every other write, and commits only when it returns; a throw rolls everything back. `read`
/// runs `body` on a consistent snapshot (its writing methods throw). Every backend runs
/// `ScriptTestStoreConformanceTests`.
package protocol ScriptTestStore: Sendable {
    /// Runs `body` in one write transaction; commits when it returns, rolls back when it throws.
    func write<T: Sendable>(_ body: @escaping @Sendable (any ScriptTestTransaction) throws -> T) async throws -> T
    /// Runs `body` on a consistent snapshot; its writing methods throw.
    func read<T: Sendable>(_ body: @escaping @Sendable (any ScriptTestTransaction) throws -> T) async throws -> T
}

/// The script-test engine's reads in one transaction; facts are appended through `journal`.
///
/// For implementers: reads answer empty (or nil) for missing rows and never create them.
package protocol ScriptTestTransaction: StoreTransaction {
    /// The parked events (resolved or not) whose id is greater than `id`, oldest first.
    func parkedEvents(after id: Int64) throws -> [ParkedEvent]
    /// The payloads of the first `limit` journal facts of `type`, oldest first, a packed row's
    /// facts one by one.
    /// - Throws: `JournalError` for a packed row that does not unpack; storage errors.
    func journalPayloads(type: String, limit: Int) throws -> [String]
    /// `viewer`'s fan medal for `streamer` as read on `day`; nil without one.
    func fanMedal(viewer: String, streamer: String, day: String) throws -> FanMedals.Medal?
    /// What a queue gate's script reads (balances through `gates`' ledger, follows, fan medals,
    /// guards, facts) in this transaction.
    func gateReads(_ gates: QueueGates) -> any ScriptReads
}
