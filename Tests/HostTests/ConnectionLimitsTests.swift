import Foundation
import HummingbirdWSClient
import HummingbirdWSTesting
import NIOWebSocket
import HummingbirdTesting
import Testing
@testable import Host

#if canImport(Glibc)
    import Glibc
#endif

/// Slow and idle clients against a live server: each is closed by its deadline, and past the
/// connection cap new clients get a JSON 503 while `/healthz` keeps answering for the admitted.
/// Before these limits, about 1,250 silent connections exhausted a 1,024-descriptor process.
/// Upper bounds are loose (seconds against deadlines of a few hundred milliseconds): they tell a
/// connection that is closed from one that is held, on a machine as loaded as CI's test run.
@Suite("Connection limits", .serialized)
struct ConnectionLimitsTests {
    static var short: ConnectionLimits {
        var l = ConnectionLimits()
        l.headerTimeout = .milliseconds(300)
        l.bodyTimeout = .milliseconds(300)
        l.idleTimeout = .milliseconds(500)
        return l
    }

    @Test("a client that sends nothing is closed after the header timeout")
    func silentClient() async throws {
        let host = try await RealtimeHost(connections: Self.short)
        try await host.live { client in
            let port = try #require(client.port)
            let socket = try RawClient(port: port)
            let (bytes, elapsed) = await socket.closed(limit: .seconds(15))
            #expect(bytes.isEmpty)
            #expect(elapsed >= .milliseconds(250) && elapsed < .seconds(12), "\(elapsed)")
        }
    }

    @Test("half the headers, then silence: closed after the header timeout")
    func halfHeaders() async throws {
        let host = try await RealtimeHost(connections: Self.short)
        try await host.live { client in
            let socket = try RawClient(port: try #require(client.port))
            socket.send("GET /healthz HTTP/1.1\r\nHost: x\r\n")
            let (_, elapsed) = await socket.closed(limit: .seconds(15))
            #expect(elapsed < .seconds(12), "\(elapsed)")
        }
    }

    @Test("headers trickled a byte at a time cannot outlast the header timeout")
    func trickledHeaders() async throws {
        let host = try await RealtimeHost(connections: Self.short)
        try await host.live { client in
            let socket = try RawClient(port: try #require(client.port))
            let clock = ContinuousClock()
            let start = clock.now
            var closed = false
            for byte in "GET /healthz HTTP/1.1\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n".utf8 {
                if !socket.send([byte]) {
                    closed = true
                    break
                }
                try await Task.sleep(for: .milliseconds(50))
                if clock.now - start > .seconds(3) { break }
            }
            let (_, _) = await socket.closed(limit: .seconds(5))
            #expect(closed || clock.now - start < .seconds(4))
            #expect(clock.now - start < .seconds(12))
        }
    }

    @Test("a body that stops halfway is closed after the body timeout")
    func slowBody() async throws {
        let host = try await RealtimeHost(connections: Self.short)
        try await host.live { client in
            let socket = try RawClient(port: try #require(client.port))
            socket.send("POST /v1/rooms/r1/danmaku HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"te")
            let (_, elapsed) = await socket.closed(limit: .seconds(15))
            #expect(elapsed < .seconds(12), "\(elapsed)")
        }
    }

    @Test("a keep-alive connection is served, then closed once idle")
    func keepAliveIdle() async throws {
        let host = try await RealtimeHost(connections: Self.short)
        try await host.live { client in
            let socket = try RawClient(port: try #require(client.port))
            socket.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            let (bytes, elapsed) = await socket.closed(limit: .seconds(15))
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(text.hasPrefix("HTTP/1.1 200"))
            #expect(text.contains(#""status":"ok""#))
            #expect(elapsed >= .milliseconds(400) && elapsed < .seconds(12), "\(elapsed)")
        }
    }

    @Test("past the cap a new connection gets a JSON 503; a freed slot serves again")
    func connectionCap() async throws {
        var limits = ConnectionLimits()
        limits.connectionsMax = 2
        let host = try await RealtimeHost(connections: limits)
        try await host.live { client in
            let port = try #require(client.port)
            var held = try (0..<2).map { _ in try RawClient(port: port) }
            try await Task.sleep(for: .milliseconds(100))
            for _ in 0..<3 {
                let refused = try RawClient(port: port)
                refused.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
                let (bytes, _) = await refused.closed(limit: .seconds(15))
                let text = String(decoding: bytes, as: UTF8.self)
                #expect(text.hasPrefix("HTTP/1.1 503"), "\(text)")
                #expect(text.contains(#""error":"too_many_connections""#))
                #expect(text.contains("Connection: close"))
            }
            held.removeLast()
            try await Task.sleep(for: .milliseconds(200))
            let served = try RawClient(port: port)
            served.send("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            let (bytes, _) = await served.closed(limit: .seconds(15))
            #expect(String(decoding: bytes, as: UTF8.self).hasPrefix("HTTP/1.1 200"))
            _ = held
        }
    }
}

/// A blocking TCP client for byte-level tests.
final class RawClient: @unchecked Sendable {  // one test task uses it at a time
    let fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            close(fd)
            throw POSIXError(.ECONNREFUSED)
        }
        var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    /// Sends bytes; false once the peer has closed.
    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) == $0.count }
    }

    @discardableResult
    func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    /// `readUntilClosed` on a dispatch thread, so the blocking reads never hold one of the few
    /// threads of Swift's cooperative pool (which the server's handlers run on, in-process).
    func closed(limit: Duration) async -> ([UInt8], Duration) {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: self.readUntilClosed(limit: limit)) }
        }
    }

    /// Reads until the peer closes or `limit` passes; returns what arrived and how long it took.
    func readUntilClosed(limit: Duration) -> ([UInt8], Duration) {
        let clock = ContinuousClock()
        let start = clock.now
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while clock.now - start < limit {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 {
                received += buffer[0..<n]
            } else if n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                break
            }
        }
        return (received, clock.now - start)
    }
}

/// WebSocket connections whose client goes silent (stops sending, pings included) are closed by
/// the heartbeat sweep with 4002, and the socket is gone after the close grace even if the client
/// never answers the close frame.
@Suite("WebSocket silence")
struct WebSocketSilenceTests {
    @Test("a silent WebSocket client is closed with 4002 by the sweep")
    func silentClientClosed() async throws {
        var limits = RealtimeLimits()
        limits.idleTimeout = .milliseconds(300)
        limits.closeGrace = .milliseconds(200)
        let rt = try await RealtimeHost(limits: limits)
        let sweeper = RealtimeSweeper(hub: rt.realtime.hub)
        try await rt.live { client in
            let inbox = Inbox()
            try await withThrowingTaskGroup(of: WebSocketCloseFrame?.self) { group in
                group.addTask {
                    try await client.ws("/v1/rooms/r1/ws") { inbound, _, _ in
                        try await inbox.read(inbound)
                    }
                }
                group.addTask {
                    for _ in 0..<100 {
                        sweeper.sweep()
                        try await Task.sleep(for: .milliseconds(100))
                    }
                    return nil
                }
                let clock = ContinuousClock()
                let start = clock.now
                var closes: [WebSocketCloseFrame?] = []
                while let close = try await group.next() {
                    closes.append(close)
                    if close != nil { break }
                }
                group.cancelAll()
                #expect(closes.contains { $0?.closeCode == .unknown(UInt16(RealtimeLimits.closeIdle)) })
                #expect(clock.now - start < .seconds(10))
            }
        }
    }
}
