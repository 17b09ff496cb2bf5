import Books
import Engine
import EngineCore
import Foundation
import NIOCore
import Rooms

/// The frames the server writes to one connection (room events come pre-encoded from the bus).
enum ServerFrame {
    struct Hello: Encodable {
        let type = "hello"
        let room: String
        let epoch: String
        let offset: Int64
        let online: Int
        let user_id: String?
        let can_send: Bool
    }

    struct Failure: Encodable {
        let type = "error"
        let code: String
        let message: String
    }

    struct Pong: Encodable {
        let type = "pong"
        let online: Int
        let epoch: String
        let offset: Int64
    }

    struct ResumeFailed: Encodable {
        let type = "resume_failed"
        let reason: String
        let epoch: String
        let offset: Int64
    }

    static func hello(room: String, position: RoomPosition, online: Int, principal: Principal?) -> ByteBuffer {
        encode(Hello(room: room, epoch: position.epoch, offset: position.offset, online: online,
                     user_id: principal?.userID, can_send: principal != nil))
    }

    static func error(_ code: String, _ message: String) -> ByteBuffer {
        encode(Failure(code: code, message: message))
    }

    static func pong(online: Int, position: RoomPosition) -> ByteBuffer {
        encode(Pong(online: online, epoch: position.epoch, offset: position.offset))
    }

    /// The answer to a `gift` frame that was sent (or had been, under its key): the receipt, as
    /// `POST /v1/rooms/{room}/gifts` answers it, written by hand (the hot path).
    static func giftReceipt(key: String, receiptJSON: String) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(64 + key.utf8.count + receiptJSON.utf8.count)
        buffer.writeString(#"{"idempotency_key":"#)
        buffer.writeString(JSONText.quoted(key))
        buffer.writeString(#","receipt":"#)
        buffer.writeString(receiptJSON)
        buffer.writeString(#","type":"gift_receipt"}"#)
        return buffer
    }

    struct GiftFailure: Encodable {
        let type = "gift_error"
        let idempotency_key: String
        let code: String
        let message: String
        /// The status the same refusal has over HTTP.
        let status: Int
        let details: [String: String]?
    }

    /// The answer to a `gift` frame that was refused: what the HTTP route's error body says, and
    /// its status.
    static func giftError(key: String, _ error: ErrorResponse) -> ByteBuffer {
        encode(GiftFailure(
            idempotency_key: key, code: error.code, message: error.message, status: Int(error.status.code),
            details: error.details.isEmpty ? nil : error.details))
    }

    /// The frames that answer a resume: the missed events, or `resume_failed`.
    static func resume(_ outcome: ResumeOutcome) -> [ByteBuffer] {
        switch outcome {
        case .events(let frames):
            frames.map { ByteBuffer(bytes: $0.bytes) }
        case .failed(let current, let reason):
            [encode(ResumeFailed(reason: reason.rawValue, epoch: current.epoch, offset: current.offset))]
        }
    }

    private static func encode(_ value: some Encodable) -> ByteBuffer {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Plain structs of strings and integers always encode.
        guard let data = try? encoder.encode(value) else { preconditionFailure("server frame did not encode") }
        return ByteBuffer(bytes: data)
    }
}
