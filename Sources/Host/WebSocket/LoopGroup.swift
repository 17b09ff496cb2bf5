import NIOCore
import Synchronization

/// The members of one room that live on one event loop. Room frames, joins and leaves are
/// queued in order and applied in one hop onto the loop: a broadcast costs one hop per loop,
/// not one per connection. Frames are kept once, in a `RoomBacklog`; each member writes from
/// its own cursor while its socket is writable (many writes, one flush), so a member that keeps
/// reading loses nothing of a burst larger than its own allowance, and a member that stops
/// reading holds no copy of its own.
///
/// Coalescing: a drain runs at once when the previous one is at least `coalesceInterval` old,
/// else at that age; so at low rates an event goes out immediately, and at high rates each
/// member gets one write (one system call) per interval carrying every frame that arrived in it,
/// as one buffer built once per loop. After a drain that took longer than that, the loop rests
/// as long as the drain took (at most `drainRestMax`) before the next: a loop with many members
/// writes less often and more per write, and keeps time to read requests, so the room's
/// publishers are not starved by its own writes. The cap keeps the feedback (longer spacing, more
/// bytes per drain, longer drains) from growing latency without bound.
final class LoopGroup: Sendable {
    enum Item: Sendable {
        case frame(ByteBuffer, droppable: Bool)
        case join(RealtimeConnection, greeting: [ByteBuffer])
        case leave(RealtimeConnection)
    }

    /// The frames one drain appended, as one buffer: sequence numbers `start..<end`.
    struct Batch: Sendable {
        let start: Int
        let end: Int
        let buffer: ByteBuffer
    }

    private struct Pending: Sendable {
        var items: [Item] = []
        var scheduled = false
        var lastDrain = NIODeadline.uptimeNanoseconds(0)
        /// Least time between the starts of two drains (`LoopGroup.spacing`), from the last one.
        var spacing = TimeAmount.zero
    }

    private struct Local: Sendable {
        var backlog = RoomBacklog()
        var members: [Int: RealtimeConnection] = [:]
        var batch: Batch?
        var batches = 0
    }

    let eventLoop: any EventLoop
    let limits: RealtimeLimits
    private let pending = Mutex(Pending())
    private let local: NIOLoopBoundBox<Local>

    init(eventLoop: any EventLoop, limits: RealtimeLimits) {
        self.eventLoop = eventLoop
        self.limits = limits
        self.local = .makeBoxSendingValue(Local(), eventLoop: eventLoop)
    }

    /// The backlog (on the loop).
    var backlog: RoomBacklog { local.value.backlog }

    /// The frames the running drain appended (on the loop, during a drain only).
    var batch: Batch? { local.value.batch }

    /// Drains that delivered room frames so far (on the loop): each is one write per member.
    var batches: Int { local.value.batches }

    /// Queues `item`; schedules one drain on the loop if none is pending. Never blocks.
    func enqueue(_ item: Item) {
        let due: NIODeadline? = pending.withLock { pending in
            pending.items.append(item)
            guard !pending.scheduled else { return nil }
            pending.scheduled = true
            return pending.lastDrain + pending.spacing
        }
        guard let due else { return }
        if due <= .now() {
            eventLoop.execute { [self] in drain() }
        } else {
            eventLoop.scheduleTask(deadline: due) { [self] in drain() }
        }
    }

    /// Forgets `connection` (on the loop): it no longer holds frames back.
    func detach(_ connection: RealtimeConnection) {
        local.value.members[connection.id] = nil
    }

    /// Least time from the start of a drain that took `took` to the start of the next: the
    /// coalescing interval, or the drain plus a rest as long as it (at most `drainRestMax`) when
    /// that is longer; zero when coalescing is off.
    static func spacing(after took: TimeAmount, limits: RealtimeLimits) -> TimeAmount {
        let interval = TimeAmount(limits.coalesceInterval)
        guard interval > .zero else { return .zero }
        return max(interval, took + min(took, TimeAmount(limits.drainRestMax)))
    }

    /// Drops the frames every member has written (on the loop).
    func trim() {
        var slowest = local.value.backlog.head
        for member in local.value.members.values { slowest = min(slowest, member.cursor) }
        local.value.backlog.trim(to: slowest)
    }

    private func drain() {
        let started = NIODeadline.now()
        let items = pending.withLock { pending in
            pending.scheduled = false
            pending.lastDrain = started
            return pending.items.removeAllAndReturn()
        }
        defer {
            let spacing = Self.spacing(after: NIODeadline.now() - started, limits: limits)
            pending.withLock { $0.spacing = spacing }
        }
        var joined: [RealtimeConnection] = []
        let first = local.value.backlog.head
        var left = false
        for item in items {
            switch item {
            case .frame(let buffer, let droppable):
                local.value.backlog.append(buffer, droppable: droppable)
            case .join(let connection, let greeting):
                local.value.members[connection.id] = connection
                connection.attach(to: self, cursor: local.value.backlog.head, greeting: greeting)
                joined.append(connection)
            case .leave(let connection):
                detach(connection)
                left = true
            }
        }
        let end = local.value.backlog.head
        if end > first {
            local.value.batches += 1
            local.value.batch = Batch(start: first, end: end, buffer: local.value.backlog.joined(first..<end))
            for member in local.value.members.values { member.flush() }
            local.value.batch = nil
        }
        // Joiners already flushed above unless nothing was appended; those that left in the
        // same drain still get their greeting.
        for connection in joined where end == first || local.value.members[connection.id] == nil {
            connection.flush()
        }
        if end > first {
            enforceBound()
        }
        if end > first || left { trim() }
    }

    /// While the backlog is over its bounds, closes the members still at its oldest frame.
    private func enforceBound() {
        while local.value.backlog.isFull(limits: limits) {
            let oldest = local.value.backlog.base
            for member in Array(local.value.members.values) where member.cursor <= oldest {
                member.closeSlow()
            }
            trim()
            if local.value.backlog.base == oldest { return }
        }
    }
}

extension Array {
    /// Empties the array, returning what it held.
    fileprivate mutating func removeAllAndReturn() -> [Element] {
        var taken: [Element] = []
        swap(&taken, &self)
        return taken
    }
}
