import NIOCore

/// The room frames (wire bytes, see `WireFrame`) one `LoopGroup` holds for its members, once: every member keeps a cursor
/// (a sequence number) into it instead of a private copy, so a burst costs its size once per
/// loop, not once per connection. Trimmed to the slowest member's cursor; bounded by
/// `RealtimeLimits.backlogCountMax`/`backlogBytesMax` (members still at the oldest frame when it
/// would overflow are closed as slow consumers by the group).
struct RoomBacklog: Sendable {
    struct Entry: Sendable {
        let buffer: ByteBuffer
        let droppable: Bool
        /// Bytes appended since the start, this frame included.
        let end: Int
    }

    private var entries: [Entry] = []
    private var start = 0
    /// Sequence number of the oldest frame kept.
    private(set) var base = 0
    /// Bytes appended since the start.
    private(set) var total = 0

    /// Sequence number the next frame will get.
    var head: Int { base + entries.count - start }
    /// Frames kept.
    var count: Int { entries.count - start }
    /// Bytes kept.
    var bytes: Int { total - position(base) }

    mutating func append(_ buffer: ByteBuffer, droppable: Bool) {
        total += buffer.readableBytes
        entries.append(Entry(buffer: buffer, droppable: droppable, end: total))
    }

    /// The frame numbered `sequence` (base ≤ sequence < head).
    func entry(_ sequence: Int) -> Entry { entries[start + sequence - base] }

    /// The frames `range` (within base..<head) as one buffer: the buffer itself for one frame.
    func joined(_ range: Range<Int>) -> ByteBuffer {
        if range.count == 1 { return entry(range.lowerBound).buffer }
        var buffer = ByteBuffer()
        buffer.reserveCapacity(position(range.upperBound) - position(range.lowerBound))
        for sequence in range { buffer.writeImmutableBuffer(entry(sequence).buffer) }
        return buffer
    }

    /// Bytes appended before frame `sequence`.
    func position(_ sequence: Int) -> Int {
        sequence >= head ? total : entry(sequence).end - entry(sequence).buffer.readableBytes
    }

    /// Whether a member at `cursor` is further behind than one connection may be.
    func isOver(_ cursor: Int, limits: RealtimeLimits) -> Bool {
        head - cursor > limits.outboxCountMax || total - position(cursor) > limits.outboxBytesMax
    }

    /// Whether the backlog itself is over its bounds.
    func isFull(limits: RealtimeLimits) -> Bool {
        count > limits.backlogCountMax || bytes > limits.backlogBytesMax
    }

    /// Forgets the frames before `sequence` (no member needs them any more).
    mutating func trim(to sequence: Int) {
        let target = min(max(sequence, base), head)
        start += target - base
        base = target
        if start > 1024, start * 2 > entries.count {
            entries.removeFirst(start)
            start = 0
        }
    }
}
