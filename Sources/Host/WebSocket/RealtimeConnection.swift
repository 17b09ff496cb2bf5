import Engine
import EngineCore
import NIOCore
import NIOWebSocket
import Synchronization

/// One WebSocket member of a room. Server frames are written as wire bytes (`WireFrame`) through
/// the first handler of its pipeline, on its event loop (many writes, one flush) while the socket
/// is writable: first its own frames (hello, pong, errors) from a bounded `Outbox`, then room
/// frames from its loop group's shared backlog, at its cursor; all a drain's new room frames go
/// out as one buffer. Everything but `lastSeen` and `id` is confined to `eventLoop`.
final class RealtimeConnection: Sendable {
    struct State: Sendable {
        var outbox: Outbox
        var closing = false
        /// Set while `flush` runs; a nested call asks it to go round again instead.
        var flushing = false
        var again = false
        /// The room frames' source, from the join on.
        var group: LoopGroup?
        /// Sequence number of the next room frame to write.
        var cursor = 0
        /// Room frames handed to the channel so far, and that count at the last sweep.
        var written = 0
        var sweptWritten = 0
        /// The context of the pipeline's first handler: writes through it reach the socket directly.
        var wire: NIOLoopBound<ChannelHandlerContext>?
    }

    /// Process-unique id.
    let id: Int
    /// The room id (resolved).
    let room: String
    /// The caller, `nil` for an anonymous watcher.
    let principal: Principal?
    let channel: any Channel
    let eventLoop: any EventLoop
    /// Work for `eventLoop` from other threads, shared by the loop's connections.
    let mailbox: LoopMailbox
    let limits: RealtimeLimits
    /// Monotonic milliseconds of the last frame received, read by the sweep.
    let lastSeen: Atomic<Int64>
    /// Counts frames this connection lost to the drop-oldest policy.
    let onDrop: @Sendable (Int) -> Void
    /// Told the close code when the server closes this connection.
    let onClose: @Sendable (Int) -> Void
    let state: NIOLoopBoundBox<State>

    init(id: Int, room: String, principal: Principal?, channel: any Channel, mailbox: LoopMailbox, limits: RealtimeLimits,
         onDrop: @escaping @Sendable (Int) -> Void, onClose: @escaping @Sendable (Int) -> Void = { _ in }) {
        self.id = id
        self.room = room
        self.principal = principal
        self.channel = channel
        self.eventLoop = channel.eventLoop
        precondition(mailbox.eventLoop === channel.eventLoop, "a connection's mailbox is its own loop's")
        self.mailbox = mailbox
        self.limits = limits
        self.onDrop = onDrop
        self.onClose = onClose
        self.lastSeen = Atomic(Self.monotonicMillis())
        let outbox = Outbox(countMax: limits.outboxCountMax, bytesMax: limits.outboxBytesMax)
        self.state = .makeBoxSendingValue(State(outbox: outbox), eventLoop: channel.eventLoop)
    }

    /// Milliseconds of a monotonic clock.
    static func monotonicMillis() -> Int64 {
        Int64(NIODeadline.now().uptimeNanoseconds / 1_000_000)
    }

    /// Binds the first handler's context (on the loop, when the handler is added).
    func bind(_ context: ChannelHandlerContext) {
        state.value.wire = NIOLoopBound(context, eventLoop: eventLoop)
    }

    /// Forgets the context (on the loop, when the handler is removed as the channel closes).
    func unbind() {
        state.value.wire = nil
    }

    /// Hands wire bytes to the socket (on the loop); `flushWire()` sends them.
    func writeWire(_ buffer: ByteBuffer) {
        state.value.wire?.value.write(NIOAny(buffer), promise: nil)
    }

    func flushWire() {
        state.value.wire?.value.flush()
    }

    /// Queues `buffer` (on the loop). Call `flush()` after a batch. An overflow closes with 4001.
    func push(_ buffer: ByteBuffer, droppable: Bool) {
        eventLoop.preconditionInEventLoop()
        guard !state.value.closing else { return }
        if state.value.outbox.count >= limits.outboxCountMax
            || state.value.outbox.bytes + buffer.readableBytes > limits.outboxBytesMax {
            // A burst larger than the outbox: hand what the socket takes to the kernel first, so
            // only a client that really stopped reading overflows.
            flush()
        }
        switch state.value.outbox.push(buffer, droppable: droppable) {
        case .queued(let dropped):
            if dropped > 0 { onDrop(dropped) }
        case .overflow:
            closeOnLoop(code: RealtimeLimits.closeSlowConsumer, reason: "slow consumer")
        }
    }

    /// Writes this connection's own frames, then room frames from its cursor, while the socket
    /// takes them, flushing once per round (on the loop). Reentrant calls (a flush that makes the
    /// channel writable again) only ask for one more round.
    func flush() {
        eventLoop.preconditionInEventLoop()
        guard !state.value.closing else { return }
        guard !state.value.flushing else {
            state.value.again = true
            return
        }
        state.value.flushing = true
        defer { state.value.flushing = false }
        repeat {
            state.value.again = false
            var wrote = false
            while channel.isWritable, let buffer = state.value.outbox.pop() {
                writeWire(WireFrame.text(buffer))
                wrote = true
            }
            if state.value.outbox.isEmpty { wrote = writeRoomFrames() || wrote }
            if wrote { flushWire() }
        } while state.value.again && !state.value.closing
    }

    /// Sends frames to this connection alone, from any thread.
    func send(_ buffers: [ByteBuffer]) {
        eventLoop.execute { [self] in
            for buffer in buffers { push(buffer, droppable: false) }
            flush()
        }
    }

    /// Closes with `code`, from any thread: pending frames are discarded, a close frame is sent,
    /// and the socket is cut after `closeGrace` if the peer has not closed it by then.
    func close(code: Int, reason: String) {
        eventLoop.execute { [self] in closeOnLoop(code: code, reason: reason) }
    }

    func closeOnLoop(code: Int, reason: String) {
        guard !state.value.closing else { return }
        state.value.closing = true
        state.value.outbox.removeAll()
        state.value.group?.detach(self)
        state.value.group = nil
        onClose(code)
        var data = channel.allocator.buffer(capacity: 2 + reason.utf8.count)
        data.write(webSocketErrorCode: WebSocketErrorCode(codeNumber: code))
        data.writeString(reason)
        channel.writeAndFlush(WebSocketFrame(fin: true, opcode: .connectionClose, data: data), promise: nil)
        let channel = self.channel
        eventLoop.scheduleTask(in: .init(limits.closeGrace)) { channel.close(promise: nil) }
    }

    /// The client sent a close frame (on the loop). If the server closed first, this is the
    /// answer: the socket is closed now. Otherwise the close is answered with the client's code
    /// and the socket closed once that is written.
    func peerClosed(_ data: ByteBuffer) {
        guard !state.value.closing else {
            channel.close(promise: nil)
            return
        }
        state.value.closing = true
        state.value.outbox.removeAll()
        state.value.group?.detach(self)
        state.value.group = nil
        let code = data.getSlice(at: data.readerIndex, length: min(2, data.readableBytes)) ?? ByteBuffer()
        let channel = self.channel
        channel.writeAndFlush(WebSocketFrame(fin: true, opcode: .connectionClose, data: code)).whenComplete { _ in
            channel.close(promise: nil)
        }
    }

    /// Whether the connection is closing (on the loop).
    var isClosing: Bool { state.value.closing }
}
