import Engine
import EngineCore
import Hummingbird
import Rooms

/// Body of `GET /v1/rooms/{room}/danmaku`: `next` is the `since` of the following page.
struct DanmakuPage: ResponseEncodable {
    let items: [Danmaku]
    let next: Int64
}

/// Body of `POST /v1/rooms/{room}/mutes`.
struct MuteBody: StrictDecodable {
    static let allowedKeys: Set<String> = ["user_id", "seconds"]
    let userID: String
    let seconds: Int
    enum CodingKeys: String, CodingKey {
        case userID = "user_id"
        case seconds
    }
}

/// Body of `GET|PUT /v1/admin/moderation/words`.
struct WordList: StrictDecodable, ResponseEncodable {
    static let allowedKeys: Set<String> = ["words"]
    static let nestedAllowedKeys: [String: Set<String>] = ["words.*": ["word", "category", "action", "score"]]
    let words: [KeywordRule]
}

/// Body of broadcasts and notices: 1...`textLengthMax` characters.
struct TextBody: StrictDecodable, Encodable {
    static let allowedKeys: Set<String> = ["text"]
    static let textLengthMax = 500
    let text: String

    /// The body, once its text is checked.
    /// - Throws: `RequestError` `invalid_text`.
    func checked() throws -> TextBody {
        guard text.contains(where: { !$0.isWhitespace }), text.contractLength <= Self.textLengthMax else {
            throw RequestError("invalid_text", .badRequest, "text must be 1...\(Self.textLengthMax) non-blank characters")
        }
        return self
    }
}

/// Answer of broadcasts and notices: how many rooms the event was published to.
struct Delivered: ResponseEncodable {
    let rooms: Int
}
