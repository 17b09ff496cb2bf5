import ArgumentParser
import Engine
import Foundation
import Logging
import Scripting
import Synchronization

/// Benchmark 2 of the foundation: reloading a generation of many files while calls run.
struct ReloadBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "reload", abstract: "Swap time and failed calls during reloads.")

    @Option(help: "Script files in the generation.") var files = 200
    @Option(help: "Reloads to perform.") var reloads = 10
    @Option(help: "Concurrent callers keeping a constant load.") var callers = 4

    func run() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("bench-\(UUID().uuidString)/Scripts")
        defer { try? FileManager.default.removeItem(at: root.deletingLastPathComponent()) }
        try FileManager.default.createDirectory(at: root.appendingPathComponent("activities"), withIntermediateDirectories: true)
        func write(version: Int) throws {
            for n in 0..<files {
                let text = """
                    local bonus = \(version)
                    return activity { id = "a\(n)", title = "Activity \(n)",
                      leaderboards = { fans = { order = "desc", reset = "daily" } },
                      on = { gift = function(ctx, gift) ctx.grant(gift.sender_id, "coins", gift.count + bonus, "a\(n)") end } }
                    """
                try text.write(to: root.appendingPathComponent("activities/a\(n).lua"), atomically: true, encoding: .utf8)
            }
        }
        try write(version: 0)
        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        let runtime = ScriptRuntime(directory: root.path, logger: logger)
        guard await runtime.reload(trigger: "start").ok else { throw ValidationError("generation rejected") }
        let stop = StopFlag()
        var swaps: [Double] = []
        let fileCount = files
        try await withThrowingTaskGroup(of: Void.self) { group in
            for c in 0..<callers {
                group.addTask {
                    var i = 0
                    while !stop.flag.load(ordering: .relaxed) {
                        let address = ScriptAddress(.activity, "a\((i * 7 + c) % fileCount)")
                        do {
                            _ = try await runtime.call(address, "on.gift", args: [["sender_id": "v", "count": 1]],
                                context: CallContext(script: address, nowMillis: 0, seed: 1))
                            stop.counts.withLock { $0.ok += 1 }
                        } catch { stop.counts.withLock { $0.failed += 1 } }
                        i += 1
                    }
                }
            }
            for v in 1...reloads {
                try write(version: v)
                let report = await runtime.reload(trigger: "bench")
                guard report.ok else { throw ValidationError("reload rejected: \(report.problems)") }
                swaps.append(Double(report.durationMillis))
            }
            stop.flag.store(true, ordering: .relaxed)
            try await group.waitForAll()
        }
        let c = stop.counts.withLock { $0 }
        swaps.sort()
        print("| files | reloads | median compile+swap ms | max ms | calls during reloads | failed calls |")
        print("|---:|---:|---:|---:|---:|---:|")
        print("| \(files) | \(reloads) | \(Int(swaps[swaps.count / 2])) | \(Int(swaps.last ?? 0)) | \(c.ok + c.failed) | \(c.failed) |")
    }
}

/// A flag the load tasks share.
final class StopFlag: Sendable {
    let flag = Atomic<Bool>(false)
    let counts = Mutex((ok: 0, failed: 0))
}
