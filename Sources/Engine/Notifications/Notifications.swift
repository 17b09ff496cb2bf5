import EngineCore
import Foundation

/// What reaches people: every `ctx.notify` (a `notice` journal fact) becomes a stored
/// notification of its user, read with a cursor and marked read, and is pushed to the user's
/// open connections (`UserBus`) as a `notice` frame with `kind = "notification"`.
///
/// The stored row is exactly once (keyed by the fact's journal offset, written with the
/// consumer's cursor); the push is at least once, like every effect outside the database.
public struct Notifications: Sendable {
    /// Most notifications one page answers.
    public static let pageMax = 100

    let store: any NotificationStore

    public init(store: any NotificationStore) { self.store = store }

    /// One notification.
    public struct Item: Sendable, Codable, Equatable {
        public var id: Int64
        public var text: String
        /// Who asked for it (the script call's origin, e.g. `gift:12:fan-medal`).
        public var origin: String
        public var createdAt: Int64
        public var read: Bool

        package init(id: Int64, text: String, origin: String, createdAt: Int64, read: Bool) {
            self.id = id
            self.text = text
            self.origin = origin
            self.createdAt = createdAt
            self.read = read
        }

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
        let (items, unread) = try await store.notifications(user: user, olderThan: before, limit: limit + 1)
        let more = items.count > limit
        let shown = Array(items.prefix(limit))
        return Page(notifications: shown, nextCursor: more ? shown.last.map { String($0.id) } : nil, unread: unread)
    }

    /// Marks `user`'s notifications up to id `upTo` read; answers how many stay unread.
    /// - Throws: `RequestError` 400 `invalid_up_to`.
    public func markRead(user: String, upTo: Int64, now: Int64) async throws -> Int64 {
        guard upTo >= 1 else { throw RequestError("invalid_up_to", .badRequest, "up_to: a notification id, at least 1") }
        return try await store.markRead(user: user, upTo: upTo, at: now)
    }
}

/// Where notifications are kept (the consumer stores them; `NotificationsConsumer`).
///
/// For implementers: `notifications` answers, from one snapshot, a user's notifications with an
/// id below `olderThan`, newest first, at most `limit`, and how many of theirs are unread.
/// `markRead` marks a user's unread ones with an id up to `upTo` read at
/// `now` in one transaction, and answers how many stay unread. Every backend runs
/// `NotificationStoreConformanceTests`.
public protocol NotificationStore: Sendable {
    func notifications(user: String, olderThan: Int64, limit: Int) async throws -> (items: [Notifications.Item], unread: Int64)
    func markRead(user: String, upTo: Int64, at now: Int64) async throws -> Int64
}
