#if canImport(Glibc)
    import Glibc
#endif
import Foundation

/// A blocking TCP connection to 127.0.0.1, for load generators that run one thread per
/// connection (the same generator drives every peer, so their numbers compare).
final class BlockingSocket {
    private let fd: Int32
    private var buffer: [UInt8] = []

    init(port: UInt16) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw BenchError("socket() failed") }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else { close(fd); throw BenchError("connect to 127.0.0.1:\(port) failed") }
    }

    deinit { close(fd) }

    func write(_ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw BenchError("send failed") }
            sent += n
        }
    }

    /// Reads until `complete` returns the length of a whole message at the buffer's start.
    func read(until complete: ([UInt8]) -> Int?) throws -> [UInt8] {
        while true {
            if let n = complete(buffer) {
                let message = Array(buffer[..<n])
                buffer.removeFirst(n)
                return message
            }
            var chunk = [UInt8](repeating: 0, count: 16_384)
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { throw BenchError("connection closed") }
            buffer += chunk[..<n]
        }
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

/// Length of a complete HTTP/1.1 response with Content-Length at the start of `b`, if any.
func httpResponseLength(_ b: [UInt8]) -> Int? {
    guard let end = b.firstRange(of: [13, 10, 13, 10]) else { return nil }
    let head = String(decoding: b[..<end.lowerBound], as: UTF8.self).lowercased()
    var length = 0
    for line in head.split(separator: "\r\n") where line.hasPrefix("content-length:") {
        length = Int(line.dropFirst(15).trimmingCharacters(in: .whitespaces)) ?? 0
    }
    let total = end.upperBound + length
    return b.count >= total ? total : nil
}

/// Length of one complete RESP reply (simple, error, integer or bulk string) at the start of `b`.
func respReplyLength(_ b: [UInt8]) -> Int? {
    guard let first = b.first, let crlf = b.firstRange(of: [13, 10]) else { return nil }
    switch first {
    case UInt8(ascii: "$"):
        let n = Int(String(decoding: b[1..<crlf.lowerBound], as: UTF8.self)) ?? -1
        if n < 0 { return crlf.upperBound }
        let total = crlf.upperBound + n + 2
        return b.count >= total ? total : nil
    default:
        return crlf.upperBound
    }
}

/// A RESP command.
func resp(_ parts: [String]) -> [UInt8] {
    var out = "*\(parts.count)\r\n"
    for p in parts { out += "$\(p.utf8.count)\r\n\(p)\r\n" }
    return Array(out.utf8)
}

/// A client's text frame: FIN, masked (RFC 6455 requires it of clients), with a fixed mask.
func maskedTextFrame(_ payload: [UInt8]) -> [UInt8] {
    maskedFrame(opcode: 0x1, payload)
}

/// A masked client frame with `opcode` (final, one fragment).
func maskedFrame(opcode: UInt8, _ payload: [UInt8]) -> [UInt8] {
    let mask: [UInt8] = [0x5a, 0x13, 0xc7, 0x2e]
    var out: [UInt8] = [0x80 | opcode]
    if payload.count < 126 {
        out.append(0x80 | UInt8(payload.count))
    } else {
        out += [0x80 | 126, UInt8(payload.count >> 8), UInt8(payload.count & 0xff)]
    }
    out += mask
    for (i, byte) in payload.enumerated() { out.append(byte ^ mask[i & 3]) }
    return out
}

/// The header length and whole length of one complete unmasked server frame at the start of
/// `b`, if it is all there.
func webSocketFrame(_ b: [UInt8]) -> (header: Int, total: Int)? {
    guard b.count >= 2 else { return nil }
    let header: Int
    let length: Int
    switch b[1] & 0x7f {
    case 126:
        guard b.count >= 4 else { return nil }
        header = 4
        length = Int(b[2]) << 8 | Int(b[3])
    case 127:
        guard b.count >= 10 else { return nil }
        header = 10
        length = (2..<10).reduce(0) { $0 << 8 | Int(b[$1]) }
    default:
        header = 2
        length = Int(b[1] & 0x7f)
    }
    return b.count >= header + length ? (header, header + length) : nil
}
