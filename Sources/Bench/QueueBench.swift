import ArgumentParser
import Engine
import EngineCore
import Foundation
import GRDB
import Logging
import Rooms
import Scripting
import Showrunner
import Storage

/// Play together: the shipped fan-medal gate through the runtime against a raw `lua_pcall` of
/// the same function, same process, same run; then applies per second through the engine
/// (gate, facts, membership, journal, durable commit) with concurrent viewers.
struct QueueBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "queues", abstract: "Gate checks vs raw Lua; queue applies per second.")

    @Option(help: "Gate checks per measurement.") var checks = 200_000
    @Option(help: "Measurements (the best of each side is reported).") var rounds = 3
    @Option(help: "Checks handed to one VM checkout.") var batch = 256
    @Option(help: "Applies in the end-to-end run.") var applies = 20_000
    @Option(help: "Concurrent appliers.") var concurrency = 64
    @Option(help: "The scripts folder (its lib/gates.lua and queues/fan_medal.lua are measured).") var scripts = "Scripts"
    @Option(help: "SQLite synchronous mode of the end-to-end run: full, normal or off.") var synchronous = "full"

    /// The shipped gate's check with its library function inlined, for the raw peer.
    static let rawGate = """
        return function(ctx, viewer, params)
          local medal = ctx.fan_medal(viewer.id, ctx.streamer_id)
          if medal == nil or medal.level < params.level then
            return false, "fan medal level " .. params.level .. " required"
          end
          return true
        end
        """

    /// Reads that answer a constant medal without a store: the runtime's own cost.
    struct ConstantReads: ScriptReads {
        func balance(user: String, asset: String) throws -> Int64 { 0 }
        func follows(viewer: String, streamer: String) throws -> Bool { false }
        func fanMedal(viewer: String, streamer: String, now: Int64) throws -> LuaValue {
            .table(LuaTable(fields: ["level": .integer(5), "points": .integer(300), "today": .integer(10)]))
        }
        func guardHeld(viewer: String, streamer: String, now: Int64) throws -> LuaValue { .nil }
        func vip(user: String, line: String, now: Int64) throws -> LuaValue { .nil }
        func privileges(user: String, now: Int64) throws -> LuaValue { .table(LuaTable()) }
    }

    func run() async throws {
        var logger = Logger(label: "bench.queues")
        logger.logLevel = .warning
        guard let raw = RawGateBaseline(chunk: Self.rawGate) else { throw ValidationError("the raw gate does not compile") }
        let files = try ["lib/gates.lua", "queues/fan_medal.lua"].map { path in
            ScriptFile(path: path, text: try String(contentsOfFile: scripts + "/" + path, encoding: .utf8))
        }
        var limits = ScriptLimits()
        limits.vmCount = 1
        let generation = try ScriptGeneration.compile(files, api: .standard, limits: limits).get()
        let address = ScriptAddress(.queueGate, "fan-medal")
        let viewer = LuaValue.table(LuaTable(fields: ["id": .string("viewer-1")]))
        let params = LuaValue.table(LuaTable(fields: ["level": .integer(3)]))

        // The engine over a temporary store: one medal row per viewer, for the store-backed gate.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bench-queues-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var options = EngineOptions(databasePath: dir.appendingPathComponent("bench.sqlite").path, scriptsPath: scripts)
        guard let sync = StoreConfiguration.Synchronous(rawValue: synchronous.uppercased()) else {
            throw ValidationError("--synchronous is full, normal or off")
        }
        options.synchronous = sync
        let engine = try EngineParts.open(options, logger: logger)
        try await engine.loadScripts()
        let viewers = applies
        try await engine.store.write { db in
            for i in 0..<viewers {
                try db.execute(
                    sql: "INSERT INTO fan_medals (viewer_id, streamer_id, points, level, day, day_points, first_at, updated_at) VALUES (?, ?, 600, 4, '', 0, 0, 0)",
                    arguments: ["viewer-\(i)", "streamer-1"])
            }
        }
        let gates = engine.queueGates
        let checked = try gates.validate(template: "fan-medal", params: ["level": .integer(3)])

        var best = (raw: Double.infinity, runtime: Double.infinity, stored: Double.infinity)
        for _ in 0..<rounds {
            best.raw = min(best.raw, seconds { precondition(raw.run(count: checks, level: 3) == checks) })
            best.runtime = min(best.runtime, try await seconds {
                var i = 0
                while i < checks {
                    let n = min(batch, checks - i)
                    try await generation.withVM { vm in
                        for _ in 0..<n {
                            let ctx = CallContext(script: address, nowMillis: 0, seed: 0, reads: ConstantReads())
                            ctx.fields = ["streamer_id": .string("streamer-1")]
                            let out = try vm.call(address, "check", args: [viewer, params], context: ctx, results: 2)
                            precondition(out.first == .boolean(true))
                        }
                    }
                    i += n
                }
            })
            best.stored = min(best.stored, try await seconds {
                var i = 0
                while i < checks {
                    let n = min(batch, checks - i)
                    let start = i
                    try await engine.store.read { db in
                        for j in start..<(start + n) {
                            let who = LuaValue.table(LuaTable(fields: ["id": .string("viewer-\(j % viewers)")]))
                            let verdict = gates.check(db, template: "fan-medal", params: checked, viewer: who, streamer: "streamer-1", now: 0)
                            precondition(verdict == .admitted)
                        }
                    }
                    i += n
                }
            })
        }
        let rate = (raw: Double(checks) / best.raw, runtime: Double(checks) / best.runtime, stored: Double(checks) / best.stored)
        print("Gate checks, the shipped fan-medal gate (\(checks) a round, best of \(rounds)):")
        print("| path | checks/s | ratio to raw |")
        print("|---|---:|---:|")
        print("| raw lua_pcall, C fan_medal (a constant) | \(grouped(rate.raw)) | 1.00 |")
        print("| runtime, constant reads, \(batch) per VM checkout | \(grouped(rate.runtime)) | \(String(format: "%.2f", rate.runtime / rate.raw)) |")
        print("| runtime, the medal read from SQLite (QueueGates.check) | \(grouped(rate.stored)) | \(String(format: "%.2f", rate.stored / rate.raw)) |")

        // Applies: rooms of 500 places, the fan-medal gate at level 3, every viewer passes.
        let roomsNeeded = (applies + 499) / 500
        var rooms: [Room] = []
        for r in 0..<roomsNeeded {
            let room = try await engine.rooms.create(NewRoom(id: "bench-\(r)", streamerID: "streamer-1", title: "Bench", category: "games"))
            let owner = Principal(userID: "streamer-1", role: .streamer, expiresAt: .distantFuture)
            _ = try await engine.queues.configure(room, by: owner, QueueSettings(
                open: true, game: "chess", waitingCapacity: 500, gameCapacity: 50,
                gate: GateChoice(template: "fan-medal", params: ["level": GateParamValue(.integer(3))])))
            rooms.append(room)
        }
        let commits = engine.store.stats.commits
        let cpu = processCPUSeconds()
        let total = applies
        let workers = concurrency
        let roomList = rooms
        let elapsed = try await seconds {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for w in 0..<workers {
                    group.addTask {
                        var i = w
                        while i < total {
                            _ = try await engine.queues.apply(roomList[i / 500], viewer: "viewer-\(i)")
                            i += workers
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        let cpuMicros = (processCPUSeconds() - cpu) / Double(total) * 1e6
        let differences = try await engine.store.read { db in try QueueVerifier.differences(db) }
        guard differences.isEmpty else { throw ValidationError("queues disagree with their facts: \(differences.prefix(3))") }
        print("")
        print("Applies through the engine (gate, facts, membership, journal, queue frame; synchronous=\(synchronous), \(workers) concurrent):")
        print("| applies | seconds | applies/s | CPU µs an apply | commits |")
        print("|---:|---:|---:|---:|---:|")
        print("| \(total) | \(String(format: "%.2f", elapsed)) | \(grouped(Double(total) / elapsed)) | \(String(format: "%.0f", cpuMicros)) | \(engine.store.stats.commits - commits) |")
    }
}
