import EngineCore

/// Failures of vanity room numbers (`RoomNumbers`).
public enum RoomNumberError: ShowrunnerError, Equatable {
    /// A field from outside that `RoomNumberRules` refuses.
    public enum Field: String, Sendable {
        case number
        case priceCoins = "price_coins"
        case idempotencyKey = "idempotency_key"
        case limit
        case after
    }

    /// A field broke its rule; the text says which.
    case invalid(Field, String)
    /// Another room holds the number, or has it as its id.
    case taken(number: String, roomID: String)
    /// The number was released and may not be assigned before `freesAt` (ms since the epoch).
    case coolingDown(number: String, freesAt: Int64)
    /// A purchase of a number nobody lists for sale.
    case notForSale(number: String)
    /// A release of a room that holds no number.
    case roomHasNone(roomID: String)
    /// A withdrawal of a listing that does not exist.
    case notListed(number: String)
    /// A purchase by someone other than the room's streamer.
    case notRoomStreamer(roomID: String)
    /// A purchase key used before with another body.
    case idempotencyConflict(key: String)

    /// Stable machine code, e.g. `number_taken`.
    public var code: String {
        switch self {
        case .invalid(let field, _): "invalid_\(field.rawValue)"
        case .taken: "number_taken"
        case .coolingDown: "number_cooling_down"
        case .notForSale: "number_not_for_sale"
        case .roomHasNone: "room_number_not_found"
        case .notListed: "number_not_listed"
        case .notRoomStreamer: "not_room_streamer"
        case .idempotencyConflict: "idempotency_conflict"
        }
    }

    /// The category the host maps to a status.
    public var kind: ErrorKind {
        switch self {
        case .invalid: .badRequest
        case .taken, .coolingDown, .notForSale, .idempotencyConflict: .conflict
        case .roomHasNone, .notListed: .notFound
        case .notRoomStreamer: .forbidden
        }
    }

    /// A sentence for people.
    public var message: String {
        switch self {
        case .invalid(let field, let why): "\(field.rawValue) \(why)"
        case .taken(let number, let room): "number \(number) is taken by room '\(room)'"
        case .coolingDown(let number, let freesAt): "number \(number) was released recently; it frees at \(freesAt) (ms since the epoch)"
        case .notForSale(let number): "number \(number) is not listed for sale"
        case .roomHasNone(let room): "room '\(room)' has no number"
        case .notListed(let number): "number \(number) is not listed for sale"
        case .notRoomStreamer(let room): "only the streamer of room '\(room)' may buy it a number"
        case .idempotencyConflict(let key): "idempotency_key '\(key)' was used with another body"
        }
    }
}
