import Engine
import Foundation

/// A frame a client may send. Decoding is strict: an unknown `type`, a missing or unknown
/// field, or a wrong type is an `invalid_frame` error, never silently ignored.
enum ClientFrame: Equatable {
    case danmaku(DanmakuDraft)
    case ping
    case since(RoomPosition)

    /// Why a client frame was refused; `code` goes in the `error` frame.
    struct Refusal: Error, Equatable {
        let code: String
        let message: String
    }

    private static let fields: [String: Set<String>] = [
        "danmaku": ["type", "text", "mode", "color"],
        "ping": ["type"],
        "since": ["type", "epoch", "offset"],
    ]

    /// Parses one text message.
    /// - Throws: `Refusal` `invalid_utf8`, `invalid_json` or `invalid_frame`.
    static func parse(_ bytes: [UInt8]) throws(Refusal) -> ClientFrame {
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw Refusal(code: "invalid_utf8", message: "frame is not valid UTF-8")
        }
        do {
            try StrictJSONSyntax.validateObject(bytes)
        } catch {
            throw Refusal(code: error.kind == .malformed ? "invalid_json" : "invalid_frame", message: error.message)
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
            throw Refusal(code: "invalid_json", message: "frame must be a JSON object")
        }
        guard let type = object["type"] as? String, let allowed = fields[type] else {
            throw Refusal(code: "invalid_frame", message: "unknown or missing type")
        }
        if let unknown = Set(object.keys).subtracting(allowed).sorted().first {
            throw Refusal(code: "invalid_frame", message: "unknown field '\(unknown)'")
        }
        switch type {
        case "ping":
            return .ping
        case "since":
            guard let epoch = object["epoch"] as? String, let offset = object["offset"] as? Int, offset >= 0 else {
                throw Refusal(code: "invalid_frame", message: "since needs epoch (string) and offset (integer >= 0)")
            }
            return .since(RoomPosition(epoch: epoch, offset: Int64(offset)))
        default:
            return .danmaku(try draft(object))
        }
    }

    private static func draft(_ object: [String: Any]) throws(Refusal) -> DanmakuDraft {
        guard let text = object["text"] as? String else {
            throw Refusal(code: "invalid_frame", message: "danmaku needs text (string)")
        }
        var draft = DanmakuDraft(text: text)
        if let mode = object["mode"] {
            guard let raw = mode as? String, let parsed = DanmakuMode(rawValue: raw) else {
                throw Refusal(code: "invalid_frame", message: "mode must be scroll, top or bottom")
            }
            draft.mode = parsed
        }
        if let color = object["color"] {
            guard let raw = color as? String else { throw Refusal(code: "invalid_frame", message: "color must be #rrggbb") }
            draft.color = raw
        }
        return draft
    }
}
