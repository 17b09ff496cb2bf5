import Foundation
import NIOCore
import Synchronization

/// Counts open connections and refuses new ones past the cap, with a clear answer: a JSON 503
/// `too_many_connections` and `Connection: close`, written once the client's first bytes arrive
/// (or the socket is closed after `ConnectionLimits.refusalGrace` if none do).
final class ConnectionGate: Sendable {
    let connectionsMax: Int
    private let open = Atomic<Int>(0)
    private let onRefuse: @Sendable () -> Void

    init(connectionsMax: Int, onRefuse: @escaping @Sendable () -> Void = {}) {
        precondition(connectionsMax >= 1, "connectionsMax must be positive")
        self.connectionsMax = connectionsMax
        self.onRefuse = onRefuse
    }

    /// Admits `channel` if there is room (it is counted until it closes), else refuses it.
    /// - Returns: whether the channel was admitted.
    func admit(_ channel: any Channel) -> Bool {
        let (now, _) = open.add(1, ordering: .relaxed)
        if now > connectionsMax {
            open.subtract(1, ordering: .relaxed)
            onRefuse()
            return false
        }
        channel.closeFuture.whenComplete { [self] _ in open.subtract(1, ordering: .relaxed) }
        return true
    }

    /// The body of a refusal.
    static let refusal: String = {
        let body = #"{"error":"too_many_connections","message":"the server has reached its connection limit; retry later"}"#
        return "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json; charset=utf-8\r\n"
            + "Content-Length: \(body.utf8.count)\r\nConnection: close\r\nRetry-After: 1\r\n\r\n" + body
    }()
}

/// The pipeline of a refused connection: answers its first bytes with the refusal, then closes.
final class RefusalHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    private var answered = false
    private var timer: Scheduled<Void>?

    func handlerAdded(context: ChannelHandlerContext) {
        let loop = context.eventLoop.assumeIsolated()
        timer = loop.scheduleTask(in: ConnectionLimits.refusalGrace) { context.close(promise: nil) }
    }

    func handlerRemoved(context: ChannelHandlerContext) { timer?.cancel() }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !answered else { return }
        answered = true
        let bytes = context.channel.allocator.buffer(string: ConnectionGate.refusal)
        context.writeAndFlush(wrapOutboundOut(bytes)).assumeIsolated().whenComplete { _ in
            context.close(mode: .output, promise: nil)
        }
    }

    typealias OutboundOut = ByteBuffer
}
