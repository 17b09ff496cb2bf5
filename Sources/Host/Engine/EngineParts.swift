import Engine
import Foundation
import Logging
import ServiceLifecycle

/// The engine a server runs: the store, the scripts, the rooms, the money, the journal
/// consumers. Built once by `serve` (and by tests), then handed to the route areas and the
/// service group.
struct EngineParts: Sendable {
    let store: Store
    let scripts: ScriptRuntime
    let rooms: RoomDirectory
    let profiles: ProfileRegistrar
    let ledger: Ledger
    let gifts: GiftCatalog
    let giftSender: GiftSender
    let giftRefunds: GiftRefunds
    let topUps: TopUps
    let bus: RoomBus
    let consumers: ConsumerRunner
    let activities: Activities
    let tasks: Tasks
    let clock: any WallClock
    let logger: Logger

    /// Opens the database (migrating it) and prepares every part; does not load scripts.
    /// `ledgerConfiguration` carries the operator's declared assets; `clock` is the money's wall
    /// clock (ledger time and expiry, sends, refunds, top-ups, operator grants, rooms, gift
    /// edits), so tests pin time with one clock.
    static func open(
        databasePath: String, scriptsPath: String, synchronous: StoreConfiguration.Synchronous = .full,
        limits: ScriptLimits = ScriptLimits(), paymentSecret: String = PaymentOptions.developmentSecret,
        ledgerConfiguration: LedgerConfiguration = .standard, calendar: OperationsCalendar = OperationsCalendar(),
        clock: any WallClock = SystemWallClock(), logger: Logger
    ) throws -> EngineParts {
        let store = try Store(StoreConfiguration(path: databasePath, synchronous: synchronous), logger: logger)
        let scripts = ScriptRuntime(
            directory: scriptsPath, api: .standard, limits: limits,
            archive: StoreGenerationArchive(store: store), logger: logger)
        let rooms = RoomDirectory(store: store, clock: clock)
        let ledger = Ledger(store: store, configuration: ledgerConfiguration, clock: clock)
        let bus = RoomBus()
        let events = HandlerEvents()
        let activities = Activities(store: store, scripts: scripts, ledger: ledger, calendar: calendar, events: events, logger: logger)
        let tasks = Tasks(store: store, scripts: scripts, ledger: ledger, calendar: calendar, clock: clock, events: events, logger: logger)
        let consumers = ConsumerRunner(
            store: store,
            consumers: [
                GiftStepsConsumer(scripts: scripts, ledger: ledger), RoomEventsConsumer(bus: bus),
                ActivityConsumer(activities: activities), TaskConsumer(tasks: tasks),
            ],
            pollInterval: .milliseconds(200), logger: logger)
        return EngineParts(
            store: store, scripts: scripts, rooms: rooms, profiles: ProfileRegistrar(profiles: Profiles(store: store)),
            ledger: ledger, gifts: GiftCatalog(store: store, clock: clock, assets: Set(ledgerConfiguration.assets)),
            giftSender: GiftSender(store: store, ledger: ledger, rooms: rooms, scripts: scripts, clock: clock),
            giftRefunds: GiftRefunds(store: store, ledger: ledger, scripts: scripts, clock: clock),
            topUps: TopUps(store: store, ledger: ledger, secret: paymentSecret, clock: clock), bus: bus, consumers: consumers,
            activities: activities, tasks: tasks, clock: clock, logger: logger)
    }

    /// Loads the scripts folder; a server does not start on a broken one.
    /// - Throws: `GenerationRejected` with every problem.
    func loadScripts() async throws {
        let report = await scripts.reload(trigger: "start")
        guard report.ok else { throw GenerationRejected(problems: report.problems) }
        try await activities.load()
    }

    /// The HTTP areas of the engine.
    var routeAreas: [any RouteArea] {
        [
            ScriptRoutes(scripts: scripts), RoomRoutes(rooms: rooms, follows: Follows(store: store, clock: clock)), JournalRoutes(consumers: consumers),
            GiftRoutes(catalog: gifts, rooms: rooms), WalletRoutes(ledger: ledger), PaymentRoutes(topUps: topUps),
            AdminWalletRoutes(ledger: ledger),
            AdminPendingRoutes(ledger: ledger),
            GiftSendRoutes(sender: giftSender, refunds: giftRefunds),
            LiveOpsRoutes(activities: activities, tasks: tasks, store: store, clock: clock),
        ]
    }

    /// Long-lived services to run in the application's service group.
    func services(watchScripts: Bool, pendingExpiryInterval: Duration = PendingExpiry.intervalDefault) -> [any Service] {
        var list: [any Service] = [
            consumers, JournalLagReporter(consumers: consumers, logger: logger), Ticker(store: store, clock: clock, logger: logger),
            LeaderboardFeedService(feed: activities.feed, book: activities.leaderboards, bus: bus),
        ]
        list.append(PendingExpiry(ledger: ledger, interval: pendingExpiryInterval, logger: logger))
        if watchScripts { list.append(ScriptWatcher(runtime: scripts)) }
        return list
    }
}
