
/// A published event as it goes on the wire, encoded once for every member of the room:
/// `{"type":…,"room":…,"epoch":…,"offset":…,"at":…,"data":{…}}`.
public struct RoomFrame: Sendable, Equatable {
    /// The room it was published to.
    public let room: String
    /// The room incarnation the offset belongs to.
    public let epoch: String
    /// Position in the room's stream within `epoch`: 1, 2, 3… without gaps.
    public let offset: Int64
    /// What happened.
    public let type: RoomEventType
    /// Publication time, milliseconds since the Unix epoch (drives the history's age limit).
    public let atMillis: Int64
    /// The complete JSON text of the frame.
    public let bytes: [UInt8]

    init(room: String, epoch: String, offset: Int64, event: RoomEvent, atMillis: Int64) {
        self.room = room
        self.epoch = epoch
        self.offset = offset
        self.type = event.type
        self.atMillis = atMillis
        var bytes: [UInt8] = []
        bytes.reserveCapacity(event.data.count + room.utf8.count + epoch.utf8.count + 80)
        // Room ids and epochs are plain ASCII (RoomRules, hex), so they need no escaping.
        bytes += #"{"type":""#.utf8
        bytes += event.type.rawValue.utf8
        bytes += #"","room":""#.utf8
        bytes += room.utf8
        bytes += #"","epoch":""#.utf8
        bytes += epoch.utf8
        bytes += #"","offset":"#.utf8
        bytes += String(offset).utf8
        bytes += #","at":"#.utf8
        bytes += String(atMillis).utf8
        bytes += #","data":"#.utf8
        bytes += event.data
        bytes.append(UInt8(ascii: "}"))
        self.bytes = bytes
    }
}

/// Where a room's stream stands: its epoch and the offset of its newest event (0 if none).
public struct RoomPosition: Sendable, Equatable, Codable {
    /// The room incarnation.
    public let epoch: String
    /// The newest offset, 0 before the first event.
    public let offset: Int64

    /// - Parameters: epoch: room incarnation; offset: newest offset.
    public init(epoch: String, offset: Int64) {
        self.epoch = epoch
        self.offset = offset
    }
}

/// What a resuming client missed since a position it had seen.
public enum ResumeOutcome: Sendable, Equatable {
    /// Exactly the events after the client's offset, in order (possibly none).
    case events([RoomFrame])
    /// The gap cannot be filled: another epoch, an offset from the future, or events already
    /// evicted from the history. The client must reload its state; `current` is where to restart.
    case failed(current: RoomPosition, reason: ResumeFailure)
}

/// Why a resume failed.
public enum ResumeFailure: String, Sendable, Equatable {
    /// The room restarted (or the client came from another room incarnation).
    case epochChanged = "epoch_changed"
    /// Some missed events are older than the history keeps.
    case historyExpired = "history_expired"
    /// The client claims an offset that was never published.
    case offsetAhead = "offset_ahead"
}
