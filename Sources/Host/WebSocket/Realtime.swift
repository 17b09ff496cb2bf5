import Books
import EngineCore
import Logging
import Engine
import Foundation
import Hummingbird
import HummingbirdCore
import Metrics
import Rooms
import Scripting
import ServiceLifecycle

/// Everything `serve` adds for rooms in real time, built in one call:
/// ```swift
/// let realtime = try await Realtime.make(moderation: engine.moderationStore, journal: engine.journalStore, resolver: engine.resolver,
///                                        signer: signer, now: services.now, metrics: services.metricsFactory)
/// services.routeAreas.append(realtime.routes)
/// services.lifecycleServices += realtime.services
/// services.httpServer = realtime.httpServer
/// ```
struct Realtime: Sendable {
    /// The room bus other domains publish to.
    let bus: RoomBus
    /// The danmaku pipeline.
    let danmaku: DanmakuService
    /// Connections by room.
    let hub: RealtimeHub
    /// HTTP routes: danmaku log, mutes, word list, broadcasts, notices, and the plain-GET
    /// diagnosis of the WebSocket URL.
    let routes: RealtimeRoutes
    /// The HTTP/1 server with WebSocket upgrade on `/v1/rooms/{room}/ws`.
    let httpServer: HTTPServerBuilder
    /// Long-lived parts: the heartbeat sweep (which also closes every connection on shutdown).
    let services: [any Service]

    /// Wires the realtime parts over moderation's store (`moderation`) and the journal
    /// (`journal`, for a viewer's `enter` and `watch` facts); loads the stored word list and mutes. `resolver`
    /// turns `{room}` (an id or a vanity number) into the room, on the socket path and every route.
    /// `gifts` sends the sockets' `gift` frames (nil: they are refused `unavailable`).
    /// - Throws: database errors.
    static func make(
        moderation: any ModerationStore, journal: any JournalStore, resolver: RoomResolver, signer: TokenSigner, now: @escaping @Sendable () -> Date,
        metrics: any MetricsFactory, bus: RoomBus = RoomBus(), limits: RealtimeLimits = .init(),
        danmakuLimits: DanmakuLimits = .init(), clock: any WallClock = SystemWallClock(),
        privileges: any EntryPrivilegeProvider = NoEntryPrivileges(), scripts: ScriptRuntime? = nil,
        connections: ConnectionLimits = .init(), users: UserBus? = nil, presence: RoomPresence? = nil,
        gifts: GiftSender? = nil, profiles: ProfileRegistrar? = nil
    ) async throws -> Realtime {
        let filter = try await KeywordFilter.load(from: moderation)
        let mutes = try await Mutes(store: moderation, now: clock.nowMillis())
        let danmaku = DanmakuService(
            store: moderation, bus: bus, filter: filter, mutes: mutes, limits: danmakuLimits, clock: clock, metrics: metrics,
            rules: scripts.map { ModerationRules(scripts: $0) }, shows: privileges)
        let hub = RealtimeHub(bus: bus, limits: limits, metrics: metrics)
        users?.attach(hub)
        presence?.attach { [hub] room in hub.online(room: room) }
        let upgrade = RealtimeUpgrade(signer: signer, now: now, resolver: resolver)
        let session = RealtimeSession(
            hub: hub, danmaku: danmaku, privileges: privileges, journal: journal, clock: clock, gifts: gifts, profiles: profiles, now: now)
        let refused = Counter(label: "showrunner.http.connections_refused", factory: metrics)
        let gate = ConnectionGate(connectionsMax: connections.connectionsMax, onRefuse: { refused.increment() })
        let timeouts = Dictionary(uniqueKeysWithValues: [ConnectionDeadlineHandler.Phase.header, .body, .idle].map { phase in
            (phase, Counter(label: "showrunner.http.timeouts", dimensions: [("phase", phase.rawValue)], factory: metrics))
        })
        Gauge(label: "showrunner.http.connections_max", factory: metrics).record(connections.connectionsMax)
        return Realtime(
            bus: bus, danmaku: danmaku, hub: hub,
            routes: RealtimeRoutes(bus: bus, danmaku: danmaku, resolver: resolver, upgrade: upgrade),
            httpServer: HTTPServerBuilder { responder in
                RealtimeChannel(
                    responder: responder, limits: limits, connections: connections, gate: gate,
                    onTimeout: { phase in timeouts[phase]?.increment() }, upgrade: upgrade, session: session)
            },
            services: [
                RealtimeSweeper(hub: hub),
                WatchMeter(hub: hub, journal: journal, clock: clock, interval: .seconds(60), logger: Logger(label: "showrunner.watch")),
            ])
    }
}
