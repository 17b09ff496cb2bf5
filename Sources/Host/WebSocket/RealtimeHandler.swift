import Engine
import NIOCore
import NIOWebSocket
import Rooms

/// The last handler of an upgraded realtime connection, on its event loop: joins the room when
/// added, leaves when removed (the channel closed), and turns client frames into messages:
/// control frames (close, ping) are answered here; text fragments are put together up to
/// `frameBytesMax`, then handed to the session. While a danmaku or a gift is being sent (the only
/// messages that wait for anything), later messages wait their turn, so a client's messages are
/// handled one at a time and in order, as a read loop would: up to `waitingMessagesMax` of them
/// are read and kept meanwhile (control frames are answered at once); beyond that, reading
/// stops until the queue is handled.
final class RealtimeHandler: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    let connection: RealtimeConnection
    let session: RealtimeSession
    let cursor: RoomPosition?
    private var message: [UInt8] = []
    private var refusal: ClientFrame.Refusal?
    private var violations = 0
    private var busy = false
    private var waiting: [Result<[UInt8], ClientFrame.Refusal>] = []
    /// Whether reading is stopped because `waiting` is full.
    private var paused = false

    init(connection: RealtimeConnection, session: RealtimeSession, cursor: RoomPosition?) {
        self.connection = connection
        self.session = session
        self.cursor = cursor
    }

    func handlerAdded(context: ChannelHandlerContext) {
        session.open(connection, from: cursor)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        session.hub.leave(connection)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        connection.lastSeen.store(RealtimeConnection.monotonicMillis(), ordering: .relaxed)
        switch frame.opcode {
        case .connectionClose:
            connection.peerClosed(frame.unmaskedData)
            return
        case .ping:
            if !connection.isClosing {
                context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData)), promise: nil)
            }
            return
        case .text, .binary, .continuation:
            break
        default:
            return
        }
        guard !connection.isClosing else { return }
        if frame.opcode == .binary {
            refusal = ClientFrame.Refusal(code: "invalid_frame", message: "binary frames are not accepted")
        }
        if refusal == nil {
            message += frame.unmaskedData.readableBytesView
            if message.count > session.hub.limits.frameBytesMax {
                refusal = ClientFrame.Refusal(
                    code: "frame_too_large", message: "frames are limited to \(session.hub.limits.frameBytesMax) bytes")
                message = []
            }
        }
        guard frame.fin else { return }
        let item: Result<[UInt8], ClientFrame.Refusal> = refusal.map { .failure($0) } ?? .success(message)
        message = []
        refusal = nil
        if busy {
            waiting.append(item)
            if waiting.count >= session.hub.limits.waitingMessagesMax, !paused {
                paused = true
                context.channel.setOption(ChannelOptions.autoRead, value: false).whenFailure { _ in }
            }
        } else {
            process(item, context: context)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private func process(_ item: Result<[UInt8], ClientFrame.Refusal>, context: ChannelHandlerContext) {
        switch item {
        case .failure(let refusal):
            violation(refusal)
        case .success(let bytes):
            switch session.handle(bytes, connection: connection) {
            case .handled:
                break
            case .refused(let refusal):
                violation(refusal)
            case .danmaku(let draft):
                wait(context: context) { session, connection in await session.send(draft, connection: connection) }
            case .gift(let gift):
                session.gift(gift, connection: connection, done: hold(context: context))
            }
        }
    }

    /// Holds later messages back until the returned function runs (on the loop).
    private func hold(context: ChannelHandlerContext) -> @Sendable () -> Void {
        busy = true
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        return { handler.value.resume(context: bound.value) }
    }

    /// Runs `work` off the loop (a danmaku); the next message is taken when it ends.
    private func wait(
        context: ChannelHandlerContext, _ work: @escaping @Sendable (RealtimeSession, RealtimeConnection) async -> Void
    ) {
        let resume = hold(context: context)
        let (session, connection) = (self.session, self.connection)
        Task {
            await work(session, connection)
            connection.eventLoop.execute(resume)
        }
    }

    private func resume(context: ChannelHandlerContext) {
        busy = false
        while !busy, !waiting.isEmpty {
            process(waiting.removeFirst(), context: context)
        }
        // Read on once the queue has room again (it has, unless a message sent while it was
        // full is still in flight with the rest behind it).
        guard paused, waiting.count < session.hub.limits.waitingMessagesMax, context.channel.isActive else { return }
        paused = false
        context.channel.setOption(ChannelOptions.autoRead, value: true).whenFailure { _ in }
        context.read()
    }

    private func violation(_ refusal: ClientFrame.Refusal) {
        // On the loop: the error goes out before a close that may follow it.
        connection.push(ServerFrame.error(refusal.code, refusal.message), droppable: false)
        connection.flush()
        violations += 1
        if violations >= session.hub.limits.invalidFramesMax {
            connection.closeOnLoop(code: RealtimeLimits.closePolicy, reason: "too many invalid frames")
        }
    }
}
