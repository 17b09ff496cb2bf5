import Books
import Engine
import Foundation
import GRDB
import Rooms
import Scripting

/// `QueueStore` on the SQLite store: `queues`, `queue_members`, `queue_memberships`,
/// `queue_facts` and `game_accounts`, in the store's transactions.
public struct SQLiteQueueStore: QueueStore {
    let store: Store

    public init(_ store: Store) { self.store = store }

    public func write<T: Sendable>(_ body: @escaping @Sendable (any QueueTransaction) throws -> T) async throws -> T {
        try await store.write { db in try body(Transaction(db: db)) }
    }

    public func read<T: Sendable>(_ body: @escaping @Sendable (any QueueTransaction) throws -> T) async throws -> T {
        try await store.read { db in try body(Transaction(db: db)) }
    }

    public func verificationRecords() async throws -> QueueVerifier.Records {
        try await store.read { db in try Self.verificationRecords(db) }
    }

    /// What `QueueVerifier` compares, read in the caller's transaction.
    static func verificationRecords(_ db: Database) throws -> QueueVerifier.Records {
        QueueVerifier.Records(
            facts: try Row.fetchAll(db, sql: "SELECT seq, room_id, user_id, action, at, membership FROM queue_facts ORDER BY seq").map {
                .init(seq: $0["seq"], roomID: $0["room_id"], userID: $0["user_id"], action: $0["action"], at: $0["at"], membership: $0["membership"])
            },
            members: try Row.fetchAll(db, sql: "SELECT room_id, user_id, queue, membership, seq, joined_at FROM queue_members").map {
                .init(roomID: $0["room_id"], userID: $0["user_id"], queue: $0["queue"], membership: $0["membership"], seq: $0["seq"], joinedAt: $0["joined_at"])
            },
            memberships: try Row.fetchAll(db, sql: "SELECT id, room_id, user_id, state, ended_at FROM queue_memberships ORDER BY id").map {
                .init(id: $0["id"], roomID: $0["room_id"], userID: $0["user_id"], state: $0["state"], endedAt: $0["ended_at"])
            })
    }

    struct Transaction: QueueTransaction {
        let db: Database

        func settings(roomID: String) throws -> Queues.Settings? {
            guard let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT open, game, waiting_capacity, game_capacity, gate, version FROM queues WHERE room_id = ?"),
                arguments: [roomID])
            else { return nil }
            let gate = try (row["gate"] as String?).map { try JSONDecoder().decode(GateChoice.self, from: Data($0.utf8)) }
            return Queues.Settings(
                open: row["open"], game: row["game"], waitingCapacity: row["waiting_capacity"], gameCapacity: row["game_capacity"], gate: gate,
                version: row["version"])
        }

        func member(roomID: String, userID: String) throws -> Queues.Membership? {
            try Row.fetchOne(
                db.cachedStatement(sql: "SELECT user_id, queue, joined_at, seq, membership FROM queue_members WHERE room_id = ? AND user_id = ?"),
                arguments: [roomID, userID]
            ).map(Self.membership(row:))
        }

        func members(roomID: String) throws -> [Queues.Membership] {
            try Row.fetchAll(
                db.cachedStatement(sql: """
                    SELECT user_id, queue, joined_at, seq, membership FROM queue_members WHERE room_id = ? ORDER BY queue DESC, joined_at, seq
                    """), arguments: [roomID]
            ).map(Self.membership(row:))
        }

        static func membership(row: Row) -> Queues.Membership {
            Queues.Membership(user: row["user_id"], queue: row["queue"], joinedAt: row["joined_at"], seq: row["seq"], membership: row["membership"])
        }

        func count(roomID: String, queue: String) throws -> Int64 {
            try Int64.fetchOne(
                db.cachedStatement(sql: "SELECT COUNT(*) FROM queue_members WHERE room_id = ? AND queue = ?"), arguments: [roomID, queue]) ?? 0
        }

        func listed(roomID: String, queue: String, limit: Int64) throws -> [QueueFrame.Member] {
            try Row.fetchAll(
                db.cachedStatement(sql: "SELECT user_id, joined_at, seq FROM queue_members WHERE room_id = ? AND queue = ? ORDER BY joined_at, seq LIMIT ?"),
                arguments: [roomID, queue, limit]
            ).map { QueueFrame.Member(userID: $0["user_id"], joinedAt: $0["joined_at"], seq: $0["seq"]) }
        }

        func gameAccount(userID: String, game: String) throws -> String? {
            try String.fetchOne(
                db.cachedStatement(sql: "SELECT account FROM game_accounts WHERE user_id = ? AND game = ?"), arguments: [userID, game])
        }

        func openLiveQueues() throws -> [Queues.LiveQueue] {
            try Row.fetchAll(
                db, sql: """
                    SELECT q.room_id, q.streamer_id, q.game, q.gate, q.waiting_capacity, q.game_capacity,
                        (SELECT COALESCE(AVG(viewers), 0) FROM live_samples WHERE session_id = s.id) AS average_viewers,
                        (SELECT COUNT(*) FROM queue_members m WHERE m.room_id = q.room_id AND m.queue = 'game') AS game_count,
                        (SELECT COUNT(*) FROM queue_members m WHERE m.room_id = q.room_id AND m.queue = 'waiting') AS waiting_count
                    FROM queues q JOIN live_sessions s ON s.room_id = q.room_id AND s.ended_at IS NULL
                    WHERE q.open = 1
                    """
            ).map { row in
                Queues.LiveQueue(
                    roomID: row["room_id"], streamerID: row["streamer_id"], game: row["game"],
                    gate: try (row["gate"] as String?).map { try JSONDecoder().decode(GateChoice.self, from: Data($0.utf8)) },
                    waitingCapacity: row["waiting_capacity"], gameCapacity: row["game_capacity"], averageViewers: row["average_viewers"],
                    gameCount: row["game_count"], waitingCount: row["waiting_count"])
            }
        }

        func streamersPlayedWith(userID: String) throws -> Set<String> {
            Set(try String.fetchAll(
                db, sql: "SELECT DISTINCT q.streamer_id FROM queue_memberships m JOIN queues q ON q.room_id = m.room_id WHERE m.user_id = ? AND m.game_at IS NOT NULL",
                arguments: [userID]))
        }

        func saveSettings(_ room: Room, open: Bool, game: String, waitingCapacity: Int64, gameCapacity: Int64, gateJSON: String?, at now: Int64) throws {
            try db.execute(
                sql: """
                    INSERT INTO queues (room_id, streamer_id, open, game, waiting_capacity, game_capacity, gate, version, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?)
                    ON CONFLICT (room_id) DO UPDATE SET open = excluded.open, game = excluded.game,
                        waiting_capacity = excluded.waiting_capacity, game_capacity = excluded.game_capacity, gate = excluded.gate,
                        version = version + 1, updated_at = excluded.updated_at
                    """,
                arguments: [room.id, room.streamerID, open, game, waitingCapacity, gameCapacity, gateJSON, now])
        }

        func bumpVersion(roomID: String, at now: Int64) throws {
            try db.execute(sql: "UPDATE queues SET version = version + 1, updated_at = ? WHERE room_id = ?", arguments: [now, roomID])
        }

        func close(roomID: String, at now: Int64) throws {
            try db.execute(sql: "UPDATE queues SET open = 0, version = version + 1, updated_at = ? WHERE room_id = ?", arguments: [now, roomID])
        }

        func openMembership(roomID: String, userID: String, at now: Int64) throws -> Int64 {
            try db.execute(
                sql: "INSERT INTO queue_memberships (room_id, user_id, state, joined_at) VALUES (?, ?, 'waiting', ?)",
                arguments: [roomID, userID, now])
            return db.lastInsertedRowID
        }

        func appendMove(roomID: String, userID: String, action: String, actor: String, reason: String?, membership: Int64, at now: Int64) throws -> Int64 {
            try db.execute(
                sql: "INSERT INTO queue_facts (room_id, user_id, action, actor, reason, at, membership) VALUES (?, ?, ?, ?, ?, ?, ?)",
                arguments: [roomID, userID, action, actor, reason, now, membership])
            return db.lastInsertedRowID
        }

        func insertMember(roomID: String, userID: String, queue: String, joinedAt: Int64, seq: Int64, membership: Int64) throws {
            try db.execute(
                sql: "INSERT INTO queue_members (room_id, user_id, queue, joined_at, seq, membership) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [roomID, userID, queue, joinedAt, seq, membership])
        }

        func moveToGame(roomID: String, userID: String, joinedAt: Int64, seq: Int64) throws {
            try db.execute(
                sql: "UPDATE queue_members SET queue = 'game', joined_at = ?, seq = ? WHERE room_id = ? AND user_id = ?",
                arguments: [joinedAt, seq, roomID, userID])
        }

        func deleteMember(roomID: String, userID: String) throws {
            try db.execute(sql: "DELETE FROM queue_members WHERE room_id = ? AND user_id = ?", arguments: [roomID, userID])
        }

        func markPlaying(membership: Int64, at: Int64) throws {
            try db.execute(sql: "UPDATE queue_memberships SET state = 'playing', game_at = ? WHERE id = ?", arguments: [at, membership])
        }

        func endMembership(_ membership: Int64, state: String, reason: String?, at: Int64) throws {
            try db.execute(
                sql: "UPDATE queue_memberships SET state = ?, ended_at = ?, end_reason = ? WHERE id = ?", arguments: [state, at, reason, membership])
        }

        func bindGameAccount(userID: String, game: String, account: String, at now: Int64) throws {
            try db.execute(
                sql: """
                    INSERT INTO game_accounts (user_id, game, account, updated_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT (user_id, game) DO UPDATE SET account = excluded.account, updated_at = excluded.updated_at
                    """, arguments: [userID, game, account, now])
        }

        func journal(type: String, payload: some Encodable & Sendable, at now: Int64) throws {
            _ = try Journal.append(db, type: type, payload: payload, at: now)
        }

        func gateReads(_ gates: QueueGates) -> any ScriptReads {
            LedgerReads(db: db, ledger: gates.ledger, calendar: gates.calendar)
        }
    }
}

extension QueueGates {
    /// `check` with the reads of the caller's transaction (`db`).
    public func check(_ db: Database, template id: String, params: LuaTable, viewer: LuaValue, streamer: String, now: Int64) -> Verdict {
        check(reads: LedgerReads(db: db, ledger: ledger, calendar: calendar), template: id, params: params, viewer: viewer, streamer: streamer, now: now)
    }
}

extension QueueVerifier {
    /// Every difference of the store's queues, read in the caller's transaction (`db`).
    public static func differences(_ db: Database) throws -> [String] {
        differences(try SQLiteQueueStore.verificationRecords(db))
    }
}
