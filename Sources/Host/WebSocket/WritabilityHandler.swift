import NIOCore

/// Sits first in a WebSocket pipeline and resumes a connection's outbox when the socket
/// becomes writable again, so a briefly slow client catches up without waiting for new events.
final class WritabilityHandler: ChannelInboundHandler, RemovableChannelHandler, Sendable {
    typealias InboundIn = NIOAny

    let connection: RealtimeConnection

    init(connection: RealtimeConnection) {
        self.connection = connection
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { connection.flush() }
        context.fireChannelWritabilityChanged()
    }
}
