import EngineCore
import Foundation
import Rooms
import Scripting

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

    let store: any QueueStore
    let gates: QueueGates
    let privileges: Privileges
    let bus: RoomBus
    let clock: any WallClock
    /// Called at named points inside each change's transaction; a throw there aborts the change
    /// half-way, as a crash would (the crash tests' hook; nil in production).
    let faults: (@Sendable (String) throws -> Void)?

    /// - Parameters: store: where queues are kept; gates: runs entry gates; privileges: what
    ///   members show; bus: where `queue` frames go; faults: the crash tests' hook.
    public init(
        store: any QueueStore, gates: QueueGates, privileges: Privileges, bus: RoomBus, clock: any WallClock = SystemWallClock(),
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
        let frame = try await store.write { tx in
            try tx.saveSettings(
                room, open: s.open, game: s.game, waitingCapacity: s.waitingCapacity, gameCapacity: s.gameCapacity, gateJSON: gateJSON, at: now)
            return try Self.frame(tx, room, change: nil)
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
        let frame = try await store.write { tx in
            guard let q = try tx.settings(roomID: room.id) else { throw Self.noQueue(room) }
            guard q.open else { throw RequestError("queue_closed", .conflict, "the queue of '\(room.id)' is closed") }
            guard viewer != room.streamerID else { throw RequestError("own_queue", .conflict, "a streamer does not queue in their own room") }
            if let at = try tx.member(roomID: room.id, userID: viewer) {
                throw RequestError("already_queued", .conflict, "already in the \(at.queue) list of '\(room.id)'")
            }
            guard try tx.count(roomID: room.id, queue: "waiting") < q.waitingCapacity else {
                throw RequestError("queue_full", .conflict, "the waiting list of '\(room.id)' is full (\(q.waitingCapacity))")
            }
            if let gate = q.gate {
                let who = LuaValue.table(LuaTable(fields: [
                    "id": .string(viewer), "game_account": try tx.gameAccount(userID: viewer, game: q.game).map(LuaValue.string) ?? .nil,
                ]))
                let params = LuaTable(fields: gate.params.mapValues(\.value))
                if case .refused(let reason) = gates.check(
                    reads: tx.gateReads(gates), template: gate.template, params: params, viewer: who, streamer: room.streamerID, now: now)
                {
                    throw RequestError("gate_refused", .forbidden, reason)
                }
            }
            let membership = try Self.record(tx, room, user: viewer, action: "enter_waiting", actor: viewer, reason: nil, membership: nil, now: now)
            try faults?("apply")
            try tx.insertMember(roomID: room.id, userID: viewer, queue: "waiting", joinedAt: now, seq: membership.seq, membership: membership.id)
            try tx.journal(type: Self.joinedType, payload: QueueChange(
                roomID: room.id, streamerID: room.streamerID, userID: viewer, queue: "waiting", actor: viewer, reason: nil, at: now), at: now)
            try tx.bumpVersion(roomID: room.id, at: now)
            return try Self.frame(tx, room, change: .init(action: "joined", userID: viewer, queue: "waiting", actor: viewer))
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
        let frame = try await store.write { tx in
            guard try tx.settings(roomID: room.id) != nil else { throw Self.noQueue(room) }
            guard let at = try tx.member(roomID: room.id, userID: user) else {
                throw RequestError("not_queued", .notFound, "'\(user)' is in no list of '\(room.id)'")
            }
            try Self.remove(tx, room, user: user, from: at, actor: actor.userID, reason: reason,
                end: actor.userID == user ? "left" : "removed", now: now)
            try faults?("leave")
            try tx.bumpVersion(roomID: room.id, at: now)
            return try Self.frame(tx, room, change: .init(action: actor.userID == user ? "left" : "removed", userID: user, queue: at.queue, actor: actor.userID))
        }
        return publish(frame)
    }

    /// Moves `user` from the waiting list to the game list.
    /// - Throws: `RequestError` 403, 404 `queue_not_found`, `not_waiting`; 409 `game_full`.
    public func promote(_ room: Room, user: String, by actor: Principal) async throws -> QueueFrame {
        try Self.requireManager(room, actor)
        let now = clock.nowMillis()
        let faults = self.faults
        let frame = try await store.write { tx in
            guard let q = try tx.settings(roomID: room.id) else { throw Self.noQueue(room) }
            guard let at = try tx.member(roomID: room.id, userID: user), at.queue == "waiting" else {
                throw RequestError("not_waiting", .notFound, "'\(user)' is not in the waiting list of '\(room.id)'")
            }
            guard try tx.count(roomID: room.id, queue: "game") < q.gameCapacity else {
                throw RequestError("game_full", .conflict, "the game list of '\(room.id)' is full (\(q.gameCapacity))")
            }
            _ = try Self.record(tx, room, user: user, action: "leave_waiting", actor: actor.userID, reason: "promoted", membership: at.membership, now: now)
            try faults?("promote")
            let entered = try Self.record(tx, room, user: user, action: "enter_game", actor: actor.userID, reason: nil, membership: at.membership, now: now)
            try tx.moveToGame(roomID: room.id, userID: user, joinedAt: now, seq: entered.seq)
            try tx.markPlaying(membership: at.membership, at: now)
            try tx.bumpVersion(roomID: room.id, at: now)
            return try Self.frame(tx, room, change: .init(action: "promoted", userID: user, queue: "game", actor: actor.userID))
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
        let frame = try await store.write { tx in
            guard try tx.settings(roomID: room.id) != nil else { throw Self.noQueue(room) }
            for at in try tx.members(roomID: room.id) {
                try Self.remove(tx, room, user: at.user, from: at, actor: actor.userID, reason: reason ?? "cleared", end: "removed", now: now)
                try faults?("clear")
            }
            try tx.close(roomID: room.id, at: now)
            return try Self.frame(tx, room, change: .init(action: "cleared", userID: nil, queue: nil, actor: actor.userID))
        }
        return publish(frame)
    }

    /// The queue of `room`; game accounts only when `streamerView`.
    /// - Throws: `RequestError` 404 `queue_not_found`.
    public func view(_ room: Room, streamerView: Bool) async throws -> QueueView {
        let (q, members, accounts) = try await store.read { tx -> (Settings?, [Membership], [String: String]) in
            guard let q = try tx.settings(roomID: room.id) else { return (nil, [], [:]) }
            let members = try tx.members(roomID: room.id)
            var accounts: [String: String] = [:]
            if streamerView {
                for m in members { accounts[m.user] = try tx.gameAccount(userID: m.user, game: q.game) }
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
    static func frame(_ tx: any QueueTransaction, _ room: Room, change: QueueFrame.Change?) throws -> QueueFrame {
        guard let q = try tx.settings(roomID: room.id) else { throw noQueue(room) }
        return QueueFrame(
            roomID: room.id, streamerID: room.streamerID, version: q.version, open: q.open, game: q.game,
            waitingCapacity: q.waitingCapacity, gameCapacity: q.gameCapacity, waitingCount: try tx.count(roomID: room.id, queue: "waiting"),
            gameCount: try tx.count(roomID: room.id, queue: "game"),
            waiting: try tx.listed(roomID: room.id, queue: "waiting", limit: QueueFrame.waitingShown),
            playing: try tx.listed(roomID: room.id, queue: "game", limit: gameCapacityMax), change: change)
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
        try await store.write { tx in try tx.bindGameAccount(userID: user, game: game, account: account, at: now) }
    }

    // MARK: Rows

    /// A room's queue settings as stored.
    public struct Settings: Sendable {
        public let open: Bool
        public let game: String
        public let waitingCapacity: Int64
        public let gameCapacity: Int64
        public let gate: GateChoice?
        public let version: Int64

        public init(open: Bool, game: String, waitingCapacity: Int64, gameCapacity: Int64, gate: GateChoice?, version: Int64) {
            (self.open, self.game, self.waitingCapacity, self.gameCapacity, self.gate, self.version) =
                (open, game, waitingCapacity, gameCapacity, gate, version)
        }
    }

    /// An open queue of a live room, as recommendations rank it.
    public struct LiveQueue: Sendable {
        public let roomID: String
        public let streamerID: String
        public let game: String
        public let gate: GateChoice?
        public let waitingCapacity: Int64
        public let gameCapacity: Int64
        /// The session's average concurrent viewers.
        public let averageViewers: Double
        public let gameCount: Int64
        public let waitingCount: Int64

        public init(
            roomID: String, streamerID: String, game: String, gate: GateChoice?, waitingCapacity: Int64, gameCapacity: Int64,
            averageViewers: Double, gameCount: Int64, waitingCount: Int64
        ) {
            (self.roomID, self.streamerID, self.game, self.gate, self.waitingCapacity, self.gameCapacity) =
                (roomID, streamerID, game, gate, waitingCapacity, gameCapacity)
            (self.averageViewers, self.gameCount, self.waitingCount) = (averageViewers, gameCount, waitingCount)
        }
    }

    /// A member's place in a list: which list, since when (and the fact that put them there),
    /// and their membership.
    public struct Membership: Sendable {
        public let user: String
        public let queue: String
        public let joinedAt: Int64
        public let seq: Int64
        public let membership: Int64

        public init(user: String, queue: String, joinedAt: Int64, seq: Int64, membership: Int64) {
            (self.user, self.queue, self.joinedAt, self.seq, self.membership) = (user, queue, joinedAt, seq, membership)
        }
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
        _ tx: any QueueTransaction, _ room: Room, user: String, action: String, actor: String, reason: String?, membership: Int64?, now: Int64
    ) throws -> (seq: Int64, id: Int64) {
        let id = try membership ?? tx.openMembership(roomID: room.id, userID: user, at: now)
        let seq = try tx.appendMove(roomID: room.id, userID: user, action: action, actor: actor, reason: reason, membership: id, at: now)
        return (seq, id)
    }

    /// Takes `user` out of their list, closing the membership as `end`.
    static func remove(
        _ tx: any QueueTransaction, _ room: Room, user: String, from at: Membership, actor: String, reason: String?, end: String, now: Int64
    ) throws {
        let action = at.queue == "waiting" ? "leave_waiting" : "leave_game"
        let state = at.queue == "game" && end == "left" ? "played" : end
        _ = try record(tx, room, user: user, action: action, actor: actor, reason: reason, membership: at.membership, now: now)
        try tx.deleteMember(roomID: room.id, userID: user)
        try tx.endMembership(at.membership, state: state, reason: reason, at: now)
        try tx.journal(type: leftType, payload: QueueChange(
            roomID: room.id, streamerID: room.streamerID, userID: user, queue: at.queue, actor: actor, reason: reason, at: now), at: now)
    }
}
