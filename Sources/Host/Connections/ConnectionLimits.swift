import NIOCore

/// Limits on HTTP connections, so that idle or slow clients cannot hold the server's sockets:
/// a client that connects and sends nothing, sends half its headers, trickles its body or keeps
/// an idle keep-alive connection is closed, and past `connectionsMax` new connections are refused
/// with a JSON 503 instead of exhausting the process's file descriptors.
struct ConnectionLimits: Sendable, Equatable {
    /// A new connection's request head (request line and headers) must arrive within this.
    var headerTimeout: TimeAmount = .seconds(30)
    /// After the head, the request body must be complete within this.
    var bodyTimeout: TimeAmount = .seconds(30)
    /// After a response, the next request's head must arrive within this (keep-alive idle).
    var idleTimeout: TimeAmount = .seconds(75)
    /// Open connections (HTTP and WebSocket together) at most; more are refused with 503.
    var connectionsMax = 20_000
    /// File descriptors kept free for the store, its checkpoints and scripts when the cap is
    /// derived from the process's descriptor limit.
    static let descriptorsReserved = 256
    /// How long a refused connection is given to send its request before it is closed.
    static let refusalGrace: TimeAmount = .seconds(1)
}
