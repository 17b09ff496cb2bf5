import Engine
import NIOCore
import Rooms
import Synchronization

/// The host's one subscriber per room: frames each event for the wire once (`WireFrame`) and
/// hands it to the room's loop groups, so every member writes the very same bytes.
final class RoomFanout: RoomSubscriber {
    private struct State: Sendable {
        var groups: [ObjectIdentifier: LoopGroup] = [:]
        var count = 0
    }

    let room: String
    let limits: RealtimeLimits
    private let state = Mutex(State())

    init(room: String, limits: RealtimeLimits) {
        self.room = room
        self.limits = limits
    }

    /// The loop groups, for the sweep.
    var groups: [LoopGroup] { state.withLock { Array($0.groups.values) } }

    /// Members currently joined.
    var count: Int { state.withLock { $0.count } }

    func receive(_ frame: RoomFrame) {
        let buffer = WireFrame.text(frame.bytes)
        let groups = state.withLock { Array($0.groups.values) }
        for group in groups {
            group.enqueue(.frame(buffer, droppable: frame.type.isDroppable))
        }
    }

    /// Adds `connection`; `greeting` reaches it before any frame published after this call.
    /// - Returns: the member count including it.
    func add(_ connection: RealtimeConnection, greeting: (Int) -> [ByteBuffer]) -> Int {
        let (group, count) = state.withLock { state in
            let key = ObjectIdentifier(connection.eventLoop)
            let group = state.groups[key] ?? LoopGroup(eventLoop: connection.eventLoop, limits: limits)
            state.groups[key] = group
            state.count += 1
            return (group, state.count)
        }
        group.enqueue(.join(connection, greeting: greeting(count)))
        return count
    }

    /// Removes `connection`. - Returns: the member count left.
    func remove(_ connection: RealtimeConnection) -> Int {
        let (group, count) = state.withLock { state in
            state.count -= 1
            return (state.groups[ObjectIdentifier(connection.eventLoop)], state.count)
        }
        group?.enqueue(.leave(connection))
        return count
    }
}
