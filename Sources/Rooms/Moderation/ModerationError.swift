import EngineCore

/// Failures of moderation commands (mutes, word lists).
public enum ModerationError: ShowrunnerError, Equatable {
    /// A word list that breaks a rule.
    case invalidWordList(String)
    /// A mute duration outside the allowed range.
    case invalidMuteDuration(seconds: Int, max: Int)
    /// A user id of the wrong shape.
    case invalidUser(String)
    /// The caller may not moderate this room.
    case notRoomModerator(room: String)

    /// Stable machine code.
    public var code: String {
        switch self {
        case .invalidWordList: "invalid_word_list"
        case .invalidMuteDuration: "invalid_mute_duration"
        case .invalidUser: "invalid_user_id"
        case .notRoomModerator: "forbidden"
        }
    }

    /// The category the host maps to a status.
    public var kind: ErrorKind {
        switch self {
        case .notRoomModerator: .forbidden
        default: .badRequest
        }
    }

    /// A sentence for people.
    public var message: String {
        switch self {
        case .invalidWordList(let reason): "invalid word list: \(reason)"
        case .invalidMuteDuration(let seconds, let max): "seconds must be 1...\(max), got \(seconds)"
        case .invalidUser(let user): "invalid user id '\(user.prefix(80))'"
        case .notRoomModerator(let room): "only the streamer of '\(room)' or an operator may do this"
        }
    }
}
