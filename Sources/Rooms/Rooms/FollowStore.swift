
/// Where follows are kept: one row per viewer and streamer that ever followed, active or not.
///
/// For implementers: each method is one transaction, all or nothing. `follow` changes nothing
/// and answers `.alreadyFollowing` when the viewer follows the streamer; answers `.limitReached`,
/// changing nothing, when the viewer already follows `followsMax` streamers; otherwise makes the
/// follow active since `now` and journals the `follow` fact (`Follows.followType`, a
/// `Follows.FollowFact` whose `first` says whether the viewer never followed this streamer
/// before) with it. `unfollow` makes an active follow inactive and journals `unfollow`
/// (`viewer_id`, `streamer_id`, `room_id`), or changes nothing. Every answer carries the state
/// after the change. Every backend runs `FollowStoreConformanceTests`.
public protocol FollowStore: Sendable {
    func follow(viewer: String, room: Room, at now: Int64, followsMax: Int) async throws -> FollowOutcome
    func unfollow(viewer: String, room: Room, at now: Int64) async throws -> Follows.State
    func state(viewer: String, streamer: String) async throws -> Follows.State
}

/// What `FollowStore.follow` did.
public enum FollowOutcome: Sendable, Equatable {
    case followed(Follows.State)
    case alreadyFollowing(Follows.State)
    case limitReached
}
