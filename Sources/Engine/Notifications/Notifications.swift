import Foundation
import GRDB

/// What reaches people: every `ctx.notify` (a `notice` journal fact) becomes a stored
/// notification of its user, read with a cursor and marked read, and is pushed to the user's
/// open connections (`UserBus`) as a `notice` frame with `kind = "notification"`.
///
/// The stored row is exactly once (keyed by the fact's journal offset, written with the
/// consumer's cursor); the push is at least once, like every effect outside the database.
public struct Notifications: Sendable {
    /// Most notifications one page answers.
    public static let pageMax = 100

    let store: Store

    public init(store: Store) { self.store = store }

    /// One notification.
    public struct Item: Sendable, Codable, Equatable {
        public var id: Int64
        public var text: String
        /// Who asked for it (the script call's origin, e.g. `gift:12:fan-medal`).
        public var origin: String
        public var createdAt: Int64
        public var read: Bool

        enum CodingKeys: String, CodingKey {
            case id, text, origin, read
            case createdAt = "created_at"
        }
    }

    /// A page, newest first.
    public struct Page: Sendable, Codable, Equatable {
        public var notifications: [Item]
        /// Pass as `cursor` for the next (older) page; absent on the last page.
        public var nextCursor: String?
        public var unread: Int64

        enum CodingKeys: String, CodingKey {
            case notifications, unread
            case nextCursor = "next_cursor"
        }
    }

    /// `user`'s notifications older than `cursor` (an id; nil: the newest), at most `limit`.
    /// - Throws: `RequestError` 400 `invalid_cursor`, `invalid_query`.
    public func page(user: String, cursor: String?, limit: Int) async throws -> Page {
        guard (1...Self.pageMax).contains(limit) else { throw RequestError("invalid_query", .badRequest, "limit must be 1...\(Self.pageMax)") }
        var before = Int64.max
        if let cursor {
            guard cursor.utf8.count <= 19, cursor.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let n = Int64(cursor), n >= 1 else {
                throw RequestError("invalid_cursor", .badRequest, "cursor: the next_cursor of an earlier page")
            }
            before = n
        }
        let olderThan = before
        return try await store.read { db in
            let items = try Row.fetchAll(
                db, sql: """
                    SELECT id, text, origin, created_at, read_at IS NOT NULL FROM notifications
                    WHERE user_id = ? AND id < ? ORDER BY id DESC LIMIT ?
                    """, arguments: [user, olderThan, limit + 1]
            ).map { Item(id: $0[0], text: $0[1], origin: $0[2], createdAt: $0[3], read: $0[4]) }
            let unread = try Int64.fetchOne(
                db, sql: "SELECT COUNT(*) FROM notifications WHERE user_id = ? AND read_at IS NULL", arguments: [user]) ?? 0
            let more = items.count > limit
            let shown = Array(items.prefix(limit))
            return Page(notifications: shown, nextCursor: more ? shown.last.map { String($0.id) } : nil, unread: unread)
        }
    }

    /// Marks `user`'s notifications up to id `upTo` read; answers how many stay unread.
    /// - Throws: `RequestError` 400 `invalid_up_to`.
    public func markRead(user: String, upTo: Int64, now: Int64) async throws -> Int64 {
        guard upTo >= 1 else { throw RequestError("invalid_up_to", .badRequest, "up_to: a notification id, at least 1") }
        return try await store.write { db in
            try db.execute(
                sql: "UPDATE notifications SET read_at = ? WHERE user_id = ? AND id <= ? AND read_at IS NULL", arguments: [now, user, upTo])
            return try Int64.fetchOne(db, sql: "SELECT COUNT(*) FROM notifications WHERE user_id = ? AND read_at IS NULL", arguments: [user]) ?? 0
        }
    }
}

/// Stores each `notice` fact as its user's notification and pushes it to their sockets; pushes
/// every order change to the sockets of the order's viewer and streamer (`kind: order`, not
/// stored: the order itself is the record), so an open order page follows it live.
public struct NotificationsConsumer: JournalConsumer {
    public let name = "notifications"
    public let types: Set<String>? = [EffectApplier.noticeType, Orders.changedType]
    let users: UserBus

    public init(users: UserBus) { self.users = users }

    /// A push cannot be taken back: each entry in its own savepoint.
    public var replaysBatchOnFailure: Bool { false }

    struct Notice: Decodable {
        let userID: String
        let text: String
        let origin: String
        enum CodingKeys: String, CodingKey {
            case text, origin
            case userID = "user_id"
        }
    }

    struct Pushed: Encodable {
        let kind = "notification"
        let id: Int64
        let text: String
        let origin: String
    }

    struct OrderPush: Encodable {
        let kind = "order"
        let order_id: Int64
        let action: String
        let actor: OrderActor
        let state: String
        let external: String
        let final: Bool
        let version: Int64
    }

    public func apply(_ entry: JournalEntry, in db: Database) throws {
        if entry.type == Orders.changedType {
            let fact = try entry.decodePayload(as: OrderChanged.self)
            let push = OrderPush(
                order_id: fact.order.id, action: fact.change.action, actor: fact.change.actor, state: fact.order.state,
                external: fact.order.external, final: fact.order.final, version: fact.order.version)
            guard let event = try? RoomEvent(.notice, payload: push) else { return }
            for user in [fact.order.viewerID, fact.order.streamerID] {
                users.deliver(userID: user, event: event, atMillis: entry.createdAt)
            }
            return
        }
        let notice = try entry.decodePayload(as: Notice.self)
        // A notice for a malformed user id reaches nobody; it is not retried.
        guard Principal.isValidUserID(notice.userID) else { return }
        try db.execute(
            sql: """
                INSERT INTO notifications (user_id, text, origin, journal_offset, created_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (journal_offset) DO NOTHING
                """, arguments: [notice.userID, notice.text, notice.origin, entry.offset, entry.createdAt])
        guard db.changesCount == 1 else { return }
        let pushed = Pushed(id: db.lastInsertedRowID, text: notice.text, origin: notice.origin)
        if let event = try? RoomEvent(.notice, payload: pushed) { users.deliver(userID: notice.userID, event: event, atMillis: entry.createdAt) }
    }
}
