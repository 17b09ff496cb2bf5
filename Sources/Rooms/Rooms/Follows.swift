import EngineCore

/// Who follows which streamer. Following journals a `follow` fact that activity and task
/// handlers receive (`on = { follow = ... }`) and `ctx.follows(viewer, streamer)` reads.
///
/// A follow is a state, not an event stream: following again while following changes nothing,
/// and unfollowing then following again journals `follow` with `first = false`, so a script
/// that rewards follows pays for the first one only and an unfollow/follow loop farms nothing.
public struct Follows: Sendable {
    /// Journal fact types.
    public static let followType = "follow"
    public static let unfollowType = "unfollow"
    /// Most streamers one viewer may follow at once.
    public static let perViewerMax = 5_000

    let store: any FollowStore
    let clock: any WallClock

    /// - Parameters: store: where follows are kept; clock: follow times.
    public init(store: any FollowStore, clock: any WallClock = SystemWallClock()) {
        self.store = store
        self.clock = clock
    }

    /// The `follow` fact.
    public struct FollowFact: Sendable, Codable, Equatable {
        public let viewerID: String
        public let streamerID: String
        public let roomID: String
        /// Whether this viewer never followed this streamer before.
        public let first: Bool

        /// Memberwise. - Parameters: see the properties.
        package init(viewerID: String, streamerID: String, roomID: String, first: Bool) {
            self.viewerID = viewerID
            self.streamerID = streamerID
            self.roomID = roomID
            self.first = first
        }

        enum CodingKeys: String, CodingKey {
            case first
            case viewerID = "viewer_id"
            case streamerID = "streamer_id"
            case roomID = "room_id"
        }
    }

    /// What a follow request answers.
    public struct State: Sendable, Codable, Equatable {
        public let streamerID: String
        public let following: Bool
        /// When the current follow began (nil when not following).
        public let since: Int64?
        /// Current followers of the streamer.
        public let followers: Int

        /// Memberwise. - Parameters: see the properties.
        package init(streamerID: String, following: Bool, since: Int64?, followers: Int) {
            self.streamerID = streamerID
            self.following = following
            self.since = since
            self.followers = followers
        }

        enum CodingKeys: String, CodingKey {
            case following, since, followers
            case streamerID = "streamer_id"
        }
    }

    /// `viewer` follows `room`'s streamer (no change when already following).
    /// - Throws: `RequestError` `cannot_follow_self` (409), `too_many_follows` (409).
    public func follow(viewer: String, room: Room) async throws -> State {
        guard viewer != room.streamerID else {
            throw RequestError("cannot_follow_self", .conflict, "a streamer cannot follow themselves")
        }
        switch try await store.follow(viewer: viewer, room: room, at: clock.nowMillis(), followsMax: Self.perViewerMax) {
        case .followed(let state), .alreadyFollowing(let state):
            return state
        case .limitReached:
            throw RequestError("too_many_follows", .conflict, "a viewer follows at most \(Self.perViewerMax) streamers; unfollow one first")
        }
    }

    /// `viewer` stops following `room`'s streamer (no change when not following).
    public func unfollow(viewer: String, room: Room) async throws -> State {
        try await store.unfollow(viewer: viewer, room: room, at: clock.nowMillis())
    }

    /// Whether `viewer` follows `room`'s streamer, and the streamer's follower count.
    public func state(viewer: String, room: Room) async throws -> State {
        try await store.state(viewer: viewer, streamer: room.streamerID)
    }
}
