import Engine
import EngineCore
import Foundation
import LiveOps
import Logging
import Scripting
import Storage

extension WhatIfReplay {
    /// Runs the replay over `live` (only read and copied; `options.databasePath` is not opened
    /// here), with `scratch` the replay's store over the engine opened on the copy.
    /// - Throws: `GenerationRejected` when the candidate does not load; `RequestError` for a bad
    ///   window; storage errors.
    public static func run(
        _ options: Options, live: any ReplayStore, scratch: (Store) -> any ReplayStore, logger: Logger
    ) async throws -> Outcome {
        try checkWindow(options)
        let scratchDir = FileManager.default.temporaryDirectory.appendingPathComponent("showrunner-replay-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratchDir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratchDir) }
        let scratchPath = scratchDir.appendingPathComponent("scratch.sqlite").path
        try live.copy(to: scratchPath)

        // The server's wiring (`EngineParts.open`) on the scratch copy, with only the live-ops
        // consumers, one attempt per event, and the candidate scripts.
        var engineOptions = EngineOptions(databasePath: scratchPath, scriptsPath: options.scriptsPath)
        engineOptions.synchronous = .off
        engineOptions.calendar = options.calendar
        engineOptions.archivesGenerations = false
        engineOptions.consumers = .liveOps
        engineOptions.consumerAttemptsMax = 1
        let engine = try EngineParts.open(engineOptions, logger: logger)
        let (store, scripts, activities) = (scratch(engine.store), engine.scripts, engine.activities)
        let report = await scripts.reload(trigger: "replay")
        guard report.ok, let generation = scripts.current else { throw GenerationRejected(problems: report.problems) }

        let (window, seqBefore) = try await store.write { tx in try prepare(tx, options) }
        try await activities.load()
        let runner = engine.consumers
        _ = try await runner.drain()

        let ids = Set(activities.definitions().map(\.id))
        let candidate = try await store.read { tx in
            Side(
                boards: try boards(tx, ids: ids),
                rewards: rewards(try tx.rewardTotals(idPrefixes: rewardPrefixes, afterSeq: seqBefore)),
                completions: try tx.completions(type: Tasks.completedType, afterOffset: window.last))
        }
        let liveSide = try await live.read { tx in
            Side(
                boards: try boards(tx, ids: ids),
                rewards: rewards(try tx.rewardTotals(idPrefixes: rewardPrefixes, from: options.from * 1000, to: options.to * 1000)),
                completions: try tx.completions(type: Tasks.completedType, from: options.from, to: options.to))
        }
        let errors = try await runner.parked(limit: 20).map { "offset \($0.offset): \($0.error)" }
        return Outcome(
            from: options.from, to: options.to, entries: window.count, candidateGeneration: String(generation.hash.prefix(12)),
            candidate: candidate, live: liveSide, errors: errors)
    }

    /// Runs the replay of the live database at `options.databasePath`, opened read only.
    /// - Throws: `GenerationRejected` when the candidate does not load; `RequestError` for a bad
    ///   window or a missing database; storage errors.
    public static func run(_ options: Options, logger: Logger) async throws -> Outcome {
        try checkWindow(options)
        guard FileManager.default.fileExists(atPath: options.databasePath) else {
            throw RequestError("database_not_found", .notFound, "no database at \(options.databasePath)")
        }
        let live = try SQLiteReplayStore(readOnlyAt: options.databasePath)
        return try await run(options, live: live, scratch: { SQLiteReplayStore($0) }, logger: logger)
    }
}
