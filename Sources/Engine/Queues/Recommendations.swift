import EngineCore
import Foundation
import Logging
import Rooms
import Scripting
import ServiceLifecycle
import Synchronization

/// "Who can I play with now?": live streamers with open queues, refreshed in the background.
///
/// Order: streamers fall in tiers by their session's average concurrent viewers (tier 0 under
/// 10, 1 under 100, 2 under 1,000, 3 from 1,000; higher tiers first); within a tier, streamers
/// the viewer has played with before come first, then the most seats missing (game seats still
/// free, then waiting places free), then the streamer id. The list of candidates is rebuilt
/// every refresh (a minute by default); the answer says how old it is. Per viewer, the boost
/// and, when asked, the gate check (`passing`) are applied at request time.
public final class Recommendations: Sendable {
    /// Most entries one answer holds.
    public static let limitMax = 50

    /// One candidate.
    public struct Entry: Sendable, Codable, Equatable {
        public var roomID: String
        public var streamerID: String
        public var game: String
        public var averageViewers: Int64
        public var tier: Int64
        public var seatsMissing: Int64
        public var waitingFree: Int64
        /// The viewer played in this streamer's queue before.
        public var playedBefore: Bool

        enum CodingKeys: String, CodingKey {
            case game, tier
            case roomID = "room_id"
            case streamerID = "streamer_id"
            case averageViewers = "average_viewers"
            case seatsMissing = "seats_missing"
            case waitingFree = "waiting_free"
            case playedBefore = "played_before"
        }
    }

    /// An answer: the entries and the age of the list they come from.
    public struct Answer: Sendable, Codable, Equatable {
        public var generatedAt: Int64
        public var ageMillis: Int64
        public var streamers: [Entry]

        enum CodingKeys: String, CodingKey {
            case streamers
            case generatedAt = "generated_at"
            case ageMillis = "age_ms"
        }
    }

    struct Candidate: Sendable {
        var entry: Entry
        var gate: GateChoice?
    }

    let store: any QueueStore
    let gates: QueueGates
    let clock: any WallClock
    let list = Mutex<(at: Int64, candidates: [Candidate])?>(nil)

    public init(store: any QueueStore, gates: QueueGates, clock: any WallClock = SystemWallClock()) {
        self.store = store
        self.gates = gates
        self.clock = clock
    }

    /// The tier of an average audience.
    static func tier(_ viewers: Int64) -> Int64 {
        switch viewers {
        case ..<10: 0
        case ..<100: 1
        case ..<1_000: 2
        default: 3
        }
    }

    /// Rebuilds the candidate list from live sessions, their viewer samples and open queues.
    public func refresh() async throws {
        let now = clock.nowMillis()
        let candidates = try await store.read { tx in
            try tx.openLiveQueues().map { q -> Candidate in
                let average = Int64(q.averageViewers.rounded())
                return Candidate(
                    entry: Entry(
                        roomID: q.roomID, streamerID: q.streamerID, game: q.game, averageViewers: average, tier: Self.tier(average),
                        seatsMissing: max(0, q.gameCapacity - q.gameCount), waitingFree: max(0, q.waitingCapacity - q.waitingCount),
                        playedBefore: false),
                    gate: q.gate)
            }
        }
        list.withLock { $0 = (now, candidates) }
    }

    /// The recommendations for `viewer`: optionally one game, optionally only queues whose gate
    /// they pass now.
    /// - Throws: `RequestError` 400 `invalid_query` (limit), 503 `recommendations_not_ready`
    ///   before the first refresh.
    public func recommend(viewer: String, game: String?, limit: Int, passing: Bool) async throws -> Answer {
        guard (1...Self.limitMax).contains(limit) else {
            throw RequestError("invalid_query", .badRequest, "limit must be 1...\(Self.limitMax)")
        }
        guard let (at, all) = list.withLock({ $0 }) else {
            throw RequestError("recommendations_not_ready", .unavailable, "the first list is being built; try again in a moment")
        }
        let now = clock.nowMillis()
        let filtered = all.filter { game == nil || $0.entry.game == game }
        let gates = self.gates
        let picked: [Entry] = try await store.read { tx in
            var candidates = filtered
            let played = try tx.streamersPlayedWith(userID: viewer)
            for i in candidates.indices { candidates[i].entry.playedBefore = played.contains(candidates[i].entry.streamerID) }
            candidates.sort { a, b in
                let (x, y) = (a.entry, b.entry)
                if x.tier != y.tier { return x.tier > y.tier }
                if x.playedBefore != y.playedBefore { return x.playedBefore }
                if x.seatsMissing != y.seatsMissing { return x.seatsMissing > y.seatsMissing }
                if x.waitingFree != y.waitingFree { return x.waitingFree > y.waitingFree }
                return x.streamerID < y.streamerID
            }
            var out: [Entry] = []
            for c in candidates where c.entry.streamerID != viewer {
                if out.count >= limit { break }
                if passing, let gate = c.gate {
                    let who = LuaValue.table(LuaTable(fields: ["id": .string(viewer)]))
                    let verdict = gates.check(
                        reads: tx.gateReads(gates), template: gate.template, params: LuaTable(fields: gate.params.mapValues(\.value)), viewer: who,
                        streamer: c.entry.streamerID, now: now)
                    guard verdict == .admitted else { continue }
                }
                out.append(c.entry)
            }
            return out
        }
        return Answer(generatedAt: at, ageMillis: max(0, now - at), streamers: picked)
    }
}

/// Every `interval`: samples each live room's concurrent viewers (the realtime connections
/// `presence` counts) into its session, then rebuilds the recommendations.
public struct PlayTogetherRefresh: Service {
    let sessions: LiveSessions
    let recommendations: Recommendations
    let presence: RoomPresence
    let interval: Duration
    let logger: Logger

    public init(
        sessions: LiveSessions, recommendations: Recommendations, presence: RoomPresence, interval: Duration = .seconds(60), logger: Logger
    ) {
        self.sessions = sessions
        self.recommendations = recommendations
        self.presence = presence
        self.interval = interval
        self.logger = logger
    }

    /// One round: sample, then refresh.
    public func once() async throws {
        let presence = self.presence
        try await sessions.sample { room in Int64(presence.count(room: room)) }
        try await recommendations.refresh()
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown { [self] in
            while !Task.isCancelled {
                do { try await once() } catch { logger.error("play-together refresh failed", metadata: ["error": "\(error)"]) }
                try? await Task.sleep(for: interval)
            }
        }
    }
}
