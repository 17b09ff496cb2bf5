import Books
import EngineCore
import Foundation
import Rooms
import Synchronization

/// Stores each `notice` fact as its user's notification and pushes it to their sockets; pushes
/// every order change to the sockets of the order's viewer and streamer (`kind: order`, not
/// stored: the order itself is the record), so an open order page follows it live.
///
/// A batch's pushes go out only after its COMMIT (`settled(committed: true)`): a push names a
/// notification row that is durable, and a batch that fails (and runs again) has pushed nothing.
public struct NotificationsConsumer: JournalConsumer {
    public let name = "notifications"
    public let types: Set<String>? = [EffectApplier.noticeType, Orders.changedType]
    let rows: any NotificationRowStore
    let users: UserBus
    let pushes = Pushes()

    /// The pushes of the batch being written, delivered once it has committed.
    final class Pushes: Sendable {
        let waiting = Mutex<[(userID: String, event: RoomEvent, atMillis: Int64)]>([])

        func take() -> [(userID: String, event: RoomEvent, atMillis: Int64)] {
            waiting.withLock { waiting in
                defer { waiting.removeAll(keepingCapacity: true) }
                return waiting
            }
        }
    }

    /// - Parameters: rows: where notifications are stored; users: whose sockets get pushes.
    public init(rows: any NotificationRowStore, users: UserBus) {
        self.rows = rows
        self.users = users
    }

    /// A stored notification is not written twice: each entry in its own savepoint.
    public var replaysBatchOnFailure: Bool { false }

    public func settled(committed: Bool) {
        let ready = pushes.take()
        guard committed else { return }
        for push in ready { users.deliver(userID: push.userID, event: push.event, atMillis: push.atMillis) }
    }

    public func batchRolledBack() { _ = pushes.take() }

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

    public func apply(_ entry: JournalEntry, in tx: any StoreTransaction) throws {
        if entry.type == Orders.changedType {
            let fact = try entry.decodePayload(as: OrderChanged.self)
            let push = OrderPush(
                order_id: fact.order.id, action: fact.change.action, actor: fact.change.actor, state: fact.order.state,
                external: fact.order.external, final: fact.order.final, version: fact.order.version)
            guard let event = try? RoomEvent(.notice, payload: push) else { return }
            pushes.waiting.withLock { waiting in
                for user in [fact.order.viewerID, fact.order.streamerID] { waiting.append((user, event, entry.createdAt)) }
            }
            return
        }
        let notice = try entry.decodePayload(as: Notice.self)
        // A notice for a malformed user id reaches nobody; it is not retried.
        guard Principal.isValidUserID(notice.userID) else { return }
        guard let id = try rows.insert(
            in: tx, userID: notice.userID, text: notice.text, origin: notice.origin, offset: entry.offset, at: entry.createdAt)
        else { return }
        let pushed = Pushed(id: id, text: notice.text, origin: notice.origin)
        if let event = try? RoomEvent(.notice, payload: pushed) { pushes.waiting.withLock { $0.append((notice.userID, event, entry.createdAt)) } }
    }
}
