import Engine
import Foundation
import Logging
import ServiceLifecycle

/// The engine a server runs: the store, the scripts, the rooms, the journal consumers. Built
/// once by `serve` (and by tests), then handed to the route areas and the service group.
struct EngineParts: Sendable {
    let store: Store
    let scripts: ScriptRuntime
    let rooms: RoomDirectory
    let profiles: ProfileRegistrar
    let consumers: ConsumerRunner
    let gifts: GiftCatalog
    let logger: Logger

    /// Opens the database (migrating it) and prepares the scripts runtime; does not load scripts.
    static func open(
        databasePath: String, scriptsPath: String, synchronous: StoreConfiguration.Synchronous = .full,
        limits: ScriptLimits = ScriptLimits(), logger: Logger
    ) throws -> EngineParts {
        let store = try Store(StoreConfiguration(path: databasePath, synchronous: synchronous), logger: logger)
        let scripts = ScriptRuntime(
            directory: scriptsPath, api: .standard, limits: limits,
            archive: StoreGenerationArchive(store: store), logger: logger)
        let consumers = ConsumerRunner(store: store, consumers: [], logger: logger)
        return EngineParts(
            store: store, scripts: scripts, rooms: RoomDirectory(store: store),
            profiles: ProfileRegistrar(profiles: Profiles(store: store)), consumers: consumers,
            gifts: GiftCatalog(store: store), logger: logger)
    }

    /// Loads the scripts folder; a server does not start on a broken one.
    /// - Throws: `GenerationRejected` with every problem.
    func loadScripts() async throws {
        let report = await scripts.reload(trigger: "start")
        guard report.ok else { throw GenerationRejected(problems: report.problems) }
    }

    /// The HTTP areas of the engine.
    var routeAreas: [any RouteArea] {
        [
            ScriptRoutes(scripts: scripts), RoomRoutes(rooms: rooms), JournalRoutes(consumers: consumers),
            GiftRoutes(catalog: gifts, rooms: rooms),
        ]
    }

    /// Long-lived services to run in the application's service group.
    func services(watchScripts: Bool) -> [any Service] {
        var list: [any Service] = [consumers, JournalLagReporter(consumers: consumers, logger: logger)]
        if watchScripts { list.append(ScriptWatcher(runtime: scripts)) }
        return list
    }
}
