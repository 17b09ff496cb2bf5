import Foundation
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
        if let gift = plainGift(bytes) { return .gift(gift) }
        return try parseGeneral(bytes)
    }

    /// `parse` without the gift's fast path (`plainGift`): the strict reader for every frame.
    /// - Throws: as `parse`.
    static func parseGeneral(_ bytes: [UInt8]) throws(Refusal) -> ClientFrame {
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

    /// A gift frame as clients send it, read in one pass with no dictionary, no set of keys and
    /// no string of the whole frame: an object of exactly `type` (`"gift"`), `gift_id`, `count` and
    /// `idempotency_key`, once each in any order, its strings printable ASCII without escapes,
    /// its count a plain positive integer within `Int64`, between only JSON whitespace. Such a
    /// frame is one the strict reader (`parseGeneral`) takes, and it reads the same; for anything
    /// else (an escape, a byte past ASCII, another key, a key twice, a zero, a sign, a fraction,
    /// text after the object) this answers nil and the strict reader reads the frame, refusing
    /// what it refuses. On the socket benchmark the strict reader was about 3% of the server's
    /// CPU, for the frame every gift arrives in (`benchmarks/LOG.md`, 2026-12-07T19:29Z).
    static func plainGift(_ bytes: [UInt8]) -> GiftFrame? {
        bytes.withUnsafeBufferPointer { b -> GiftFrame? in
            var reader = PlainGiftReader(b: b)
            return reader.frame()
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

/// The one pass of `ClientFrame.plainGift`.
private struct PlainGiftReader {
    let b: UnsafeBufferPointer<UInt8>
    var i = 0

    init(b: UnsafeBufferPointer<UInt8>) { self.b = b }

    mutating func frame() -> ClientFrame.GiftFrame? {
        skipSpace()
        guard take(UInt8(ascii: "{")) else { return nil }
        var type: Range<Int>?
        var gift: Range<Int>?
        var key: Range<Int>?
        var count: Int64?
        while true {
            skipSpace()
            guard let name = plainString() else { return nil }
            skipSpace()
            guard take(UInt8(ascii: ":")) else { return nil }
            skipSpace()
            if equals(name, "count") {
                guard count == nil, let n = plainCount() else { return nil }
                count = n
            } else {
                guard let value = plainString() else { return nil }
                if equals(name, "type"), type == nil {
                    type = value
                } else if equals(name, "gift_id"), gift == nil {
                    gift = value
                } else if equals(name, "idempotency_key"), key == nil {
                    key = value
                } else {
                    return nil
                }
            }
            skipSpace()
            if take(UInt8(ascii: ",")) { continue }
            guard take(UInt8(ascii: "}")) else { return nil }
            break
        }
        skipSpace()
        guard i == b.count, let type, equals(type, "gift"), let gift, let key, let count else { return nil }
        return ClientFrame.GiftFrame(giftID: text(gift), count: count, idempotencyKey: text(key))
    }

    private mutating func skipSpace() {
        while i < b.count, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 }
    }

    private mutating func take(_ byte: UInt8) -> Bool {
        guard i < b.count, b[i] == byte else { return false }
        i += 1
        return true
    }

    /// A string of printable ASCII without escapes: the range of its text.
    private mutating func plainString() -> Range<Int>? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        let start = i
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "\"") {
                i += 1
                return start..<(i - 1)
            }
            guard c >= 0x20, c <= 0x7E, c != UInt8(ascii: "\\") else { return nil }
            i += 1
        }
        return nil
    }

    /// A positive integer without a sign or a leading zero, within `Int64`.
    private mutating func plainCount() -> Int64? {
        guard i < b.count, (UInt8(ascii: "1")...UInt8(ascii: "9")).contains(b[i]) else { return nil }
        var value: Int64 = 0
        while i < b.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b[i]) {
            let (times, over) = value.multipliedReportingOverflow(by: 10)
            let (sum, past) = times.addingReportingOverflow(Int64(b[i] &- UInt8(ascii: "0")))
            guard !over, !past else { return nil }
            value = sum
            i += 1
        }
        return value
    }

    private func equals(_ range: Range<Int>, _ name: StaticString) -> Bool {
        guard range.count == name.utf8CodeUnitCount else { return false }
        return name.withUTF8Buffer { n in memcmp(b.baseAddress! + range.lowerBound, n.baseAddress!, n.count) == 0 }
    }

    private func text(_ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: b[range]), as: UTF8.self)
    }
}
