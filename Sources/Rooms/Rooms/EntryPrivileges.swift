
/// What a user shows: on entering a room, next to their danmaku, on leaderboard pages and in
/// queue lists. Decided by one resolver (`Privileges.shown`) from every privilege the user
/// holds, by the products' priority; every field is optional (absent when nothing shows), so
/// new ones can be added without breaking clients.
public struct EntryPrivileges: Sendable, Codable, Equatable {
    /// The entry vehicle (mount) shown with the entry effect, by id.
    public var vehicle: String?
    /// Guard tier held for this room's streamer (e.g. `captain`, `admiral`, `governor`).
    public var guardTier: String?
    /// VIP level: the tier's rank (1 = lowest) in the highest-priority VIP line held.
    public var vipLevel: Int?
    /// That VIP line (product id) and tier id.
    public var vipLine: String?
    public var vipTier: String?
    /// The badge of the highest-priority privilege that has one.
    public var badge: String?
    /// The entry effect of the highest-priority privilege that has one.
    public var entryEffect: String?
    /// The fan medal worn.
    public var medal: WornMedal?

    /// - Parameters: all optional.
    public init(
        vehicle: String? = nil, guardTier: String? = nil, vipLevel: Int? = nil, vipLine: String? = nil, vipTier: String? = nil,
        badge: String? = nil, entryEffect: String? = nil, medal: WornMedal? = nil
    ) {
        self.vehicle = vehicle
        self.guardTier = guardTier
        self.vipLevel = vipLevel
        self.vipLine = vipLine
        self.vipTier = vipTier
        self.badge = badge
        self.entryEffect = entryEffect
        self.medal = medal
    }

    /// Whether nothing shows.
    public var isEmpty: Bool { self == EntryPrivileges() }

    enum CodingKeys: String, CodingKey {
        case vehicle, badge, medal
        case guardTier = "guard"
        case vipLevel = "vip"
        case vipLine = "vip_line"
        case vipTier = "vip_tier"
        case entryEffect = "entry_effect"
    }
}

/// A worn fan medal as others see it: whose fan, at which level.
public struct WornMedal: Sendable, Codable, Equatable {
    public var streamerID: String
    public var level: Int64
    public init(streamerID: String, level: Int64) {
        self.streamerID = streamerID
        self.level = level
    }
    enum CodingKeys: String, CodingKey {
        case level
        case streamerID = "streamer_id"
    }
}

/// The hook the privileges domain implements: what `user` shows on entering `room`.
/// Called once per join, off the fan-out path; it may read storage.
public protocol EntryPrivilegeProvider: Sendable {
    /// The privileges of `userID` in `room`.
    func privileges(userID: String, room: String) async -> EntryPrivileges
}

/// The provider used until the privileges domain exists: nobody has any privilege.
public struct NoEntryPrivileges: EntryPrivilegeProvider {
    /// Creates the empty provider.
    public init() {}

    /// Always empty privileges.
    public func privileges(userID: String, room: String) async -> EntryPrivileges { EntryPrivileges() }
}

/// The `data` of an `enter` event.
public struct EnterEvent: Sendable, Codable, Equatable {
    /// Who entered.
    public var userID: String
    /// What they show.
    public var privileges: EntryPrivileges

    /// - Parameters: userID: who entered; privileges: what they show.
    public init(userID: String, privileges: EntryPrivileges) {
        self.userID = userID
        self.privileges = privileges
    }

    enum CodingKeys: String, CodingKey {
        case userID = "user_id"
        case privileges
    }
}
