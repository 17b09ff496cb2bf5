import Engine
import EngineCore
import Logging
import Metrics
import NIOCore
import Rooms
import Synchronization

/// All realtime connections of this process, by room. Owns one `RoomFanout` per room with
/// members (subscribed to the bus while the room has any) and the registry the sweep walks.
final class RealtimeHub: UserSubscriber {
    /// Counter of frames dropped for slow clients (drop-oldest policy).
    static let droppedLabel = "showrunner.realtime.dropped"
    /// Counter of connections closed as slow consumers (4001).
    static let slowLabel = "showrunner.realtime.slow_closed"
    /// Gauge of open connections.
    static let connectionsLabel = "showrunner.realtime.connections"

    private struct Room: Sendable {
        let fanout: RoomFanout
        let subscription: RoomSubscription
    }

    private struct State: Sendable {
        var rooms: [String: Room] = [:]
        var connections: [Int: RealtimeConnection] = [:]
        var nextID = 0
        /// One per event loop, made on the loop's first connection.
        var mailboxes: [ObjectIdentifier: LoopMailbox] = [:]
    }

    let bus: RoomBus
    let limits: RealtimeLimits
    let metrics: any MetricsFactory
    let logger = Logger(label: "showrunner.realtime")
    private let dropped: Counter
    private let slow: Counter
    private let state = Mutex(State())
    /// Connections closed as slow consumers since start.
    let slowClosed = Atomic<Int>(0)

    init(bus: RoomBus, limits: RealtimeLimits, metrics: any MetricsFactory) {
        self.bus = bus
        self.limits = limits
        self.metrics = metrics
        self.dropped = Counter(label: Self.droppedLabel, factory: metrics)
        self.slow = Counter(label: Self.slowLabel, factory: metrics)
    }

    /// A new connection object for `channel` (not yet joined).
    func makeConnection(room: String, principal: Principal?, channel: any Channel) -> RealtimeConnection {
        let (id, mailbox) = state.withLock { state in
            state.nextID += 1
            let loop = ObjectIdentifier(channel.eventLoop)
            let mailbox = state.mailboxes[loop] ?? LoopMailbox(eventLoop: channel.eventLoop)
            state.mailboxes[loop] = mailbox
            return (state.nextID, mailbox)
        }
        let (dropped, slow) = (self.dropped, self.slow)
        return RealtimeConnection(
            id: id, room: room, principal: principal, channel: channel, mailbox: mailbox, limits: limits,
            onDrop: { dropped.increment(by: $0) },
            onClose: { [self] code in
                guard code == RealtimeLimits.closeSlowConsumer else { return }
                slowClosed.add(1, ordering: .relaxed)
                slow.increment()
            })
    }

    /// Joins `connection` to its room: it gets `hello`, then (given `cursor`) the missed events
    /// or `resume_failed`, then every later event, with neither gap nor duplicate.
    func join(_ connection: RealtimeConnection, from cursor: RoomPosition?) {
        let count = state.withLock { state -> Int in
            state.connections[connection.id] = connection
            let room = state.rooms[connection.room] ?? {
                let fanout = RoomFanout(room: connection.room, limits: limits)
                let (subscription, _) = bus.subscribe(room: connection.room, subscriber: fanout) { _ in () }
                return Room(fanout: fanout, subscription: subscription)
            }()
            state.rooms[connection.room] = room
            bus.join(room: connection.room, from: cursor) { join in
                _ = room.fanout.add(connection) { online in
                    [ServerFrame.hello(room: connection.room, position: join.position, online: online,
                                       principal: connection.principal)]
                        + (join.resume.map(ServerFrame.resume) ?? [])
                }
            }
            return state.connections.count
        }
        Gauge(label: Self.connectionsLabel, factory: metrics).record(count)
    }

    /// Removes `connection`; the room unsubscribes from the bus when its last member leaves.
    func leave(_ connection: RealtimeConnection) {
        let count = state.withLock { state -> Int in
            guard state.connections.removeValue(forKey: connection.id) != nil else { return state.connections.count }
            if let room = state.rooms[connection.room], room.fanout.remove(connection) == 0 {
                room.subscription.cancel()
                state.rooms[connection.room] = nil
            }
            return state.connections.count
        }
        Gauge(label: Self.connectionsLabel, factory: metrics).record(count)
    }

    /// Members of `room` connected to this process.
    func online(room: String) -> Int {
        state.withLock { $0.rooms[room]?.fanout.count ?? 0 }
    }

    /// Every loop group of every room, for the sweep.
    func loopGroups() -> [LoopGroup] {
        state.withLock { $0.rooms.values.flatMap { $0.fanout.groups } }
    }

    /// Sends `frame` to every connection of `userID` alone (a message from the `UserBus`).
    /// - Returns: how many connections it was sent to.
    func deliver(userID: String, frame: [UInt8]) -> Int {
        let targets = state.withLock { $0.connections.values.filter { $0.principal?.userID == userID } }
        let buffer = ByteBuffer(bytes: frame)
        for connection in targets { connection.send([buffer]) }
        return targets.count
    }

    /// Every open connection, for the sweep.
    func connections() -> [RealtimeConnection] {
        state.withLock { Array($0.connections.values) }
    }
}
