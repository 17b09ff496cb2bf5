import Rooms
import Scripting

/// A gate parameter's value as a request carries it: an integer, a string or a boolean.
public struct GateParamValue: Sendable, Codable, Equatable {
    public let value: LuaValue

    public init(_ value: LuaValue) { self.value = value }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let b = try? c.decode(Bool.self) {
            value = .boolean(b)
        } else if let n = try? c.decode(Int64.self) {
            value = .integer(n)
        } else if let s = try? c.decode(String.self) {
            value = .string(s)
        } else {
            throw DecodingError.typeMismatch(
                LuaValue.self, .init(codingPath: c.codingPath, debugDescription: "a gate parameter is an integer, a string or a boolean"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch value {
        case .boolean(let b): try c.encode(b)
        case .integer(let n): try c.encode(n)
        case .string(let s): try c.encode(s)
        default: try c.encodeNil()
        }
    }
}

/// The gate a queue runs: a template and its parameters.
public struct GateChoice: Sendable, Codable, Equatable {
    public var template: String
    public var params: [String: GateParamValue]

    public init(template: String, params: [String: GateParamValue] = [:]) {
        self.template = template
        self.params = params
    }
}

/// What a streamer sets for their room's queue (`PUT /v1/rooms/{room}/queue`).
public struct QueueSettings: Sendable, Codable, Equatable {
    public var open: Bool
    public var game: String
    public var waitingCapacity: Int64
    public var gameCapacity: Int64
    /// Nil: everyone may apply.
    public var gate: GateChoice?

    public init(open: Bool, game: String, waitingCapacity: Int64, gameCapacity: Int64, gate: GateChoice? = nil) {
        self.open = open
        self.game = game
        self.waitingCapacity = waitingCapacity
        self.gameCapacity = gameCapacity
        self.gate = gate
    }

    public static let keys: Set<String> = ["open", "game", "waiting_capacity", "game_capacity", "gate"]
    public static let gateKeys: Set<String> = ["template", "params"]

    enum CodingKeys: String, CodingKey {
        case open, game, gate
        case waitingCapacity = "waiting_capacity"
        case gameCapacity = "game_capacity"
    }
}

/// One member of a queue as the room sees them.
public struct QueueMember: Sendable, Codable, Equatable {
    public var userID: String
    public var joinedAt: Int64
    /// Order among members who joined in the same millisecond.
    public var seq: Int64
    /// What the member shows (badge, medal, guard...); absent when nothing.
    public var shows: EntryPrivileges?
    /// The member's account for the queue's game: only in the streamer's view.
    public var gameAccount: String?

    enum CodingKeys: String, CodingKey {
        case seq, shows
        case userID = "user_id"
        case joinedAt = "joined_at"
        case gameAccount = "game_account"
    }
}

/// A room's queue: its settings and both lists, in join order.
public struct QueueView: Sendable, Codable, Equatable {
    public var roomID: String
    public var streamerID: String
    public var open: Bool
    public var game: String
    public var waitingCapacity: Int64
    public var gameCapacity: Int64
    public var gate: GateChoice?
    public var waiting: [QueueMember]
    public var playing: [QueueMember]
    /// One more on every change (settings and lists); a `queue` frame carries it, so a client
    /// can tell a newer frame from an older one.
    public var version: Int64

    enum CodingKeys: String, CodingKey {
        case open, game, gate, waiting, version
        case playing = "game_queue"
        case roomID = "room_id"
        case streamerID = "streamer_id"
        case waitingCapacity = "waiting_capacity"
        case gameCapacity = "game_capacity"
    }
}

/// The `queue_joined` and `queue_left` facts.
public struct QueueChange: Sendable, Codable, Equatable {
    public var roomID: String
    public var streamerID: String
    public var userID: String
    /// `waiting` or `game`.
    public var queue: String
    /// Who acted: the member, the streamer, an operator.
    public var actor: String
    public var reason: String?
    public var at: Int64

    enum CodingKeys: String, CodingKey {
        case queue, actor, reason, at
        case roomID = "room_id"
        case streamerID = "streamer_id"
        case userID = "user_id"
    }
}

/// What a change answers and pushes to the room as a `queue` frame: bounded whatever the
/// queue's size (counts, the head of the waiting list, the whole game list, no per-member
/// reads), so a change costs the same in a queue of 5 and of 500. The full list with what each
/// member shows is `GET /v1/rooms/{room}/queue`.
public struct QueueFrame: Sendable, Codable, Equatable {
    /// Waiting members a frame lists, from the head.
    public static let waitingShown: Int64 = 20

    /// A member as frames list them.
    public struct Member: Sendable, Codable, Equatable {
        public var userID: String
        public var joinedAt: Int64
        public var seq: Int64

        package init(userID: String, joinedAt: Int64, seq: Int64) {
            self.userID = userID
            self.joinedAt = joinedAt
            self.seq = seq
        }

        enum CodingKeys: String, CodingKey {
            case seq
            case userID = "user_id"
            case joinedAt = "joined_at"
        }
    }

    /// What changed: `joined`, `left`, `removed`, `promoted`, `cleared`; nil for settings.
    public struct Change: Sendable, Codable, Equatable {
        public var action: String
        public var userID: String?
        public var queue: String?
        public var actor: String
        enum CodingKeys: String, CodingKey {
            case action, queue, actor
            case userID = "user_id"
        }
    }

    public var roomID: String
    public var streamerID: String
    /// One more on every change: keep the frame with the highest.
    public var version: Int64
    public var open: Bool
    public var game: String
    public var waitingCapacity: Int64
    public var gameCapacity: Int64
    public var waitingCount: Int64
    public var gameCount: Int64
    public var waiting: [Member]
    public var playing: [Member]
    public var change: Change?

    enum CodingKeys: String, CodingKey {
        case version, open, game, waiting, change
        case playing = "game_queue"
        case roomID = "room_id"
        case streamerID = "streamer_id"
        case waitingCapacity = "waiting_capacity"
        case gameCapacity = "game_capacity"
        case waitingCount = "waiting_count"
        case gameCount = "game_count"
    }
}
