import NIOCore

/// Server-to-client WebSocket frames as they go on the wire (RFC 6455 §5.2: FIN, opcode, length,
/// no mask), built once so the same bytes can be written to many sockets without passing through
/// the pipeline's frame encoder for each of them.
enum WireFrame {
    /// Largest header: 2 bytes, 8 of extended length.
    static let headerBytesMax = 10

    /// A final text frame carrying `payload`.
    static func text(_ payload: some Collection<UInt8>) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(headerBytesMax + payload.count)
        writeHeader(into: &buffer, opcode: 0x1, length: payload.count)
        buffer.writeBytes(payload)
        return buffer
    }

    /// A final text frame carrying the readable bytes of `payload`.
    static func text(_ payload: ByteBuffer) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(headerBytesMax + payload.readableBytes)
        writeHeader(into: &buffer, opcode: 0x1, length: payload.readableBytes)
        buffer.writeImmutableBuffer(payload)
        return buffer
    }

    private static func writeHeader(into buffer: inout ByteBuffer, opcode: UInt8, length: Int) {
        buffer.writeInteger(0x80 | opcode)
        switch length {
        case ..<126:
            buffer.writeInteger(UInt8(length))
        case ..<65_536:
            buffer.writeInteger(UInt8(126))
            buffer.writeInteger(UInt16(length))
        default:
            buffer.writeInteger(UInt8(127))
            buffer.writeInteger(UInt64(length))
        }
    }
}
