import Foundation

/// One room's stream in this process: its epoch, next offset, bounded history and subscribers.
/// Not thread-safe by itself: `RoomBus` keeps each behind a lock.
struct RoomStream {
    let room: String
    let epoch: String
    private(set) var latest: Int64 = 0
    private var history: [RoomFrame] = []
    private var head = 0
    var subscribers: [ObjectIdentifier: any RoomSubscriber] = [:]

    init(room: String) {
        self.room = room
        self.epoch = String(UInt64.random(in: 1...UInt64.max), radix: 16)
    }

    var position: RoomPosition { RoomPosition(epoch: epoch, offset: latest) }

    /// Assigns the next offset, keeps the frame in history and hands it to every subscriber.
    mutating func publish(_ event: RoomEvent, at ms: Int64, limits: RoomBusConfiguration) -> RoomFrame {
        latest += 1
        let frame = RoomFrame(room: room, epoch: epoch, offset: latest, event: event, atMillis: ms)
        history.append(frame)
        evict(now: ms, limits: limits)
        for subscriber in subscribers.values {
            subscriber.receive(frame)
        }
        return frame
    }

    /// The events after `cursor`, or why they cannot all be given. Never a partial answer.
    mutating func since(_ cursor: RoomPosition, now ms: Int64, limits: RoomBusConfiguration) -> ResumeOutcome {
        evict(now: ms, limits: limits)
        guard cursor.epoch == epoch else { return .failed(current: position, reason: .epochChanged) }
        guard cursor.offset <= latest, cursor.offset >= 0 else { return .failed(current: position, reason: .offsetAhead) }
        if cursor.offset == latest { return .events([]) }
        let kept = history.count - head
        let oldest = latest - Int64(kept) + 1
        guard kept > 0, oldest <= cursor.offset + 1 else { return .failed(current: position, reason: .historyExpired) }
        let from = head + Int(cursor.offset + 1 - oldest)
        return .events(Array(history[from...]))
    }

    /// Drops events over the count limit or older than the age limit.
    private mutating func evict(now ms: Int64, limits: RoomBusConfiguration) {
        let cutoff = ms - limits.historyAgeMillisMax
        while head < history.count, history.count - head > limits.historyCountMax || history[head].atMillis < cutoff {
            head += 1
        }
        // Compact once the dead prefix is as large as what is kept, so appends stay amortised O(1).
        if head > 64, head * 2 >= history.count {
            history.removeFirst(head)
            head = 0
        }
    }
}
