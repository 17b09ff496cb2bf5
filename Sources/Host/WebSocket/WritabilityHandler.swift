import NIOCore

/// Sits first in a WebSocket pipeline (next to the socket) and is the connection's way out:
/// room frames, already framed once per room (`WireFrame`), are written through this handler's
/// context straight to the socket, past the frame encoder. It also resumes the connection when
/// the socket becomes writable again, so a briefly slow client catches up without waiting for
/// new events.
final class WritabilityHandler: ChannelInboundHandler, RemovableChannelHandler, Sendable {
    typealias InboundIn = NIOAny

    let connection: RealtimeConnection

    init(connection: RealtimeConnection) {
        self.connection = connection
    }

    func handlerAdded(context: ChannelHandlerContext) {
        connection.bind(context)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        connection.unbind()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { connection.flush() }
        context.fireChannelWritabilityChanged()
    }
}
