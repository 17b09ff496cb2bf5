
/// Receives a room's events as they are published.
///
/// `receive` is called under the room's lock, in offset order, on the publisher's thread: it
/// must only hand the frame off (enqueue, schedule) and return. It must never block, wait or
/// call back into the bus, so that no subscriber can slow a publisher.
public protocol RoomSubscriber: AnyObject, Sendable {
    /// Takes one published frame.
    func receive(_ frame: RoomFrame)
}

/// A registration on the bus; `cancel()` stops delivery. Cancelling twice is harmless.
public struct RoomSubscription: Sendable {
    let bus: RoomBus
    let room: String
    let id: ObjectIdentifier

    /// Stops delivering events to the subscriber.
    public func cancel() {
        bus.unsubscribe(room: room, id: id)
    }
}

/// What a joining client gets atomically with its registration: where the room stands and,
/// when it asked to resume, what it missed.
public struct RoomJoin: Sendable {
    /// The room's position at the instant of joining.
    public let position: RoomPosition
    /// The missed events, or why they cannot be given; `nil` when no resume was asked.
    public let resume: ResumeOutcome?
}
