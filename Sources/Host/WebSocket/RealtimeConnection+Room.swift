import NIOCore

extension RealtimeConnection {
    /// Sequence number of the next room frame this member writes (on the loop).
    var cursor: Int { state.value.cursor }

    /// Starts reading room frames at `cursor`, after `greeting` (on the loop).
    func attach(to group: LoopGroup, cursor: Int, greeting: [ByteBuffer]) {
        eventLoop.preconditionInEventLoop()
        state.value.group = group
        state.value.cursor = cursor
        for buffer in greeting { push(buffer, droppable: false) }
    }

    /// Writes room frames from the cursor while the channel is writable, skipping droppable ones
    /// (oldest first) while this member is further behind than `outboxCountMax`/`outboxBytesMax`.
    /// A member that is exactly at the start of the group's current batch (what one drain added)
    /// takes the whole batch in one write.
    /// - Returns: whether anything was written.
    func writeRoomFrames() -> Bool {
        guard let group = state.value.group else { return false }
        var wrote = false, dropped = 0
        if let batch = group.batch, batch.start == state.value.cursor, batch.end == group.backlog.head,
           !state.value.closing, channel.isWritable, !group.backlog.isOver(batch.start, limits: limits) {
            state.value.cursor = batch.end
            state.value.written += batch.end - batch.start
            writeWire(batch.buffer)
            return true
        }
        while !state.value.closing, state.value.cursor < group.backlog.head {
            let cursor = state.value.cursor
            let entry = group.backlog.entry(cursor)
            if entry.droppable, group.backlog.isOver(cursor, limits: limits) {
                state.value.cursor += 1
                dropped += 1
                continue
            }
            guard channel.isWritable else { break }
            state.value.cursor += 1
            state.value.written += 1
            writeWire(entry.buffer)
            wrote = true
        }
        if dropped > 0 { onDrop(dropped) }
        return wrote
    }

    /// The sweep's check (on the loop): a member further behind than its allowance, with frames
    /// that may not be dropped, that wrote nothing since the last sweep, is a slow consumer.
    func sweepCheck() {
        eventLoop.preconditionInEventLoop()
        flush()
        guard !state.value.closing, let group = state.value.group else { return }
        if group.backlog.isOver(state.value.cursor, limits: limits), state.value.written == state.value.sweptWritten {
            closeSlow()
        }
        state.value.sweptWritten = state.value.written
    }

    /// Closes with 4001 (slow consumer), on the loop.
    func closeSlow() {
        closeOnLoop(code: RealtimeLimits.closeSlowConsumer, reason: "slow consumer")
    }
}
