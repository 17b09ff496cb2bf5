import ArgumentParser
import Engine
import EngineCore
import Hummingbird
import Logging
import Metrics
import NIOPosix
import Scripting
import Showrunner
import Storage

/// `showrunner serve`: runs the HTTP API until SIGTERM or SIGINT, then shuts down gracefully.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the HTTP API and the engine services."
    )

    @Option(help: "Interface to bind.")
    var host = "127.0.0.1"

    @Option(help: "TCP port to listen on (0 picks a free port).")
    var port = 8080

    @Option(help: "SQLite database file.")
    var db = "showrunner.sqlite"

    @Option(help: "Folder of Lua scripts.")
    var scripts = "Scripts"

    @Flag(help: "Reload scripts when their files change (staging only).")
    var watch = false

    @Option(help: "SQLite durability: pipelined (the default: acknowledged after an fsync of the WAL, as with full, while the next batch runs), full (each COMMIT fsyncs before the next batch), normal or off.")
    var synchronous: StoreConfiguration.Synchronous = .pipelined

    @Option(help: "Nice levels above the process's own the store's one writer runs at while it holds a batch, 0...19 (0: not raised). Needs CAP_SYS_NICE or an RLIMIT_NICE that allows it; without, the writer runs at the process's priority and the server logs that once.")
    var writerPriorityBoost = StoreConfiguration.writerPriorityBoostDefault

    @Flag(help: "Pin the store's writer and its WAL sync each to a core of its own (the first two the process may use) while they work. Pays on cores of one's own; on shared virtual cores it can cost more than it saves. Off by default.")
    var pinCores = false

    @Option(help: "Operations time zone: where days, weeks and months of leaderboards and tasks begin (e.g. Asia/Shanghai).")
    var timeZone = "UTC"

    @Option(help: "Largest accepted request body, in bytes.")
    var bodyBytesMax = AppConfig.requestBodyBytesMaxDefault

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel = "info"

    @Option(help: "The order_machine script (its id) new help-me-play orders run on.")
    var orderMachine = "help-me-play"

    @Option(help: "Milliseconds one transaction of the live-ops and earnings consumers goes on reading the journal while behind (0: one page per transaction), 0...1000.")
    var consumerCheckpointMs: Int64 = 100

    @Option(help: "Milliseconds one such transaction goes on reading while its consumer catches up (its last one ended behind), --consumer-checkpoint-ms...1000: its handlers run off the writer and its commit writes each owner's state once, so a consumer behind commits less often and catches up sooner; one that reaches the journal's end goes back to --consumer-checkpoint-ms.")
    var consumerCatchUpCheckpointMs: Int64 = ConsumerRunner.catchUpCheckpointMillisDefault

    @Option(help: "Least milliseconds between the starts of one journal consumer's batches, 0...1000: under load a batch gathers that long's gifts and facts, and pays its snapshot, transaction and wake-ups once for all of them; after a quiet spell it starts at once (0: a batch after every commit).")
    var consumerSpacingMs: Int64 = ConsumerRunner.batchSpacingMillisDefault

    @Option(help: "Least milliseconds between the starts of one bulk consumer's batches (task progress, activity boards, earnings, account history: state nobody reads to the tenth of a second), 0...1000; the larger of this and --consumer-spacing-ms applies to them.")
    var consumerBulkSpacingMs: Int64 = ConsumerRunner.bulkBatchSpacingMillisDefault

    @Option(help: "Most journal consumers running their handlers at once, 1...64 (default: one fewer than the cores, at least 1): each holds a core, and the event loops and the writer need theirs. One that has waited 100 ms for its turn runs anyway, so none falls behind for as long as a load lasts.")
    var consumerPrepares: Int?

    @Option(help: "Milliseconds between sweeps that expire due pending transfers.")
    var pendingExpiryIntervalMs: Int64 = 1000

    @Option(help: "Milliseconds within which room events are gathered into one write per WebSocket connection.")
    var coalesceMs: Int64 = RealtimeLimits.coalesceMillisDefault

    @Option(help: "Event loop threads for HTTP and WebSocket connections (default: one per core of the machine, also when the process is pinned to fewer: a second loop keeps reading requests while the first writes a fan-out).")
    var eventLoops: Int?

    @Option(help: "Seconds a new connection has to send its request line and headers.")
    var headerTimeoutSeconds: Int64 = 30

    @Option(help: "Seconds a request has to send its body once its headers are in.")
    var bodyTimeoutSeconds: Int64 = 30

    @Option(help: "Seconds an idle keep-alive connection is kept for its next request.")
    var idleTimeoutSeconds: Int64 = 75

    @Option(help: "Open connections (HTTP and WebSocket) at most; more are refused with 503. Lowered at start to what the process's file-descriptor limit allows, less \(ConnectionLimits.descriptorsReserved) kept for the store.")
    var connectionsMax = ConnectionLimits().connectionsMax

    @OptionGroup var secretOptions: SecretOptions
    @OptionGroup var paymentOptions: PaymentOptions
    @OptionGroup var assetOptions: AssetOptions

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0...65535") }
        guard OperationsCalendar(identifier: timeZone) != nil else { throw ValidationError("unknown --time-zone '\(timeZone)'") }
        guard bodyBytesMax > 0 else { throw ValidationError("--body-bytes-max must be positive") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("unknown --log-level '\(logLevel)'") }
        guard (0...1000).contains(coalesceMs) else { throw ValidationError("--coalesce-ms must be 0...1000") }
        if let eventLoops, !(1...256).contains(eventLoops) { throw ValidationError("--event-loops must be 1...256") }
        for (flag, value) in [("--header-timeout-seconds", headerTimeoutSeconds), ("--body-timeout-seconds", bodyTimeoutSeconds),
                              ("--idle-timeout-seconds", idleTimeoutSeconds)] where !(1...3_600).contains(value) {
            throw ValidationError("\(flag) must be 1...3600")
        }
        guard (1...1_000_000).contains(connectionsMax) else { throw ValidationError("--connections-max must be 1...1000000") }
        guard (0...StoreConfiguration.writerPriorityBoostMax).contains(writerPriorityBoost) else {
            throw ValidationError("--writer-priority-boost must be 0...\(StoreConfiguration.writerPriorityBoostMax)")
        }
        guard (0...1_000).contains(consumerCheckpointMs) else { throw ValidationError("--consumer-checkpoint-ms must be 0...1000") }
        guard (consumerCheckpointMs...1_000).contains(consumerCatchUpCheckpointMs) else {
            throw ValidationError("--consumer-catch-up-checkpoint-ms must be --consumer-checkpoint-ms (\(consumerCheckpointMs))...1000")
        }
        guard (0...ConsumerRunner.batchSpacingMillisMax).contains(consumerSpacingMs) else {
            throw ValidationError("--consumer-spacing-ms must be 0...\(ConsumerRunner.batchSpacingMillisMax)")
        }
        guard (0...ConsumerRunner.batchSpacingMillisMax).contains(consumerBulkSpacingMs) else {
            throw ValidationError("--consumer-bulk-spacing-ms must be 0...\(ConsumerRunner.batchSpacingMillisMax)")
        }
        if let consumerPrepares, !(1...ConsumerRunner.preparesMaxLimit).contains(consumerPrepares) {
            throw ValidationError("--consumer-prepares must be 1...\(ConsumerRunner.preparesMaxLimit)")
        }
        guard (1...3_600_000).contains(pendingExpiryIntervalMs) else {
            throw ValidationError("--pending-expiry-interval-ms must be 1...3600000")
        }
        _ = try assetOptions.configuration()
        // Secrets are checked here, so a server without them never starts listening.
        _ = try secretOptions.makeSigner()
        _ = try paymentOptions.resolve(dev: secretOptions.dev)
    }

    func run() async throws {
        var logger = Logger(label: "showrunner") { ServerLogHandler(label: $0) }
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        let (signer, tokenDefault) = try secretOptions.makeSigner()
        let (paymentSecret, paymentDefault) = try paymentOptions.resolve(dev: secretOptions.dev)
        if secretOptions.dev {
            logger.warning(
                "DEVELOPMENT MODE (--dev): never expose this server",
                metadata: [
                    "public_token_secret": "\(tokenDefault)", "public_payment_secret": "\(paymentDefault)",
                    "meaning": "with a public secret anyone can mint tokens or coins",
                ])
        }
        // The one process-wide metrics bootstrap. Tests never call `run`, so they never bootstrap.
        var services = AppServices.standard(signer: signer, logger: logger)
        services.developmentMode = secretOptions.dev
        MetricsSystem.bootstrap(services.metricsFactory)

        let engine = try EngineParts.open(
            databasePath: db, scriptsPath: scripts, synchronous: synchronous, writerPriorityBoost: writerPriorityBoost, pinsCores: pinCores,
            paymentSecret: paymentSecret,
            ledgerConfiguration: try assetOptions.configuration(),
            calendar: OperationsCalendar(identifier: timeZone) ?? OperationsCalendar(), orderMachineID: orderMachine,
            consumerCheckpointInterval: .milliseconds(consumerCheckpointMs),
            consumerCatchUpCheckpointInterval: .milliseconds(consumerCatchUpCheckpointMs), consumerBatchSpacing: .milliseconds(consumerSpacingMs),
            consumerBulkBatchSpacing: .milliseconds(consumerBulkSpacingMs), consumerPreparesMax: consumerPrepares, logger: logger)
        do {
            try await engine.loadScripts()
        } catch let rejected as GenerationRejected {
            for problem in rejected.problems { logger.critical("\(problem)") }
            throw ExitCode(65)
        }
        let profiles = engine.profiles
        services.onPrincipal = { principal in try await profiles.ensure(userID: principal.userID) }
        services.routeAreas += engine.routeAreas
        services.durabilityFailure = { [store = engine.store] in store.durabilityFailure }
        services.lifecycleServices += engine.services(
            watchScripts: watch, pendingExpiryInterval: .milliseconds(pendingExpiryIntervalMs))
        var limits = RealtimeLimits()
        limits.coalesceInterval = .milliseconds(coalesceMs)
        let connections = try connectionLimits(logger: logger)
        let realtime = try await Realtime.make(
            moderation: engine.moderationStore, journal: engine.journalStore, resolver: engine.resolver, signer: signer, now: services.now,
            metrics: services.metricsFactory, bus: engine.bus, limits: limits, clock: engine.clock,
            privileges: PrivilegeShowcase(privileges: engine.privileges, rooms: engine.rooms), scripts: engine.scripts,
            connections: connections, users: engine.users, presence: engine.presence, gifts: engine.giftSender,
            profiles: engine.profiles)
        services.routeAreas.append(realtime.routes)
        services.lifecycleServices += realtime.services
        services.httpServer = realtime.httpServer
        let loops = eventLoops.map { MultiThreadedEventLoopGroup(numberOfThreads: $0) }
        services.eventLoopGroup = loops
        let app = buildApplication(config, services: services)
        do {
            try await app.runService()
        } catch {
            try? await loops?.shutdownGracefully()
            throw error
        }
        try await loops?.shutdownGracefully()
    }

    /// The connection limits these flags describe, with the cap lowered to what the process's
    /// file-descriptor limit allows (after raising the soft limit to the hard one).
    /// - Throws: `ValidationError` when the descriptor limit leaves no room for connections.
    func connectionLimits(logger: Logger) throws -> ConnectionLimits {
        var limits = ConnectionLimits()
        limits.headerTimeout = .seconds(headerTimeoutSeconds)
        limits.bodyTimeout = .seconds(bodyTimeoutSeconds)
        limits.idleTimeout = .seconds(idleTimeoutSeconds)
        let descriptors = DescriptorLimit.raiseToHard()
        let room = descriptors - ConnectionLimits.descriptorsReserved
        guard room >= 1 else {
            throw ValidationError("the file-descriptor limit (\(descriptors)) leaves no room for connections; raise it (ulimit -n)")
        }
        limits.connectionsMax = min(connectionsMax, room)
        if limits.connectionsMax < connectionsMax {
            logger.warning("connection cap lowered to fit the file-descriptor limit", metadata: [
                "connections_max": "\(limits.connectionsMax)", "descriptors": "\(descriptors)",
                "reserved": "\(ConnectionLimits.descriptorsReserved)",
            ])
        }
        return limits
    }

    /// The application configuration these flags describe.
    var config: AppConfig {
        AppConfig(
            hostname: host,
            port: port,
            databasePath: db,
            scriptsPath: scripts,
            watchScripts: watch,
            requestBodyBytesMax: bodyBytesMax
        )
    }
}

extension StoreConfiguration.Synchronous: ExpressibleByArgument {
    /// `full`, `pipelined`, `normal` or `off`, any case.
    public init?(argument: String) { self.init(rawValue: argument.uppercased()) }
    public var defaultValueDescription: String { rawValue.lowercased() }
    public static var allValueStrings: [String] { allCases.map { $0.rawValue.lowercased() } }
}
