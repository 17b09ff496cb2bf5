import NIOCore
import Synchronization

/// The members of one room that live on one event loop. Room frames, joins and leaves are
/// queued in order and applied in one hop onto the loop: a broadcast costs one hop per loop,
/// not one per connection, and every event that piled up meanwhile goes out in the same
/// flush per connection.
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

    let eventLoop: any EventLoop
    private let pending = Mutex(Pending())
    private let members: NIOLoopBoundBox<[Int: RealtimeConnection]>

    init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
        self.members = .makeBoxSendingValue([:], eventLoop: eventLoop)
    }

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

    private func drain() {
        let items = pending.withLock { pending in
            pending.scheduled = false
            return pending.items.removeAllAndReturn()
        }
        var touched: [Int: RealtimeConnection] = [:]
        for item in items {
            switch item {
            case .frame(let buffer, let droppable):
                for member in members.value.values { member.push(buffer, droppable: droppable) }
            case .join(let connection, let greeting):
                members.value[connection.id] = connection
                for buffer in greeting { connection.push(buffer, droppable: false) }
                touched[connection.id] = connection
            case .leave(let connection):
                members.value[connection.id] = nil
            }
        }
        for member in members.value.values { member.flush() }
        for (id, connection) in touched where members.value[id] == nil { connection.flush() }
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
