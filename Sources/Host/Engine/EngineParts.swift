import Books
import Engine
import EngineCore
import Foundation
import Logging
import Scripting
import Showrunner
import Storage

extension EngineParts {
    /// The engine as `serve` and the host's tests open it (see `EngineParts.open(_:logger:)`).
    static func open(
        databasePath: String, scriptsPath: String, synchronous: StoreConfiguration.Synchronous = .full,
        writerPriorityBoost: Int = StoreConfiguration.writerPriorityBoostDefault,
        giftKeysFlushAt: Int = StoreConfiguration.giftKeysFlushAtDefault, pinsCores: Bool = false,
        limits: ScriptLimits = ScriptLimits(), paymentSecret: String = PaymentOptions.developmentSecret,
        ledgerConfiguration: LedgerConfiguration = .standard, calendar: OperationsCalendar = OperationsCalendar(),
        clock: any WallClock = SystemWallClock(), orderMachineID: String = "help-me-play", consumerCheckpointInterval: Duration? = nil,
        consumerCatchUpCheckpointInterval: Duration? = nil, consumerBatchSpacing: Duration? = nil, consumerBulkBatchSpacing: Duration? = nil, consumerPreparesMax: Int? = nil, logger: Logger
    ) throws -> EngineParts {
        var options = EngineOptions(databasePath: databasePath, scriptsPath: scriptsPath)
        options.synchronous = synchronous
        options.writerPriorityBoost = writerPriorityBoost
        options.giftKeysFlushAt = giftKeysFlushAt
        options.pinsCores = pinsCores
        options.limits = limits
        options.paymentSecret = paymentSecret
        options.ledgerConfiguration = ledgerConfiguration
        options.calendar = calendar
        options.clock = clock
        options.orderMachineID = orderMachineID
        options.consumerCheckpointInterval = consumerCheckpointInterval
        options.consumerCatchUpCheckpointInterval = consumerCatchUpCheckpointInterval
        options.consumerBatchSpacing = consumerBatchSpacing
        options.consumerBulkBatchSpacing = consumerBulkBatchSpacing
        options.consumerPreparesMax = consumerPreparesMax
        return try open(options, logger: logger)
    }

    /// The HTTP areas of the engine.
    var routeAreas: [any RouteArea] {
        [
            ScriptRoutes(scripts: scripts), RoomRoutes(rooms: rooms, numbers: numbers, resolver: resolver, follows: follows, live: liveSessions),
            JournalRoutes(consumers: consumers),
            GiftRoutes(catalog: gifts, resolver: resolver), WalletRoutes(ledger: ledger), PaymentRoutes(topUps: topUps),
            AdminWalletRoutes(ledger: ledger),
            AdminPendingRoutes(ledger: ledger),
            GiftSendRoutes(sender: giftSender, resolver: resolver, refunds: giftRefunds),
            LiveOpsRoutes(activities: activities, tasks: tasks, clock: clock, privileges: privileges),
            RoomNumberRoutes(numbers: numbers, resolver: resolver),
            PrivilegeRoutes(privileges: privileges, medals: fanMedals),
            QueueRoutes(gates: queueGates, queues: queues, live: liveSessions, resolver: resolver, recommendations: recommendations),
            NotificationRoutes(notifications: notifications, clock: clock), GoodsRoutes(goods: goods),
            OrderRoutes(orders: orders, clock: clock),
            GuildRoutes(guilds: guilds), SettlementRoutes(earnings: earnings, settlement: settlement, scripts: scripts),
            PartnerRoutes(partners: partners), AdminPartnerRoutes(partners: partners.registry),
            AdminJobRoutes(jobs: AdminJobs(clock: clock), sources: .init(
                ledger: ledger, orders: orders, consumers: consumers, scriptsPath: scripts.directory,
                databasePath: store.configuration.path, calendar: activities.calendar, logger: logger,
                settlement: settlement, scripts: scripts)),
        ]
    }
}
