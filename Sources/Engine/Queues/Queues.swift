import Foundation
import GRDB

/// Play together: each room's queue, a waiting list and a game list behind a scripted entry gate.
///
/// Every change runs in one transaction: the live rows (`queue_members`), the membership's
/// lifecycle (`queue_memberships`: waiting → playing → left, removed or played), an append-only
/// fact per action (`queue_facts`: enter and leave each list, with the actor, the reason and the
/// time), and the `queue_joined` / `queue_left` journal facts scripts receive. After the commit
/// the room gets a `queue` frame with both lists. `QueueVerifier` rebuilds every queue from the
/// facts and compares it with the live rows.
///
/// A viewer is in at most one of the two lists of a room. Lists are ordered by join time, ties
/// by the sequence of the fact that put the member there. Applies are serialized by the store's
/// one writer, so a queue never holds more than its capacity.
public struct Queues: Sendable {
    /// Journal types.
    public static let joinedType = "queue_joined"
    public static let leftType = "queue_left"
    /// Limits of a queue's settings.
    public static let waitingCapacityMax: Int64 = 500
    public static let gameCapacityMax: Int64 = 50
    public static let gameBytesMax = 40
    public static let reasonBytesMax = 200

    let store: Store
    let gates: QueueGates
    let privileges: Privileges
    let bus: RoomBus
    let clock: any WallClock
    /// Called at named points inside each change's transaction; a throw there aborts the change
    /// half-way, as a crash would (the crash tests' hook; nil in production).
    let faults: (@Sendable (String) throws -> Void)?

    /// - Parameters: gates: runs entry gates; privileges: what members show; bus: where `queue`
    ///   frames go; faults: the crash tests' hook.
    public init(
        store: Store, gates: QueueGates, privileges: Privileges, bus: RoomBus, clock: any WallClock = SystemWallClock(),
        faults: (@Sendable (String) throws -> Void)? = nil
    ) {
        self.store = store
        self.gates = gates
        self.privileges = privileges
        self.bus = bus
        self.clock = clock
        self.faults = faults
    }

    /// Refuses anyone but the room's streamer and staff.
    static func requireManager(_ room: Room, _ actor: Principal) throws(RequestError) {
        guard actor.userID == room.streamerID || Role.staff.contains(actor.role) else {
            throw RequestError("not_room_streamer", .forbidden, "only the streamer of '\(room.id)' or an operator manages its queue")
        }
    }

    static func noQueue(_ room: Room) -> RequestError {
        RequestError("queue_not_found", .notFound, "room '\(room.id)' has no queue")
    }

    // MARK: Settings

    /// Creates or changes `room`'s queue. Lowering a capacity keeps the members already in.
    /// - Throws: `RequestError` 403 `not_room_streamer`, 400 `invalid_game`,
    ///   `invalid_waiting_capacity`, `invalid_game_capacity`, 422 `unknown_gate`,
    ///   `invalid_gate_params`.
    public func configure(_ room: Room, by actor: Principal, _ s: QueueSettings) async throws -> QueueFrame {
        try Self.requireManager(room, actor)
        try Self.checkGame(s.game)
        guard (1...Self.waitingCapacityMax).contains(s.waitingCapacity) else {
            throw RequestError("invalid_waiting_capacity", .badRequest, "waiting_capacity: 1...\(Self.waitingCapacityMax)")
        }
        guard (1...Self.gameCapacityMax).contains(s.gameCapacity) else {
            throw RequestError("invalid_game_capacity", .badRequest, "game_capacity: 1...\(Self.gameCapacityMax)")
        }
        var gate: GateChoice?
        if let g = s.gate {
            let checked = try gates.validate(template: g.template, params: g.params.mapValues(\.value))
            gate = GateChoice(template: g.template, params: checked.fields.mapValues(GateParamValue.init))
        }
        let gateJSON = try gate.map { String(decoding: try JSONEncoder.sorted.encode($0), as: UTF8.self) }
        let now = clock.nowMillis()
        let frame = try await store.write { db in
            try db.execute(
                sql: """
                    INSERT INTO queues (room_id, streamer_id, open, game, waiting_capacity, game_capacity, gate, version, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?)
                    ON CONFLICT (room_id) DO UPDATE SET open = excluded.open, game = excluded.game,
                        waiting_capacity = excluded.waiting_capacity, game_capacity = excluded.game_capacity, gate = excluded.gate,
                        version = version + 1, updated_at = excluded.updated_at
                    """,
                arguments: [room.id, room.streamerID, s.open, s.game, s.waitingCapacity, s.gameCapacity, gateJSON, now])
            return try Self.frame(db, room, change: nil)
        }
        return publish(frame)
    }

    // MARK: Members

    /// `viewer` applies: the gate runs, then they join the waiting list.
    /// - Throws: `RequestError` 404 `queue_not_found`, 409 `queue_closed`, `queue_full`,
    ///   `already_queued`, `own_queue`, 403 `gate_refused` (the gate's reason as the message).
    public func apply(_ room: Room, viewer: String) async throws -> QueueFrame {
        let now = clock.nowMillis()
        let gates = self.gates
        let faults = self.faults
        let frame = try await store.write { db in
            guard let q = try Self.settings(db, room) else { throw Self.noQueue(room) }
            guard q.open else { throw RequestError("queue_closed", .conflict, "the queue of '\(room.id)' is closed") }
            guard viewer != room.streamerID else { throw RequestError("own_queue", .conflict, "a streamer does not queue in their own room") }
            if let at = try Self.member(db, room, viewer) {
                throw RequestError("already_queued", .conflict, "already in the \(at.queue) list of '\(room.id)'")
            }
            guard try Self.count(db, room, "waiting") < q.waitingCapacity else {
                throw RequestError("queue_full", .conflict, "the waiting list of '\(room.id)' is full (\(q.waitingCapacity))")
            }
            if let gate = q.gate {
                let who = LuaValue.table(LuaTable(fields: [
                    "id": .string(viewer), "game_account": try Self.gameAccount(db, viewer, q.game).map(LuaValue.string) ?? .nil,
                ]))
                let params = LuaTable(fields: gate.params.mapValues(\.value))
                if case .refused(let reason) = gates.check(db, template: gate.template, params: params, viewer: who, streamer: room.streamerID, now: now) {
                    throw RequestError("gate_refused", .forbidden, reason)
                }
            }
            let membership = try Self.record(db, room, user: viewer, action: "enter_waiting", actor: viewer, reason: nil, membership: nil, now: now)
            try faults?("apply")
            try db.execute(
                sql: "INSERT INTO queue_members (room_id, user_id, queue, joined_at, seq, membership) VALUES (?, ?, 'waiting', ?, ?, ?)",
                arguments: [room.id, viewer, now, membership.seq, membership.id])
            _ = try Journal.append(db, type: Self.joinedType, payload: QueueChange(
                roomID: room.id, streamerID: room.streamerID, userID: viewer, queue: "waiting", actor: viewer, reason: nil, at: now), at: now)
            try Self.bump(db, room, now: now)
            return try Self.frame(db, room, change: .init(action: "joined", userID: viewer, queue: "waiting", actor: viewer))
        }
        return publish(frame)
    }

    /// `user` leaves whichever list they are in: by themselves (`actor` is them), or removed by
    /// the streamer or an operator with a reason.
    /// - Throws: `RequestError` 404 `queue_not_found`, `not_queued`; 403 `not_room_streamer`.
    public func leave(_ room: Room, user: String, by actor: Principal, reason: String?) async throws -> QueueFrame {
        if actor.userID != user { try Self.requireManager(room, actor) }
        let reason = try Self.checkReason(reason)
        let now = clock.nowMillis()
        let faults = self.faults
        let frame = try await store.write { db in
            guard try Self.settings(db, room) != nil else { throw Self.noQueue(room) }
            guard let at = try Self.member(db, room, user) else {
                throw RequestError("not_queued", .notFound, "'\(user)' is in no list of '\(room.id)'")
            }
            try Self.remove(db, room, user: user, from: at, actor: actor.userID, reason: reason,
                end: actor.userID == user ? "left" : "removed", now: now)
            try faults?("leave")
            try Self.bump(db, room, now: now)
            return try Self.frame(db, room, change: .init(action: actor.userID == user ? "left" : "removed", userID: user, queue: at.queue, actor: actor.userID))
        }
        return publish(frame)
    }

    /// Moves `user` from the waiting list to the game list.
    /// - Throws: `RequestError` 403, 404 `queue_not_found`, `not_waiting`; 409 `game_full`.
    public func promote(_ room: Room, user: String, by actor: Principal) async throws -> QueueFrame {
        try Self.requireManager(room, actor)
        let now = clock.nowMillis()
        let faults = self.faults
        let frame = try await store.write { db in
            guard let q = try Self.settings(db, room) else { throw Self.noQueue(room) }
            guard let at = try Self.member(db, room, user), at.queue == "waiting" else {
                throw RequestError("not_waiting", .notFound, "'\(user)' is not in the waiting list of '\(room.id)'")
            }
            guard try Self.count(db, room, "game") < q.gameCapacity else {
                throw RequestError("game_full", .conflict, "the game list of '\(room.id)' is full (\(q.gameCapacity))")
            }
            _ = try Self.record(db, room, user: user, action: "leave_waiting", actor: actor.userID, reason: "promoted", membership: at.membership, now: now)
            try faults?("promote")
            let entered = try Self.record(db, room, user: user, action: "enter_game", actor: actor.userID, reason: nil, membership: at.membership, now: now)
            try db.execute(
                sql: "UPDATE queue_members SET queue = 'game', joined_at = ?, seq = ? WHERE room_id = ? AND user_id = ?",
                arguments: [now, entered.seq, room.id, user])
            try db.execute(sql: "UPDATE queue_memberships SET state = 'playing', game_at = ? WHERE id = ?", arguments: [now, at.membership])
            try Self.bump(db, room, now: now)
            return try Self.frame(db, room, change: .init(action: "promoted", userID: user, queue: "game", actor: actor.userID))
        }
        return publish(frame)
    }

    /// Empties both lists (every member removed with `reason`) and closes the queue.
    /// - Throws: `RequestError` 403, 404 `queue_not_found`.
    public func clear(_ room: Room, by actor: Principal, reason: String?) async throws -> QueueFrame {
        try Self.requireManager(room, actor)
        let reason = try Self.checkReason(reason)
        let now = clock.nowMillis()
        let faults = self.faults
        let frame = try await store.write { db in
            guard try Self.settings(db, room) != nil else { throw Self.noQueue(room) }
            for at in try Self.members(db, room) {
                try Self.remove(db, room, user: at.user, from: at, actor: actor.userID, reason: reason ?? "cleared", end: "removed", now: now)
                try faults?("clear")
            }
            try db.execute(sql: "UPDATE queues SET open = 0, version = version + 1, updated_at = ? WHERE room_id = ?", arguments: [now, room.id])
            return try Self.frame(db, room, change: .init(action: "cleared", userID: nil, queue: nil, actor: actor.userID))
        }
        return publish(frame)
    }

    /// The queue of `room`; game accounts only when `streamerView`.
    /// - Throws: `RequestError` 404 `queue_not_found`.
    public func view(_ room: Room, streamerView: Bool) async throws -> QueueView {
        let (q, members, accounts) = try await store.read { db -> (Settings?, [Membership], [String: String]) in
            guard let q = try Self.settings(db, room) else { return (nil, [], [:]) }
            let members = try Self.members(db, room)
            var accounts: [String: String] = [:]
            if streamerView {
                for m in members { accounts[m.user] = try Self.gameAccount(db, m.user, q.game) }
            }
            return (q, members, accounts)
        }
        guard let q else { throw Self.noQueue(room) }
        var waiting: [QueueMember] = []
        var playing: [QueueMember] = []
        for m in members {
            let shown = await privileges.shown(user: m.user, streamer: room.streamerID)
            let member = QueueMember(userID: m.user, joinedAt: m.joinedAt, seq: m.seq, shows: shown.isEmpty ? nil : shown, gameAccount: accounts[m.user])
            if m.queue == "waiting" { waiting.append(member) } else { playing.append(member) }
        }
        return QueueView(
            roomID: room.id, streamerID: room.streamerID, open: q.open, game: q.game, waitingCapacity: q.waitingCapacity,
            gameCapacity: q.gameCapacity, gate: q.gate, waiting: waiting, playing: playing, version: q.version)
    }

    /// Publishes a change's frame to its room (after the commit), and answers it.
    func publish(_ frame: QueueFrame) -> QueueFrame {
        if let event = try? RoomEvent(.queue, payload: frame) { bus.publish(room: frame.roomID, event: event) }
        return frame
    }

    /// The queue as a change leaves it, bounded: counts, the first `QueueFrame.waitingShown`
    /// waiting members and the whole game list, read in the change's transaction.
    static func frame(_ db: Database, _ room: Room, change: QueueFrame.Change?) throws -> QueueFrame {
        guard let q = try settings(db, room) else { throw noQueue(room) }
        func list(_ queue: String, _ limit: Int64) throws -> [QueueFrame.Member] {
            try Row.fetchAll(
                db.cachedStatement(sql: "SELECT user_id, joined_at, seq FROM queue_members WHERE room_id = ? AND queue = ? ORDER BY joined_at, seq LIMIT ?"),
                arguments: [room.id, queue, limit]
            ).map { QueueFrame.Member(userID: $0[0], joinedAt: $0[1], seq: $0[2]) }
        }
        return QueueFrame(
            roomID: room.id, streamerID: room.streamerID, version: q.version, open: q.open, game: q.game,
            waitingCapacity: q.waitingCapacity, gameCapacity: q.gameCapacity, waitingCount: try count(db, room, "waiting"),
            gameCount: try count(db, room, "game"), waiting: try list("waiting", QueueFrame.waitingShown), playing: try list("game", gameCapacityMax),
            change: change)
    }

    // MARK: Game accounts

    /// Binds `user`'s account for `game` (one per game; binding again replaces it).
    /// - Throws: `RequestError` 400 `invalid_game`, `invalid_account`.
    public func bindGameAccount(user: String, game: String, account: String) async throws {
        try Self.checkGame(game)
        guard (1...64).contains(account.utf8.count), account.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) else {
            throw RequestError("invalid_account", .badRequest, "account: 1-64 bytes without control characters")
        }
        let now = clock.nowMillis()
        try await store.write { db in
            try db.execute(
                sql: """
                    INSERT INTO game_accounts (user_id, game, account, updated_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT (user_id, game) DO UPDATE SET account = excluded.account, updated_at = excluded.updated_at
                    """, arguments: [user, game, account, now])
        }
    }

    // MARK: Rows

    struct Settings {
        let open: Bool
        let game: String
        let waitingCapacity: Int64
        let gameCapacity: Int64
        let gate: GateChoice?
        let version: Int64
    }

    struct Membership {
        let user: String
        let queue: String
        let joinedAt: Int64
        let seq: Int64
        let membership: Int64
    }

    static func settings(_ db: Database, _ room: Room) throws -> Settings? {
        guard let row = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT open, game, waiting_capacity, game_capacity, gate, version FROM queues WHERE room_id = ?"),
            arguments: [room.id])
        else { return nil }
        let gate = try (row[4] as String?).map { try JSONDecoder().decode(GateChoice.self, from: Data($0.utf8)) }
        return Settings(open: row[0], game: row[1], waitingCapacity: row[2], gameCapacity: row[3], gate: gate, version: row[5])
    }

    static func member(_ db: Database, _ room: Room, _ user: String) throws -> Membership? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT user_id, queue, joined_at, seq, membership FROM queue_members WHERE room_id = ? AND user_id = ?"),
            arguments: [room.id, user]
        ).map { Membership(user: $0[0], queue: $0[1], joinedAt: $0[2], seq: $0[3], membership: $0[4]) }
    }

    static func members(_ db: Database, _ room: Room) throws -> [Membership] {
        try Row.fetchAll(
            db.cachedStatement(sql: """
                SELECT user_id, queue, joined_at, seq, membership FROM queue_members WHERE room_id = ? ORDER BY queue DESC, joined_at, seq
                """), arguments: [room.id]
        ).map { Membership(user: $0[0], queue: $0[1], joinedAt: $0[2], seq: $0[3], membership: $0[4]) }
    }

    static func count(_ db: Database, _ room: Room, _ queue: String) throws -> Int64 {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM queue_members WHERE room_id = ? AND queue = ?"), arguments: [room.id, queue]) ?? 0
    }

    static func gameAccount(_ db: Database, _ user: String, _ game: String) throws -> String? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT account FROM game_accounts WHERE user_id = ? AND game = ?"), arguments: [user, game])
    }

    /// One more version: every change of a queue, its lists included.
    static func bump(_ db: Database, _ room: Room, now: Int64) throws {
        try db.execute(sql: "UPDATE queues SET version = version + 1, updated_at = ? WHERE room_id = ?", arguments: [now, room.id])
    }

    /// A game's name: 1-`gameBytesMax` bytes without control characters.
    /// - Throws: `RequestError` 400 `invalid_game`.
    static func checkGame(_ game: String?) throws(RequestError) {
        guard let game, (1...gameBytesMax).contains(game.utf8.count), game.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) else {
            throw RequestError("invalid_game", .badRequest, "game: 1-\(gameBytesMax) bytes without control characters")
        }
    }

    static func checkReason(_ reason: String?) throws(RequestError) -> String? {
        guard let reason else { return nil }
        guard (1...reasonBytesMax).contains(reason.utf8.count), reason.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) else {
            throw RequestError("invalid_reason", .badRequest, "reason: 1-\(reasonBytesMax) bytes without control characters")
        }
        return reason
    }

    /// Appends a fact; `enter_waiting` also opens the membership. Answers the fact's sequence
    /// and the membership id.
    static func record(
        _ db: Database, _ room: Room, user: String, action: String, actor: String, reason: String?, membership: Int64?, now: Int64
    ) throws -> (seq: Int64, id: Int64) {
        var id = membership ?? 0
        if membership == nil {
            try db.execute(
                sql: "INSERT INTO queue_memberships (room_id, user_id, state, joined_at) VALUES (?, ?, 'waiting', ?)",
                arguments: [room.id, user, now])
            id = db.lastInsertedRowID
        }
        try db.execute(
            sql: "INSERT INTO queue_facts (room_id, user_id, action, actor, reason, at, membership) VALUES (?, ?, ?, ?, ?, ?, ?)",
            arguments: [room.id, user, action, actor, reason, now, id])
        return (db.lastInsertedRowID, id)
    }

    /// Takes `user` out of their list, closing the membership as `end`.
    static func remove(_ db: Database, _ room: Room, user: String, from at: Membership, actor: String, reason: String?, end: String, now: Int64) throws {
        let action = at.queue == "waiting" ? "leave_waiting" : "leave_game"
        let state = at.queue == "game" && end == "left" ? "played" : end
        _ = try record(db, room, user: user, action: action, actor: actor, reason: reason, membership: at.membership, now: now)
        try db.execute(sql: "DELETE FROM queue_members WHERE room_id = ? AND user_id = ?", arguments: [room.id, user])
        try db.execute(
            sql: "UPDATE queue_memberships SET state = ?, ended_at = ?, end_reason = ? WHERE id = ?",
            arguments: [state, now, reason, at.membership])
        _ = try Journal.append(db, type: leftType, payload: QueueChange(
            roomID: room.id, streamerID: room.streamerID, userID: user, queue: at.queue, actor: actor, reason: reason, at: now), at: now)
    }
}
