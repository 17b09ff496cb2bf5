import NIOCore
import Synchronization

/// The members of one room that live on one event loop. Room frames, joins and leaves are
/// queued in order and applied in one hop onto the loop: a broadcast costs one hop per loop,
/// not one per connection. Frames are kept once, in a `RoomBacklog`; each member writes from
/// its own cursor while its socket is writable (many writes, one flush), so a member that keeps
/// reading loses nothing of a burst larger than its own allowance, and a member that stops
/// reading holds no copy of its own.
final class LoopGroup: Sendable {
    enum Item: Sendable {
        case frame(ByteBuffer, droppable: Bool)
        case join(RealtimeConnection, greeting: [ByteBuffer])
        case leave(RealtimeConnection)
    }

    private struct Pending: Sendable {
        var items: [Item] = []
        var scheduled = false
    }

    private struct Local: Sendable {
        var backlog = RoomBacklog()
        var members: [Int: RealtimeConnection] = [:]
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

    /// Queues `item`; schedules one drain on the loop if none is pending. Never blocks.
    func enqueue(_ item: Item) {
        let schedule = pending.withLock { pending in
            pending.items.append(item)
            defer { pending.scheduled = true }
            return !pending.scheduled
        }
        if schedule {
            eventLoop.execute { [self] in drain() }
        }
    }

    /// Forgets `connection` (on the loop): it no longer holds frames back.
    func detach(_ connection: RealtimeConnection) {
        local.value.members[connection.id] = nil
    }

    /// Drops the frames every member has written (on the loop).
    func trim() {
        let slowest = local.value.members.values.map(\.cursor).min() ?? local.value.backlog.head
        local.value.backlog.trim(to: slowest)
    }

    private func drain() {
        let items = pending.withLock { pending in
            pending.scheduled = false
            return pending.items.removeAllAndReturn()
        }
        var touched: [RealtimeConnection] = []
        for item in items {
            switch item {
            case .frame(let buffer, let droppable):
                local.value.backlog.append(buffer, droppable: droppable)
            case .join(let connection, let greeting):
                local.value.members[connection.id] = connection
                connection.attach(to: self, cursor: local.value.backlog.head, greeting: greeting)
                touched.append(connection)
            case .leave(let connection):
                detach(connection)
            }
        }
        for member in Array(local.value.members.values) { member.flush() }
        for connection in touched where local.value.members[connection.id] == nil { connection.flush() }
        enforceBound()
        trim()
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
