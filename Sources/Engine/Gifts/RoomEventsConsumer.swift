import Books
import Foundation
import Rooms

/// Delivers journaled room events to the room bus: every durable gift (as a `gift` event) and
/// every `ctx.broadcast` from a script (an outbox entry, as a `notice`), and every `order` frame an
/// order machine asked for (`ctx.show_order`). Publishing happens
/// inside the consumer's transaction, so a crash between publish and commit republishes: the
/// bus sees each event at least once, never zero times.
///
/// It writes nothing but its cursor, so it runs off the writer (`OffWriterConsumer`): pages are
/// read and published on a read snapshot, and the writer only moves the cursor. A batch whose
/// cursor move fails is run again (on the writer): its events are published again, as after a
/// crash.
public struct RoomEventsConsumer: OffWriterConsumer {
    public let name = "room-events"
    public let types: Set<String>? = [GiftSender.giftType, EffectApplier.roomEventType, Orders.frameType]
    let bus: RoomBus
    let events: HandlerEvents

    /// - Parameters: bus: where rooms' subscribers listen; events: the parsed gifts, shared with
    ///   the other consumers of the store (only the room is read here).
    public init(bus: RoomBus, events: HandlerEvents = HandlerEvents()) {
        self.bus = bus
        self.events = events
    }

    /// Publishing cannot be undone: entries are applied one by one, so a failing entry never
    /// makes the runner apply (publish) the entries before it again.
    public var replaysBatchOnFailure: Bool { false }

    /// Publishing writes nothing to the store: no savepoint per entry.
    public var writesInApply: Bool { false }

    /// Publishes `entry` from the snapshot; there is nothing to write.
    public func prepare(_ entry: JournalEntry, in tx: any StoreTransaction, writes: inout DeferredWrites) throws {
        try apply(entry, in: tx)
    }

    /// Nothing is kept in memory between batches.
    public func seal() -> @Sendable (any StoreTransaction) throws -> Void { { _ in } }

    public func apply(_ entry: JournalEntry, in tx: any StoreTransaction) throws {
        switch entry.type {
        case GiftSender.giftType:
            guard let room = try events.handlerEvent(entry).roomID else {
                throw JournalError.invalidPayload(reason: "offset \(entry.offset): a gift without 'room_id'")
            }
            _ = bus.publish(room: room, event: try RoomEvent(.gift, json: Array(entry.payload.utf8)))
        case Orders.frameType:
            struct Outbox: Decodable {
                let room: String
            }
            let outbox = try entry.decodePayload(as: Outbox.self)
            _ = bus.publish(room: outbox.room, event: try RoomEvent(.order, json: Array(entry.payload.utf8)))
        default:
            struct Outbox: Decodable {
                let room: String
            }
            let outbox = try entry.decodePayload(as: Outbox.self)
            _ = bus.publish(room: outbox.room, event: try RoomEvent(.notice, json: Array(entry.payload.utf8)))
        }
    }
}
