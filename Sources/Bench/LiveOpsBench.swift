import ArgumentParser
import Books
import Engine
import Foundation
import GRDB
import LiveOps
import Logging
import Scripting
import Storage

/// Issue 5, benchmark 2: gift events per second through the activity and task consumers (Lua
/// handlers, leaderboard updates, chest and task progress, durable commit of every batch), on
/// the shipped scripts. The journal is filled first; the clock runs while the consumers drain it.
/// Peer in the same run: the same drain with consumers that only decode each gift (the
/// journal-read and commit ceiling), so the ratio shows what the scripts and their effects cost.
struct LiveOpsBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "liveops", abstract: "Gift events/s through activity and task consumers on the shipped scripts.")

    @Option(help: "Gift facts to drain.") var events = 100_000
    @Option(help: "Distinct senders.") var senders = 10_000
    @Option(help: "Distinct streamers.") var streamers = 200
    @Option(help: "Scripts folder.") var scripts = "Scripts"
    @Option(help: "Journal entries per consumer batch (one transaction each).") var batch = 1024
    @Option(help: "synchronous: full, pipelined, normal or off.") var synchronous = "full"
    @Option(help: "Checkpoint interval, ms: how long one transaction goes on reading pages while behind (0: one page each), 0...1000.")
    var checkpointMs = 100
    @Option(help: "Catch-up checkpoint interval, ms: the same for a consumer whose last batch ended behind (off the writer), checkpoint-ms...1000, as `serve` by default.")
    var catchUpCheckpointMs = Int(ConsumerRunner.catchUpCheckpointMillisDefault)
    @Option(help: "Time of the gifts, inside the shipped activities' windows.") var at = "2027-01-21T12:00:00+08:00"

    /// Parses the gift (as handlers get it) and does nothing else: the ceiling of reading and
    /// committing.
    struct DecodeOnly: JournalConsumer {
        let name: String
        let types: Set<String>? = ["gift"]
        func apply(_ entry: JournalEntry, in tx: any StoreTransaction) throws {
            _ = try LuaValue(json: entry.payload)
        }
    }

    func run() async throws {
        guard let sync = StoreConfiguration.Synchronous(rawValue: synchronous.uppercased()) else {
            throw ValidationError("--synchronous is full, pipelined, normal or off")
        }
        guard let time = Timestamps.millis(at) else { throw ValidationError("--at: not an ISO 8601 time") }
        guard (0...1000).contains(checkpointMs) else { throw ValidationError("--checkpoint-ms: 0...1000") }
        guard (checkpointMs...1000).contains(catchUpCheckpointMs) else { throw ValidationError("--catch-up-checkpoint-ms: checkpoint-ms...1000") }
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let baseline = try await measure(sync: sync, time: time, logger: logger, scripted: false)
        let scripted = try await measure(sync: sync, time: time, logger: logger, scripted: true)
        print("| consumers (\(events) gifts, \(senders) senders, \(streamers) streamers, batch \(batch), checkpoint \(checkpointMs) ms, catching up \(catchUpCheckpointMs) ms, synchronous=\(synchronous)) | events/s | CPU µs per event | commits |")
        print("|---|---:|---:|---:|")
        print("| decode only (ceiling) | \(Int(baseline.rate)) | \(String(format: "%.1f", baseline.cpuMicros)) | \(baseline.commits) |")
        print("| activities + tasks on \(scripts) | \(Int(scripted.rate)) | \(String(format: "%.1f", scripted.cpuMicros)) | \(scripted.commits) |")
        print("")
        print("scripted / ceiling: \(String(format: "%.2f", scripted.rate / baseline.rate)); goal 50,000 events/s: \(scripted.rate >= 50_000 ? "met" : "not met")")
        print("effects: \(scripted.summary)")
    }

    private func measure(
        sync: StoreConfiguration.Synchronous, time: Int64, logger: Logger, scripted: Bool
    ) async throws -> (rate: Double, cpuMicros: Double, commits: Int, summary: String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bench-liveops-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try Store(StoreConfiguration(path: dir.appendingPathComponent("bench.sqlite").path, synchronous: sync), logger: logger)
        let runtime = ScriptRuntime(directory: scripts, api: .standard, limits: ScriptLimits(), logger: logger)
        let report = await runtime.reload(trigger: "bench")
        guard report.ok else { throw ValidationError("scripts do not load: \(report.problems)") }
        let ledger = Ledger(store: store)
        let handlerEvents = HandlerEvents()
        let activities = Activities(store: store, scripts: runtime, ledger: ledger, events: handlerEvents, logger: logger)
        let tasks = Tasks(store: store, scripts: runtime, ledger: ledger, events: handlerEvents, logger: logger)
        try await fill(store, time: time)
        let consumers: [any JournalConsumer] = scripted
            ? [ActivityConsumer(activities: activities), TaskConsumer(tasks: tasks)]
            : [DecodeOnly(name: "a"), DecodeOnly(name: "b")]
        let runner = ConsumerRunner(
            store: store, consumers: consumers, batchSize: batch, checkpointInterval: .milliseconds(checkpointMs),
            catchUpCheckpointInterval: .milliseconds(catchUpCheckpointMs), logger: logger)
        let commitsBefore = store.stats.commits
        let start = ContinuousClock.now
        let cpuStart = processCPUSeconds()
        _ = try await runner.drain()
        let cpu = processCPUSeconds() - cpuStart
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let lag = try await runner.lag()
        guard lag.values.allSatisfy({ $0 == 0 }) else { throw ValidationError("consumers did not catch up: \(lag)") }
        let parked = try await runner.parked(limit: 5)
        guard parked.isEmpty else { throw ValidationError("entries parked: \(parked.map(\.error))") }
        let summary = try await store.read { db in
            let scores = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM leaderboard_scores") ?? 0
            let progress = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM task_progress") ?? 0
            let facts = try Int.fetchOne(db, sql: "SELECT COALESCE(SUM(COALESCE(facts, 1)), 0) FROM journal WHERE type != 'gift'") ?? 0
            let factRows = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM journal WHERE type != 'gift'") ?? 0
            let transfers = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM ledger_transfers") ?? 0
            return "\(scores) board rows, \(progress) task progress rows, \(facts) derived facts in \(factRows) journal rows, \(transfers) reward transfers"
        }
        let commits = store.stats.commits - commitsBefore
        try store.close()
        return (Double(events) / seconds, cpu / Double(events) * 1e6, commits, summary)
    }

    /// Appends the gift facts, 5,000 per transaction.
    private func fill(_ store: Store, time: Int64) async throws {
        var random = SeededRandom(seed: 42)
        var i = 0
        while i < events {
            let n = min(5_000, events - i)
            var payloads: [String] = []
            payloads.reserveCapacity(n)
            for j in 0..<n {
                let sender = "u\(random.next(upTo: Int64(senders)))"
                let streamer = "s\(random.next(upTo: Int64(streamers)))"
                let count = random.next(upTo: 3) + 1
                let price = [1, 10, 52, 100][Int(random.next(upTo: 4))]
                payloads.append("""
                    {"send_id":"b\(i + j)","room_id":"room-\(streamer)","sender_id":"\(sender)","streamer_id":"\(streamer)",\
                    "gift_id":"rose","gift_version":1,"count":\(count),"price_coins":\(price),"total_coins":\(Int64(price) * count),\
                    "streamer_revenue":0,"guild_share":0,"platform_fee":0,"combo":1,"balance_coins":0,"transfer_ids":[],"ledger_time":0}
                    """)
            }
            let batch = payloads
            let base = time + Int64(i)
            try await store.write { db in
                for (k, p) in batch.enumerated() { _ = try Journal.append(db, type: "gift", payloadJSON: p, at: base + Int64(k)) }
            }
            i += n
        }
    }
}
