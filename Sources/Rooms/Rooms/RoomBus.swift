import EngineCore
import Synchronization

/// The in-process event bus of rooms. Domains (gifts, leaderboards, queues, orders, notices)
/// publish room events here; the realtime host subscribes and fans them out to connections.
///
/// Each room has an *epoch* (a random id per room incarnation in this process) and offsets
/// 1, 2, 3… within it. A bounded history (count and age, see `RoomBusConfiguration`) lets a
/// reconnecting client get exactly what it missed, or an explicit failure: never a silent gap.
/// Every event is encoded once into a `RoomFrame` whose bytes all subscribers share.
public final class RoomBus: Sendable {
    /// The limits the bus was made with.
    public let configuration: RoomBusConfiguration
    let clock: any WallClock
    private let streams = Mutex<[String: StreamBox]>([:])

    /// - Parameters: configuration: history limits; clock: event times and the age limit.
    public init(configuration: RoomBusConfiguration = .init(), clock: any WallClock = SystemWallClock()) {
        self.configuration = configuration
        self.clock = clock
    }

    /// Publishes `event` to `room`: assigns the next offset, keeps it in history, delivers it.
    /// - Returns: the frame as delivered.
    @discardableResult
    public func publish(room: String, event: RoomEvent) -> RoomFrame {
        let box = stream(room)
        let now = clock.nowMillis()
        return box.state.withLock { $0.publish(event, at: now, limits: configuration) }
    }

    /// Publishes `event` to every room this bus knows (rooms with subscribers or history).
    /// - Returns: the frames, one per room.
    @discardableResult
    public func publishToAll(event: RoomEvent) -> [RoomFrame] {
        let rooms = streams.withLock { Array($0.keys) }
        return rooms.sorted().map { publish(room: $0, event: event) }
    }

    /// Where `room` stands now.
    public func position(room: String) -> RoomPosition {
        stream(room).state.withLock { $0.position }
    }

    /// The events of `room` after `cursor`, or why they cannot all be given.
    public func since(room: String, cursor: RoomPosition) -> ResumeOutcome {
        let now = clock.nowMillis()
        return stream(room).state.withLock { $0.since(cursor, now: now, limits: configuration) }
    }

    /// Registers `subscriber` for `room`, and runs `body` with the room's position (and, given a
    /// `cursor`, what was missed since it) while no event can be published in between: so replay
    /// followed by live delivery has neither gap nor duplicate. `body` must not block.
    /// - Returns: the subscription and `body`'s result.
    public func subscribe<T: Sendable>(
        room: String, subscriber: any RoomSubscriber, from cursor: RoomPosition? = nil,
        _ body: (RoomJoin) -> T
    ) -> (RoomSubscription, T) {
        let now = clock.nowMillis()
        let id = ObjectIdentifier(subscriber)
        let value = stream(room).state.withLock { stream in
            stream.subscribers[id] = subscriber
            let resume = cursor.map { stream.since($0, now: now, limits: configuration) }
            return body(RoomJoin(position: stream.position, resume: resume))
        }
        return (RoomSubscription(bus: self, room: room, id: id), value)
    }

    /// Runs `body` under `room`'s lock, with what a client at `cursor` missed. For subscribers
    /// that serve many clients and add one without re-subscribing. `body` must not block.
    public func join<T: Sendable>(room: String, from cursor: RoomPosition?, _ body: (RoomJoin) -> T) -> T {
        let now = clock.nowMillis()
        return stream(room).state.withLock { stream in
            let resume = cursor.map { stream.since($0, now: now, limits: configuration) }
            return body(RoomJoin(position: stream.position, resume: resume))
        }
    }

    /// Number of subscribers registered for `room`.
    public func subscriberCount(room: String) -> Int {
        streams.withLock { $0[room] }?.state.withLock { $0.subscribers.count } ?? 0
    }

    func unsubscribe(room: String, id: ObjectIdentifier) {
        _ = streams.withLock { $0[room] }?.state.withLock { $0.subscribers.removeValue(forKey: id) }
    }

    private func stream(_ room: String) -> StreamBox {
        streams.withLock { streams in
            if let box = streams[room] { return box }
            let box = StreamBox(RoomStream(room: room))
            streams[room] = box
            return box
        }
    }
}

/// One room's stream behind its own lock, so rooms never contend with each other.
final class StreamBox: Sendable {
    let state: Mutex<RoomStream>
    init(_ stream: RoomStream) { state = Mutex(stream) }
}
