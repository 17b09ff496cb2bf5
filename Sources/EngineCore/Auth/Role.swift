/// What an authenticated caller may do. The raw value is the wire form in tokens and JSON.
public enum Role: String, Sendable, Codable, CaseIterable, Hashable {
    /// Watches rooms, sends danmaku and gifts.
    case viewer
    /// Owns a room and its queues and orders.
    case streamer
    /// Runs live operations: scripts, moderation, replays.
    case `operator`
    /// Full control, including roles and settlement.
    case admin
    /// An external system (payment provider, guild backend) calling in.
    case partner

    /// Roles allowed on operator consoles and admin routes.
    public static let staff: Set<Role> = [.operator, .admin]
}
