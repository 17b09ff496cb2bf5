import NIOCore
import NIOHTTP1

/// Closes an HTTP connection whose client is too slow at any step: the request head must arrive
/// within `headerTimeout` of connecting (or `idleTimeout` of the last response, on keep-alive),
/// and the body within `bodyTimeout` of the head. While the server works on a request no
/// deadline runs: a slow handler is the server's business, not the client's.
///
/// It sits right after the HTTP/1 request decoder, so it sees parts as they are decoded, before
/// the upgrade handler; an upgraded connection removes it (WebSocket silence is the realtime
/// sweeper's job, `RealtimeLimits.idleTimeout`).
final class ConnectionDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    /// What the connection waits for; the phase names the deadline that closed it.
    enum Phase: String {
        case header, body, responding, idle
    }

    let limits: ConnectionLimits
    let onTimeout: @Sendable (Phase) -> Void
    private(set) var phase = Phase.header
    private var scheduled: Scheduled<Void>?

    init(limits: ConnectionLimits, onTimeout: @escaping @Sendable (Phase) -> Void = { _ in }) {
        self.limits = limits
        self.onTimeout = onTimeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(context, limits.headerTimeout) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        scheduled?.cancel()
        scheduled = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        if scheduled == nil, phase == .header { arm(context, limits.headerTimeout) }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            phase = .body
            arm(context, limits.bodyTimeout)
        case .body:
            break
        case .end:
            phase = .responding
            scheduled?.cancel()
            scheduled = nil
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data), phase == .responding {
            phase = .idle
            arm(context, limits.idleTimeout)
        }
        context.write(data, promise: promise)
    }

    private func arm(_ context: ChannelHandlerContext, _ timeout: TimeAmount) {
        scheduled?.cancel()
        let expected = phase
        let loop = context.eventLoop.assumeIsolated()
        scheduled = loop.scheduleTask(in: timeout) { [self] in
            guard phase == expected else { return }
            scheduled = nil
            onTimeout(expected)
            context.close(promise: nil)
        }
    }
}
