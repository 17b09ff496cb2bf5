/// What a member shows when entering a room: filled in by the privileges domain (a later
/// issue); every field is optional so new ones can be added without breaking clients.
public struct EntryPrivileges: Sendable, Codable, Equatable {
    /// The entry vehicle (mount) shown with the entry effect, by id.
    public var vehicle: String?
    /// Guard tier in this room (e.g. `captain`, `admiral`, `governor`).
    public var guardTier: String?
    /// VIP level, 0 or absent for none.
    public var vipLevel: Int?

    /// - Parameters: vehicle, guardTier, vipLevel: all optional.
    public init(vehicle: String? = nil, guardTier: String? = nil, vipLevel: Int? = nil) {
        self.vehicle = vehicle
        self.guardTier = guardTier
        self.vipLevel = vipLevel
    }

    enum CodingKeys: String, CodingKey {
        case vehicle
        case guardTier = "guard"
        case vipLevel = "vip"
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
