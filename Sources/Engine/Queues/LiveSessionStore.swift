import Rooms

/// Where live sessions and their viewer samples are kept.
///
/// For implementers: each method is one transaction. `setLive` with `on` opens a session of the
/// room (its streamer, `game`, started at `now`) and journals `live_started`
/// (`LiveSessions.startedType`, the session) when none is open; without `on` it ends the open
/// session at `now` and journals `live_ended` (the session with `endedAt`); otherwise it changes
/// nothing. It answers the room's open session after the change. `openSessions` answers every
/// open session, in no set order. `recordSamples` stores one viewer count per session at `now`,
/// keeping a sample already stored for that session and time. Every backend runs
/// `LiveSessionStoreConformanceTests`.
public protocol LiveSessionStore: Sendable {
    func setLive(_ room: Room, on: Bool, game: String?, at now: Int64) async throws -> LiveSessions.Session?
    func openSession(roomID: String) async throws -> LiveSessions.Session?
    func openSessions() async throws -> [LiveSessions.Session]
    func recordSamples(_ samples: [(sessionID: Int64, viewers: Int64)], at now: Int64) async throws
}
