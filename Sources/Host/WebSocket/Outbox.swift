import NIOCore

/// One connection's bounded queue of frames waiting for the socket, as a plain value.
///
/// Policy when a push goes over `countMax` or `bytesMax`: drop the oldest droppable frames
/// (danmaku, enter) until it fits; if only undroppable frames (gifts, notices…) remain, the
/// push reports `overflow` and the connection must be closed: never a silent loss.
struct Outbox: Sendable {
    /// What a push did.
    enum Push: Equatable {
        /// Queued; `dropped` older droppable frames were discarded to make room.
        case queued(dropped: Int)
        /// Cannot fit without losing an undroppable frame.
        case overflow
    }

    struct Entry: Sendable {
        let buffer: ByteBuffer
        let droppable: Bool
    }

    let countMax: Int
    let bytesMax: Int
    /// Starts with room for one: most connections only ever hold their `hello` here.
    private(set) var entries = CircularBuffer<Entry>(initialCapacity: 1)
    private(set) var bytes = 0

    init(countMax: Int, bytesMax: Int) {
        precondition(countMax >= 1 && bytesMax >= 1, "an outbox needs room for something")
        self.countMax = countMax
        self.bytesMax = bytesMax
    }

    var isEmpty: Bool { entries.isEmpty }
    var count: Int { entries.count }

    mutating func push(_ buffer: ByteBuffer, droppable: Bool) -> Push {
        entries.append(Entry(buffer: buffer, droppable: droppable))
        bytes += buffer.readableBytes
        var dropped = 0
        while entries.count > countMax || bytes > bytesMax {
            guard let index = entries.firstIndex(where: \.droppable) else { return .overflow }
            bytes -= entries.remove(at: index).buffer.readableBytes
            dropped += 1
        }
        return .queued(dropped: dropped)
    }

    mutating func pop() -> ByteBuffer? {
        guard let entry = entries.popFirst() else { return nil }
        bytes -= entry.buffer.readableBytes
        return entry.buffer
    }

    mutating func removeAll() {
        entries.removeAll()
        bytes = 0
    }
}
