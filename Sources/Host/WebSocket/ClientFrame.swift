import Engine
import EngineCore
import Rooms

/// A frame a client may send. Decoding is strict: an unknown `type`, a missing or unknown
/// field, or a wrong type is an `invalid_frame` error, never silently ignored. Every frame is a
/// flat object, read in the strict reader's one pass (`StrictJSONSyntax.parseFlatObject`).
enum ClientFrame: Equatable {
    case danmaku(DanmakuDraft)
    case gift(GiftFrame)
    case ping
    case since(RoomPosition)

    /// A gift to the connection's room, as `POST /v1/rooms/{room}/gifts` takes it.
    struct GiftFrame: Equatable, Sendable {
        let giftID: String
        let count: Int64
        let idempotencyKey: String
    }

    /// Why a client frame was refused; `code` goes in the `error` frame.
    struct Refusal: Error, Equatable {
        let code: String
        let message: String
    }

    private static let fields: [String: Set<String>] = [
        "danmaku": ["type", "text", "mode", "color"],
        "gift": ["type", "gift_id", "count", "idempotency_key"],
        "ping": ["type"],
        "since": ["type", "epoch", "offset"],
    ]

    /// Parses one text message.
    /// - Throws: `Refusal` `invalid_utf8`, `invalid_json` or `invalid_frame`.
    static func parse(_ bytes: [UInt8]) throws(Refusal) -> ClientFrame {
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw Refusal(code: "invalid_utf8", message: "frame is not valid UTF-8")
        }
        let object: [String: StrictJSONValue]
        do {
            object = try StrictJSONSyntax.parseFlatObject(bytes)
        } catch {
            throw Refusal(code: error.kind == .malformed ? "invalid_json" : "invalid_frame", message: error.message)
        }
        guard case .string(let type) = object["type"], let allowed = fields[type] else {
            throw Refusal(code: "invalid_frame", message: "unknown or missing type")
        }
        if let unknown = Set(object.keys).subtracting(allowed).sorted().first {
            throw Refusal(code: "invalid_frame", message: "unknown field '\(unknown)'")
        }
        switch type {
        case "ping":
            return .ping
        case "since":
            guard case .string(let epoch) = object["epoch"], case .integer(let offset) = object["offset"], offset >= 0 else {
                throw Refusal(code: "invalid_frame", message: "since needs epoch (string) and offset (integer >= 0)")
            }
            return .since(RoomPosition(epoch: epoch, offset: offset))
        case "gift":
            guard case .string(let giftID) = object["gift_id"], case .integer(let count) = object["count"],
                case .string(let key) = object["idempotency_key"]
            else {
                throw Refusal(
                    code: "invalid_frame", message: "gift needs gift_id (string), count (integer) and idempotency_key (string)")
            }
            return .gift(GiftFrame(giftID: giftID, count: count, idempotencyKey: key))
        default:
            return .danmaku(try draft(object))
        }
    }

    private static func draft(_ object: [String: StrictJSONValue]) throws(Refusal) -> DanmakuDraft {
        guard case .string(let text) = object["text"] else {
            throw Refusal(code: "invalid_frame", message: "danmaku needs text (string)")
        }
        var draft = DanmakuDraft(text: text)
        if let mode = object["mode"] {
            guard case .string(let raw) = mode, let parsed = DanmakuMode(rawValue: raw) else {
                throw Refusal(code: "invalid_frame", message: "mode must be scroll, top or bottom")
            }
            draft.mode = parsed
        }
        if let color = object["color"] {
            guard case .string(let raw) = color else { throw Refusal(code: "invalid_frame", message: "color must be #rrggbb") }
            draft.color = raw
        }
        return draft
    }
}
