import Books
import EngineCore
import Rooms

/// A partner's system message to one user's sockets or to a room's: journaled
/// (`partner_message`), then delivered as a `notice` event. Delivery follows the commit and is
/// at most once (a user not connected, or a crash right after the commit, gets nothing live);
/// the journal fact is the record.
public struct PartnerMessages: Sendable {
    /// Journal type of a message.
    public static let messageType = "partner_message"
    /// Longest text, in characters.
    public static let textLengthMax = 500

    let journal: any JournalStore
    let rooms: RoomDirectory
    let bus: RoomBus
    let users: UserBus
    let clock: any WallClock

    /// - Parameters: rooms: checks a room exists; bus, users: where messages are delivered.
    public init(journal: any JournalStore, rooms: RoomDirectory, bus: RoomBus, users: UserBus, clock: any WallClock = SystemWallClock()) {
        self.journal = journal
        self.rooms = rooms
        self.bus = bus
        self.users = users
        self.clock = clock
    }

    /// The journaled message, as the request answers it.
    public struct Message: Sendable, Codable, Equatable {
        public let id: Int64
        public let partnerID: String
        public let toUser: String?
        public let toRoom: String?
        public let text: String
        public let sentAt: Int64
        /// Sockets of the user reached now (nil for a room: its members are reached through its stream).
        public let socketsReached: Int?
    }

    struct Fact: Encodable {
        let partnerID: String
        let toUser: String?
        let toRoom: String?
        let text: String
    }

    struct Notice: Encodable {
        let text: String
        let partnerID: String
    }

    /// Sends `text` to exactly one of `toUser` or `toRoom`.
    /// - Throws: `PartnerError.invalid` (`recipient`, `to_user`, `text`: 400), `RoomError.notFound` (404).
    public func send(partner: String, toUser: String?, toRoom: String?, text: String) async throws -> Message {
        guard (toUser == nil) != (toRoom == nil) else { throw PartnerError.invalid("recipient", "give exactly one of to_user and to_room") }
        if let toUser, !Principal.isValidUserID(toUser) { throw PartnerError.invalid("to_user", "not a user id") }
        guard text.contains(where: { !$0.isWhitespace }), text.contractLength <= Self.textLengthMax else {
            throw PartnerError.invalid("text", "1...\(Self.textLengthMax) characters, not all blank")
        }
        var room: Room?
        if let toRoom { room = try await rooms.room(id: toRoom) }
        let now = clock.nowMillis()
        let fact = Fact(partnerID: partner, toUser: toUser, toRoom: room?.id, text: text)
        let offsets = try await journal.append([JournalFact(type: Self.messageType, payloadJSON: try PartnerJSON.text(fact))], at: now)
        let offset = offsets[0]
        let event = try RoomEvent(.notice, json: Array(try PartnerJSON.text(Notice(text: text, partnerID: partner)).utf8))
        var reached: Int?
        if let room {
            bus.publish(room: room.id, event: event)
        } else if let toUser {
            reached = users.deliver(userID: toUser, event: event, atMillis: now)
        }
        return Message(id: offset, partnerID: partner, toUser: toUser, toRoom: room?.id, text: text, sentAt: now, socketsReached: reached)
    }
}
