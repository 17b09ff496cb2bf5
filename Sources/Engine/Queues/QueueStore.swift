import Rooms
import Scripting

/// Where play-together queues are kept: each room's settings, its two lists, every membership's
/// lifecycle, the append-only facts of every move, and viewers' game accounts.
///
/// The seam at the level of a transaction: a queue action reads the room's queue, runs the
/// entry gate, and writes the list row, the membership, the fact and a journal fact, all in one
/// transaction or none. So the store hands the domain a `QueueTransaction` inside `write` (and
/// `read`), and the domain decides; the backend owns the SQL.
///
/// For implementers: `write` runs `body` in one write transaction of the store, serialized with
/// every other write, and commits only when it returns; a throw rolls everything back, journal
/// facts included. `read` runs `body` on a consistent snapshot (its writing methods throw).
/// Every backend runs `QueueStoreConformanceTests`.
public protocol QueueStore: Sendable {
    func write<T: Sendable>(_ body: @escaping @Sendable (any QueueTransaction) throws -> T) async throws -> T
    func read<T: Sendable>(_ body: @escaping @Sendable (any QueueTransaction) throws -> T) async throws -> T
    /// Everything `QueueVerifier` compares, read in one snapshot.
    func verificationRecords() async throws -> QueueVerifier.Records
}

/// The queue tables as one transaction sees them.
///
/// For implementers: lists are ordered by `joinedAt`, then `seq`; `members` lists the waiting
/// list first, then the game list. `appendMove` returns the new fact's sequence, increasing across
/// the whole store; `openMembership` the new membership's id. A change of a room's queue does
/// not bump its version by itself: the domain calls `bumpVersion` (or `close`, which does).
public protocol QueueTransaction {
    /// The room's queue settings; nil when it has none.
    func settings(roomID: String) throws -> Queues.Settings?
    /// The list `user` is in, if any.
    func member(roomID: String, userID: String) throws -> Queues.Membership?
    /// Everyone in either list: the waiting list, then the game list.
    func members(roomID: String) throws -> [Queues.Membership]
    /// How many are in `queue` (`waiting` or `game`).
    func count(roomID: String, queue: String) throws -> Int64
    /// The first `limit` of `queue`.
    func listed(roomID: String, queue: String, limit: Int64) throws -> [QueueFrame.Member]
    /// The viewer's account in `game`, if bound.
    func gameAccount(userID: String, game: String) throws -> String?
    /// Every open queue of a room that is live now, with its session's average concurrent
    /// viewers (0 without samples) and both lists' counts, in no set order.
    func openLiveQueues() throws -> [Queues.LiveQueue]
    /// The streamers in whose game list `userID` has ever been.
    func streamersPlayedWith(userID: String) throws -> Set<String>

    /// Creates the room's queue at version 1, or replaces its settings and bumps its version.
    func saveSettings(_ room: Room, open: Bool, game: String, waitingCapacity: Int64, gameCapacity: Int64, gateJSON: String?, at now: Int64) throws
    /// One more version of the room's queue.
    func bumpVersion(roomID: String, at now: Int64) throws
    /// Closes the room's queue and bumps its version.
    func close(roomID: String, at now: Int64) throws
    /// Opens a membership in the waiting state; answers its id.
    func openMembership(roomID: String, userID: String, at now: Int64) throws -> Int64
    /// Appends a move to the facts; answers its sequence.
    func appendMove(roomID: String, userID: String, action: String, actor: String, reason: String?, membership: Int64, at now: Int64) throws -> Int64
    /// Puts `user` in `queue`.
    func insertMember(roomID: String, userID: String, queue: String, joinedAt: Int64, seq: Int64, membership: Int64) throws
    /// Moves a waiting member to the game list, joined at `joinedAt` with the fact `seq`.
    func moveToGame(roomID: String, userID: String, joinedAt: Int64, seq: Int64) throws
    /// Takes `user` out of their list.
    func deleteMember(roomID: String, userID: String) throws
    /// The membership is in the game list since `at`.
    func markPlaying(membership: Int64, at: Int64) throws
    /// The membership ended as `state` (`left`, `removed`, `played`).
    func endMembership(_ membership: Int64, state: String, reason: String?, at: Int64) throws
    /// Binds (or rebinds) a viewer's account for a game.
    func bindGameAccount(userID: String, game: String, account: String, at now: Int64) throws
    /// Appends a journal fact in this transaction.
    func journal(type: String, payload: some Encodable & Sendable, at now: Int64) throws
    /// What an entry gate's script reads (balances, fan medals, guards, facts) in this transaction.
    func gateReads(_ gates: QueueGates) -> any ScriptReads
}
