import EngineCore

/// A field of the rooms and profiles domain that input validation can reject.
public enum RoomField: String, Sendable, Equatable {
    /// A room id.
    case roomID = "room_id"
    /// A streamer id.
    case streamerID = "streamer_id"
    /// A room title.
    case title
    /// A room category.
    case category
    /// A user id of a profile.
    case userID = "user_id"
}

/// Failures of room and profile operations.
public enum RoomError: ShowrunnerError, Equatable {
    /// A field broke its rule; `reason` says which.
    case invalid(RoomField, reason: String)
    /// A room with this id exists already.
    case alreadyExists(id: String)
    /// No room has this id.
    case notFound(id: String)
    /// A list limit outside 1...max.
    case invalidLimit(Int, max: Int)

    /// Stable machine code, e.g. `invalid_room_id`, `room_exists`.
    public var code: String {
        switch self {
        case .invalid(let field, _): "invalid_\(field.rawValue)"
        case .alreadyExists: "room_exists"
        case .notFound: "room_not_found"
        case .invalidLimit: "invalid_limit"
        }
    }

    /// The category the host maps to a status.
    public var kind: ErrorKind {
        switch self {
        case .invalid, .invalidLimit: .badRequest
        case .alreadyExists: .conflict
        case .notFound: .notFound
        }
    }

    /// A sentence for people.
    public var message: String {
        switch self {
        case .invalid(let field, let reason): "\(field.rawValue) \(reason)"
        case .alreadyExists(let id): "room '\(id)' already exists"
        case .notFound(let id): "no room '\(id.prefix(80))'"
        case .invalidLimit(let limit, let max): "limit must be between 1 and \(max), got \(limit)"
        }
    }
}
