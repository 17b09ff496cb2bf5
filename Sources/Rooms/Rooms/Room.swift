
/// A live room owned by one streamer.
public struct Room: Sendable, Codable, Equatable {
    /// Stable id, `^[a-z0-9][a-z0-9_-]{0,63}$`.
    public var id: String
    /// The streamer who owns the room.
    public var streamerID: String
    /// Title shown to viewers.
    public var title: String
    /// Category, e.g. `music` or `games`.
    public var category: String
    /// Creation time in milliseconds since the Unix epoch.
    public var createdAt: Int64

    /// Creates a room value; rooms are normally made by `RoomDirectory.create`.
    public init(id: String, streamerID: String, title: String, category: String, createdAt: Int64) {
        self.id = id
        self.streamerID = streamerID
        self.title = title
        self.category = category
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey {
        case id, title, category
        case streamerID = "streamer_id"
        case createdAt = "created_at"
    }
}

/// What a caller supplies to create a room.
public struct NewRoom: Sendable, Codable, Equatable {
    /// Wanted id, `^[a-z0-9][a-z0-9_-]{0,63}$`.
    public var id: String
    /// Owner: 1-64 characters of `[A-Za-z0-9_-]`.
    public var streamerID: String
    /// 1-100 characters, not blank, no control characters.
    public var title: String
    /// 1-40 characters, not blank, no control characters.
    public var category: String

    /// Creates a request; `RoomDirectory.create` validates it.
    public init(id: String, streamerID: String, title: String, category: String) {
        self.id = id
        self.streamerID = streamerID
        self.title = title
        self.category = category
    }

    enum CodingKeys: String, CodingKey {
        case id, title, category
        case streamerID = "streamer_id"
    }
}
