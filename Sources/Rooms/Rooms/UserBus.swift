import EngineCore
import Synchronization

/// Receives events addressed to one user rather than a room: the realtime host, which finds
/// that user's sockets.
public protocol UserSubscriber: AnyObject, Sendable {
    /// Hands `frame` (complete JSON text) to every socket of `userID` in this process.
    /// - Returns: how many sockets it was handed to.
    func deliver(userID: String, frame: [UInt8]) -> Int
}

/// Events for one user's sockets, whatever rooms they are in (a partner's message to a user).
/// Unlike the `RoomBus` there is no history: a user who is not connected gets nothing, and the
/// durable record is the journal fact the sender wrote. The frame on the wire is
/// `{"type":…,"user_id":…,"at":…,"data":{…}}`.
public final class UserBus: Sendable {
    private let subscribers = Mutex<[ObjectIdentifier: any UserSubscriber]>([:])

    public init() {}

    /// Registers `subscriber` (until `detach`).
    public func attach(_ subscriber: any UserSubscriber) {
        subscribers.withLock { $0[ObjectIdentifier(subscriber)] = subscriber }
    }

    /// Unregisters `subscriber`.
    public func detach(_ subscriber: any UserSubscriber) {
        _ = subscribers.withLock { $0.removeValue(forKey: ObjectIdentifier(subscriber)) }
    }

    /// Delivers `event` to the sockets of `userID`.
    /// - Returns: how many sockets it reached.
    @discardableResult
    public func deliver(userID: String, event: RoomEvent, atMillis: Int64) -> Int {
        precondition(Principal.isValidUserID(userID), "user ids are checked before delivery")
        var bytes: [UInt8] = []
        bytes.reserveCapacity(event.data.count + userID.utf8.count + 64)
        // User ids are plain ASCII (`Principal.isValidUserID`), so they need no escaping.
        bytes += #"{"type":""#.utf8
        bytes += event.type.rawValue.utf8
        bytes += #"","user_id":""#.utf8
        bytes += userID.utf8
        bytes += #"","at":"#.utf8
        bytes += String(atMillis).utf8
        bytes += #","data":"#.utf8
        bytes += event.data
        bytes.append(UInt8(ascii: "}"))
        let targets = subscribers.withLock { Array($0.values) }
        return targets.reduce(0) { $0 + $1.deliver(userID: userID, frame: bytes) }
    }
}
