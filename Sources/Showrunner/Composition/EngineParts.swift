import Books
import Engine
import EngineCore
import Foundation
import LiveOps
import Logging
import Rooms
import Scripting
import ServiceLifecycle
import Storage

/// The engine: the store, the scripts, the rooms, the money, the journal consumers, wired in
/// this one place. `serve`, `reconcile`, script tests, what-if replay and the crash tests all
/// build it here (`open`), so they run the same parts the same way; the host adds its routes.
public struct EngineParts: Sendable {
    /// The SQLite store. Only this package's own parts reach it (script tests, the benchmark
    /// harness, the host's `demo` and `queues verify`, the tests): a user of the library works
    /// with the domains, which hold their stores behind protocols.
    package let store: Store
    public let scripts: ScriptRuntime
    public let rooms: RoomDirectory
    /// Vanity room numbers.
    public let numbers: RoomNumbers
    /// What every route taking `{room}` resolves it with: numbers, then ids.
    public let resolver: RoomResolver
    public let profiles: ProfileRegistrar
    public let ledger: Ledger
    public let gifts: GiftCatalog
    public let giftSender: GiftSender
    public let giftRefunds: GiftRefunds
    public let topUps: TopUps
    public let follows: Follows
    public let bus: RoomBus
    /// Events for one user's sockets (the realtime host attaches to it).
    public let users: UserBus
    /// Connections per room, counted by the realtime host once it attaches.
    public let presence: RoomPresence
    /// The signed partner API: partners, orders, statements, messages.
    public let partners: PartnerAPI
    public let consumers: ConsumerRunner
    public let activities: Activities
    public let tasks: Tasks
    public let privileges: Privileges
    public let fanMedals: FanMedals
    public let queueGates: QueueGates
    public let queues: Queues
    public let liveSessions: LiveSessions
    public let recommendations: Recommendations
    public let notifications: Notifications
    public let goods: GoodsCatalog
    /// "Help me play" orders, run by the `order_machine` script `EngineOptions.orderMachineID`.
    public let orders: Orders
    /// Guilds and their contracts with streamers.
    public let guilds: Guilds
    /// Daily earnings per streamer and guild (fed by `EarningsConsumer`).
    public let earnings: Earnings
    /// The monthly close.
    public let settlement: Settlement
    public let clock: any WallClock
    public let logger: Logger

    /// Moderation's store (the word list, room mutes, the danmaku log, the review queue), for
    /// the realtime host.
    public var moderationStore: any ModerationStore { SQLiteModerationStore(store) }
    /// Facts appended alone (a viewer's `enter` and `watch`), for the realtime host.
    public var journalStore: any JournalStore { SQLiteJournalStore(store) }

    /// Opens the database (migrating it) and prepares every part; does not load scripts.
    /// - Throws: storage errors.
    public static func open(_ o: EngineOptions, logger: Logger) throws -> EngineParts {
        let store = try Store(StoreConfiguration(
            path: o.databasePath, synchronous: o.synchronous, writerPriorityBoost: o.writerPriorityBoost, giftKeysFlushAt: o.giftKeysFlushAt,
            pinsCores: o.pinsCores), logger: logger)
        let clock = o.clock
        let scripts = ScriptRuntime(
            directory: o.scriptsPath, api: .standard, limits: o.limits,
            archive: o.archivesGenerations ? StoreGenerationArchive(store: store) : MemoryGenerationArchive(), logger: logger,
            clock: { clock.nowMillis() })
        let rooms = RoomDirectory(store: SQLiteRoomStore(store), clock: clock)
        let ledger = Ledger(store: store, configuration: o.ledgerConfiguration, clock: clock)
        let numbers = RoomNumbers(store: store, ledger: ledger, clock: clock, coolDownMillis: o.roomNumberCoolDownMillis)
        let bus = RoomBus()
        let users = UserBus()
        let events = HandlerEvents()
        let activities = Activities(store: store, scripts: scripts, ledger: ledger, calendar: o.calendar, events: events, logger: logger)
        let tasks = Tasks(store: store, scripts: scripts, ledger: ledger, calendar: o.calendar, clock: clock, events: events, logger: logger)
        var consumers: [any JournalConsumer]
        switch o.consumers {
        case .all:
            consumers = [
                GiftStepsConsumer(scripts: scripts, ledger: ledger, calendar: o.calendar, events: events), RoomEventsConsumer(bus: bus, events: events),
                ActivityConsumer(activities: activities), TaskConsumer(tasks: tasks), NotificationsConsumer(users: users),
                EarningsConsumer(calendar: o.calendar, events: events), AccountHistoryConsumer(),
            ]
        case .liveOps: consumers = [ActivityConsumer(activities: activities), TaskConsumer(tasks: tasks)]
        case .giftSteps: consumers = [GiftStepsConsumer(scripts: scripts, ledger: ledger, calendar: o.calendar, events: events)]
        }
        if let wrap = o.wrapConsumer { consumers = consumers.map(wrap) }
        let checkpoint = o.consumerCheckpointInterval ?? .milliseconds(100)
        let runner = ConsumerRunner(
            store: store, consumers: consumers, maxAttempts: o.consumerAttemptsMax ?? 5, batchSize: o.consumerBatchSize ?? 256,
            checkpointInterval: checkpoint,
            catchUpCheckpointInterval: o.consumerCatchUpCheckpointInterval
                ?? max(checkpoint, .milliseconds(ConsumerRunner.catchUpCheckpointMillisDefault)),
            wideBatchEntriesMax: o.consumerWideBatchEntriesMax ?? 65_536, pollInterval: o.consumerPollInterval,
            batchSpacing: o.consumerBatchSpacing ?? ConsumerRunner.batchSpacingDefault,
            bulkBatchSpacing: o.consumerBulkBatchSpacing ?? ConsumerRunner.bulkBatchSpacingDefault,
            preparesMax: o.consumerPreparesMax ?? ConsumerRunner.preparesMaxDefault, offWriter: o.consumersOffWriter, clock: clock, ledger: ledger, logger: logger)
        let privileges = Privileges(store: store, ledger: ledger, clock: clock)
        let gates = QueueGates(scripts: scripts, ledger: ledger, calendar: o.calendar)
        let guilds = Guilds(store: store, clock: clock, calendar: o.calendar)
        return EngineParts(
            store: store, scripts: scripts, rooms: rooms, numbers: numbers,
            resolver: .idsAndNumbers(rooms, numbers), profiles: ProfileRegistrar(profiles: Profiles(store: SQLiteProfileStore(store))),
            ledger: ledger, gifts: GiftCatalog(store: SQLiteGiftCatalogStore(store), clock: clock, assets: Set(o.ledgerConfiguration.assets)),
            giftSender: GiftSender(store: store, ledger: ledger, rooms: rooms, scripts: scripts, clock: clock, calendar: o.calendar, guilds: guilds),
            giftRefunds: GiftRefunds(store: store, ledger: ledger, scripts: scripts, clock: clock, calendar: o.calendar),
            topUps: TopUps(ledger: ledger, secret: o.paymentSecret, clock: clock),
            follows: Follows(store: SQLiteFollowStore(store), clock: clock), bus: bus, users: users, presence: RoomPresence(),
            partners: PartnerAPI(
                partners: SQLitePartnerStore(store), orders: PartnerOrders(store: store, ledger: ledger, clock: clock),
                journal: SQLiteJournalStore(store), rooms: rooms, bus: bus, users: users, calendar: o.calendar, clock: clock),
            consumers: runner,
            activities: activities, tasks: tasks, privileges: privileges,
            fanMedals: FanMedals(store: store, calendar: o.calendar, clock: clock, onChange: { privileges.invalidateShown(user: $0) }),
            queueGates: gates, queues: Queues(store: SQLiteQueueStore(store), gates: gates, privileges: privileges, bus: bus, clock: clock),
            liveSessions: LiveSessions(store: SQLiteLiveSessionStore(store), clock: clock), recommendations: Recommendations(store: SQLiteQueueStore(store), gates: gates, clock: clock),
            notifications: Notifications(store: SQLiteNotificationStore(store)), goods: GoodsCatalog(store: SQLiteGoodsStore(store), clock: clock),
            orders: Orders(store: store, ledger: ledger, scripts: scripts, calendar: o.calendar, clock: clock, machineID: o.orderMachineID, logger: logger),
            guilds: guilds, earnings: Earnings(store: store, calendar: o.calendar, clock: clock),
            settlement: Settlement(store: store, ledger: ledger, calendar: o.calendar, clock: clock), clock: clock, logger: logger)
    }

    /// Loads the scripts folder, then the activities it declares; a server does not start on a
    /// broken folder.
    /// - Throws: `GenerationRejected` with every problem.
    public func loadScripts() async throws {
        let report = await scripts.reload(trigger: "start")
        guard report.ok else { throw GenerationRejected(problems: report.problems) }
        try await activities.load()
    }

    /// Activates `files` as the scripts (script tests hand them over without a folder), then
    /// loads the activities they declare.
    /// - Throws: `GenerationRejected` with every problem.
    public func activate(_ files: [ScriptFile], trigger: String) async throws {
        let report = await scripts.activate(files, trigger: trigger)
        guard report.ok else { throw GenerationRejected(problems: report.problems) }
        try await activities.load()
    }

    /// Long-lived services to run in the application's service group.
    public func services(watchScripts: Bool, pendingExpiryInterval: Duration = PendingExpiry.intervalDefault) -> [any Service] {
        var list: [any Service] = [
            consumers, JournalLagReporter(consumers: consumers, logger: logger), Ticker(store: store, clock: clock, logger: logger),
            LeaderboardFeedService(feed: activities.feed, book: activities.leaderboards, bus: bus),
        ]
        list.append(PendingExpiry(ledger: ledger, interval: pendingExpiryInterval, logger: logger))
        let privileges = privileges, orders = orders
        list.append(PeriodicSweep("privilege expiry", interval: pendingExpiryInterval, logger: logger) { try await privileges.sweepExpired() })
        list.append(PeriodicSweep("order sweep", interval: pendingExpiryInterval, logger: logger) { try await orders.sweep() })
        let settlement = settlement
        list.append(PeriodicSweep("withdrawal import", interval: pendingExpiryInterval, logger: logger) { try await settlement.sweepWithdrawals() })
        list.append(PlayTogetherRefresh(sessions: liveSessions, recommendations: recommendations, presence: presence, logger: logger))
        if watchScripts { list.append(ScriptWatcher(runtime: scripts)) }
        return list
    }
}
