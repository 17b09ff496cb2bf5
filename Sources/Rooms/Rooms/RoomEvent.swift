import EngineCore
import Foundation

/// The kinds of room events the bus carries. The raw value is the frame's `type` on the wire.
public enum RoomEventType: String, Sendable, Codable, CaseIterable {
    /// A bullet-chat message accepted by the danmaku pipeline.
    case danmaku
    /// A gift sent in the room.
    case gift
    /// A member joined, with the privileges shown on entry.
    case enter
    /// A leaderboard changed.
    case leaderboard
    /// A queue changed.
    case queue
    /// An order changed state.
    case order
    /// A notice for this room only.
    case notice
    /// A platform-wide broadcast, delivered to every room.
    case broadcast

    /// Events a slow client may lose (oldest first) rather than be disconnected for.
    /// Everything else is never dropped silently: the client is closed instead.
    public var isDroppable: Bool { self == .danmaku || self == .enter }
}

/// An event to publish: its type and its `data` object, already encoded as JSON once.
public struct RoomEvent: Sendable {
    /// Largest accepted `data` JSON, in bytes.
    public static let dataBytesMax = 16 * 1024

    /// What happened.
    public let type: RoomEventType
    /// The `data` object as JSON text bytes.
    public let data: [UInt8]

    /// Encodes `payload` as the event's `data` (keys sorted, so equal payloads give equal bytes).
    /// - Throws: `RoomBusError.invalidEvent` when it does not encode or exceeds `dataBytesMax`.
    public init(_ type: RoomEventType, payload: some Encodable) throws(RoomBusError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let bytes: [UInt8]
        do {
            bytes = Array(try encoder.encode(payload))
        } catch {
            throw RoomBusError.invalidEvent("payload does not encode: \(error)")
        }
        try self.init(type, json: bytes)
    }

    /// Wraps `data` JSON bytes that the caller already encoded.
    /// - Throws: `RoomBusError.invalidEvent` when `json` is not a JSON object or is too large.
    public init(_ type: RoomEventType, json: [UInt8]) throws(RoomBusError) {
        guard json.count <= Self.dataBytesMax else {
            throw RoomBusError.invalidEvent("data is \(json.count) bytes, over \(Self.dataBytesMax)")
        }
        guard json.first == UInt8(ascii: "{"), json.last == UInt8(ascii: "}") else {
            throw RoomBusError.invalidEvent("data must be a JSON object")
        }
        self.type = type
        self.data = json
    }
}

/// Failures of the room bus.
public enum RoomBusError: ShowrunnerError, Equatable {
    /// An event that cannot be published.
    case invalidEvent(String)

    /// Stable machine code.
    public var code: String { "invalid_event" }
    /// Always the caller's fault.
    public var kind: ErrorKind { .badRequest }
    /// A sentence for people.
    public var message: String {
        switch self {
        case .invalidEvent(let reason): reason
        }
    }
}
