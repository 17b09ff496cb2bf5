import EngineCore

/// Refusals of the gift catalog and of sending gifts.
public enum GiftError: ShowrunnerError, Equatable {
    case invalid(field: String, String)
    case notFound(id: String)
    case notOffered(giftID: String, roomID: String)
    case invalidCount(Int64, max: Int64)
    case giftToSelf
    case refused(step: String, reason: String)

    public var code: String {
        switch self {
        case .invalid(let field, _): "invalid_\(field)"
        case .notFound: "gift_not_found"
        case .notOffered: "gift_not_offered"
        case .invalidCount: "invalid_count"
        case .giftToSelf: "gift_to_self"
        case .refused: "gift_refused"
        }
    }

    public var kind: ErrorKind {
        switch self {
        case .invalid, .invalidCount, .giftToSelf: .badRequest
        case .notFound: .notFound
        case .notOffered, .refused: .unprocessable
        }
    }

    public var message: String {
        switch self {
        case .invalid(let field, let why): "\(field): \(why)"
        case .notFound(let id): "no gift '\(id)'"
        case .notOffered(let gift, let room): "gift '\(gift)' is not offered in room '\(room)'"
        case .invalidCount(let n, let max): "count must be 1...\(max), got \(n)"
        case .giftToSelf: "streamers cannot send gifts to their own room"
        case .refused(let step, let reason): "refused by gift step '\(step)': \(reason)"
        }
    }
}
