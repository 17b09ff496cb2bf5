import ArgumentParser
import Books
import Engine
import Foundation
import Logging
import Rooms
import Showrunner
import Storage
import Synchronization

/// The money benchmark without HTTP: durable gift sends called in-process on the engine (the
/// same store, `synchronous=FULL`, the bundled scripts' `validate` steps, the same group commit
/// and overlays), against the same Redis peer as `gifts` in the same run. Journal consumers do
/// not run: this measures the send path, as Redis's EVALSHA is.
struct GiftEngineBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gifts-engine", abstract: "Durable in-process gift sends/s vs a Redis EVALSHA peer.")

    @Option(help: "Concurrent senders.") var senders = 64
    @Option(help: "Seconds per measurement.") var seconds = 10.0
    @Option(help: "Seconds of uniform sends to the engine, and to the plain Redis peer, before the measurements, not measured (0: none; at most 600). A store starts with an empty WAL file that grows in its first seconds (an fdatasync of a growing file also writes its size) and with cold caches, where a server runs for days; measured here, it changed the rate little.")
    var warmup = 5.0
    /// The longest `--warmup`, in seconds.
    static let warmupMax = 600.0
    @Option(help: "Scripts folder the engine loads.") var scripts = "Scripts"
    @Option(help: "Durability: pipelined (the default, as `showrunner serve`'s: answered after the WAL's fsync, as with full, while the next batch runs) or full (each COMMIT fsyncs before the next batch).")
    var synchronous = "pipelined"
    @Flag(help: "Measure the engine alone, uniform pattern only, without the Redis peer (for profiling).") var engineOnly = false
    @Option(help: "Gift keys the writer holds before it indexes them (1...65536).")
    var giftKeysFlushAt = StoreConfiguration.giftKeysFlushAtDefault
    @Flag(help: "Pin the store's writer and its WAL sync each to a core of its own while they work (`StoreConfiguration.pinsCores`).")
    var pinCores = false
    @Flag(help: "Idempotency keys as random UUIDs (as many clients make them), not numbered in order for each sender.")
    var randomKeys = false
    @Flag(help: "Also run a Redis peer that keeps an idempotency key per send, as the engine does (reported beside the plain peer; the goal is against the plain one).")
    var keyedPeer = false
    @Option(help: "Slices each pattern's measurement is cut into, taken in turns: an engine slice, then the Redis peer's (and the keyed peer's), `--seconds` ÷ slices each, so both see the machine's speed of the same minutes (1...100; 1: each side's whole measurement in one piece).")
    var slices = 1
    @Option(help: "How the senders wait for their answers: loops (the default) or tasks. loops: as the server's event loops do, a sender hands its gift over with `GiftSender.submit`, and its answer is handed to one of as many serial loops as there are cores, where all answers posted before the loop wakes run in one turn and each sends its next gift; tasks: each sender is a Swift task awaiting `GiftSender.send`, woken on the concurrency pool for each answer.")
    var callers = Callers.loops
    /// How the in-process senders wait for their answers (`--callers`).
    enum Callers: String, ExpressibleByArgument, CaseIterable {
        case loops, tasks
    }
    /// The most `--slices`.
    static let slicesMax = 100

    /// The most `--senders`.
    static let sendersMax = 1_024
    /// The shortest measurement a slice may be, in seconds.
    static let sliceSecondsMin = 0.5

    /// `--synchronous`, read: `validate` refuses anything else.
    var durability: StoreConfiguration.Synchronous {
        StoreConfiguration.Synchronous(rawValue: synchronous.uppercased()) ?? .full
    }

    /// Refuses options out of range while the command line is parsed, before anything starts.
    func validate() throws {
        guard let sync = StoreConfiguration.Synchronous(rawValue: synchronous.uppercased()), [.full, .pipelined].contains(sync) else {
            throw ValidationError("--synchronous is full or pipelined: both answer only durable sends")
        }
        guard (1...Self.sendersMax).contains(senders) else { throw ValidationError("--senders is 1...\(Self.sendersMax)") }
        guard (0...Self.warmupMax).contains(warmup) else { throw ValidationError("--warmup is 0...\(Int(Self.warmupMax)) seconds") }
        guard (1...Self.slicesMax).contains(slices), seconds / Double(slices) >= Self.sliceSecondsMin else {
            throw ValidationError("--slices is 1...\(Self.slicesMax), each at least \(Self.sliceSecondsMin) s of --seconds")
        }
        guard (1...StoreConfiguration.giftKeysFlushAtMax).contains(giftKeysFlushAt) else {
            throw ValidationError("--gift-keys-flush-at is 1...\(StoreConfiguration.giftKeysFlushAtMax)")
        }
    }

    func run() async throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("bench-gifts-engine-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        var options = EngineOptions(databasePath: work.appendingPathComponent("bench.sqlite").path, scriptsPath: scripts)
        options.synchronous = durability
        options.giftKeysFlushAt = giftKeysFlushAt
        options.pinsCores = pinCores
        let engine = try EngineParts.open(options, logger: logger)
        try await engine.loadScripts()
        try await seed(engine)
        if warmup > 0 { _ = try await sends(engine, hot: false, duration: warmup, keyPrefix: "w") }
        if engineOnly {
            let before = engine.store.stats
            let walBefore = Store.walWrites()
            let s = try await sends(engine, hot: false)
            let after = engine.store.stats
            let walAfter = Store.walWrites()
            let ops = Double(max(1, after.ops - before.ops))
            let writerMicros = Double(after.opsNanos - before.opsNanos) / 1e3 / ops
            let commitMicros = Double(after.commitNanos - before.commitNanos) / 1e3 / ops
            let syncs = after.walSyncs - before.walSyncs
            let syncMicros = Double(after.walSyncNanos - before.walSyncNanos) / 1e3 / Double(max(1, syncs))
            let syncBusy = Double(after.walSyncNanos - before.walSyncNanos) / 1e9 / seconds
            print("engine alone (callers: \(callers.rawValue)), uniform: \(grouped(s.rate)) gifts/s, p99 \(String(format: "%.2f", s.p99)) ms, errors \(s.errors), writer \(String(format: "%.1f", writerMicros)) µs per send + COMMIT \(String(format: "%.1f", commitMicros)) µs per send, \(String(format: "%.1f", ops / Double(max(1, after.commits - before.commits)))) per commit, \(String(format: "%.2f", Double(syncs) / Double(max(1, after.commits - before.commits)))) WAL syncs per commit at \(Int(syncMicros)) µs (sync queue \(Int(syncBusy * 100))% busy)")
            print("a send's \(waits(before, after, rate: s.rate))")
            let commits = Double(max(1, after.commits - before.commits))
            print("WAL writes a commit: \(String(format: "%.1f", Double(walAfter.asked - walBefore.asked) / commits)) asked by SQLite, \(String(format: "%.1f", Double(walAfter.written - walBefore.written) / commits)) made")
            return
        }
        let redis = try RedisPeer.start(in: work, port: 16_381)
        defer { redis.stop() }
        if warmup > 0 { _ = try Load.run(workers: senders, seconds: warmup) { w in try redis.sender(worker: w, hot: false) } }
        print("date: \(ISO8601DateFormatter().string(from: Date())), cores: \(ProcessInfo.processInfo.activeProcessorCount), senders: \(senders), callers: \(callers.rawValue), seconds: \(seconds), synchronous: \(synchronous), cores pinned: \(pinCores), warm-up: \(warmup) s, slices: \(slices)")
        print("| peer | pattern | gifts/s | p50 ms | p99 ms | errors | CPU µs/gift | ops/commit |")
        print("|---|---|---:|---:|---:|---:|---:|---:|")
        var ratios: [String] = []
        var writer: [String] = []
        var slicesSaid: [String] = []
        for hot in [false, true] {
            let pattern = hot ? "one hot streamer" : "uniform (16 streamers)"
            let slice = seconds / Double(slices)
            var (engineRuns, redisRuns, keyedRuns) = ([LoadResult](), [LoadResult](), [LoadResult]())
            var (engineCPU, redisCPU, keyedCPU) = (0.0, 0.0, 0.0)
            let before = engine.store.stats
            for n in 0..<slices {
                // Keys of one slice are never another's: `u`/`h`, with the slice's number when cut.
                let prefix = (hot ? "h" : "u") + (slices > 1 ? "\(n)" : "")
                let cpu = processCPUSeconds()
                engineRuns.append(try await sends(engine, hot: hot, duration: slice, keyPrefix: prefix))
                engineCPU += processCPUSeconds() - cpu
                let rCPU = processCPUSeconds(pid: redis.process.processIdentifier)
                redisRuns.append(try Load.run(workers: senders, seconds: slice) { w in try redis.sender(worker: w, hot: hot) })
                redisCPU += processCPUSeconds(pid: redis.process.processIdentifier) - rCPU
                if keyedPeer {
                    let kCPU = processCPUSeconds(pid: redis.process.processIdentifier)
                    keyedRuns.append(try Load.run(workers: senders, seconds: slice) { w in try redis.sender(worker: w, hot: hot, keyed: true, keyPrefix: prefix) })
                    keyedCPU += processCPUSeconds(pid: redis.process.processIdentifier) - kCPU
                }
            }
            let after = engine.store.stats
            let (s, r) = (LoadResult.merged(engineRuns), LoadResult.merged(redisRuns))
            let sMicros = engineCPU * 1e6 / Double(max(1, s.ok))
            let rMicros = redisCPU * 1e6 / Double(max(1, r.ok))
            let perCommit = Double(after.ops - before.ops) / Double(max(1, after.commits - before.commits))
            let writerMicros = Double(after.opsNanos - before.opsNanos) / 1e3 / Double(max(1, after.ops - before.ops))
            let commitMillis = Double(after.commitNanos - before.commitNanos) / 1e6 / Double(max(1, after.commits - before.commits))
            writer.append("\(hot ? "hot" : "uniform"): writer \(String(format: "%.1f", writerMicros)) µs per send in the transaction, COMMIT \(String(format: "%.2f", commitMillis)) ms; a send's \(waits(before, after, rate: s.rate))")
            print("| showrunner engine (in-process, SQLite \(synchronous.uppercased())) | \(pattern) | \(grouped(s.rate)) | \(String(format: "%.2f", s.p50)) | \(String(format: "%.2f", s.p99)) | \(s.errors) | \(Int(sMicros)) | \(String(format: "%.1f", perCommit)) |")
            print("| redis EVALSHA (AOF always) | \(pattern) | \(grouped(r.rate)) | \(String(format: "%.2f", r.p50)) | \(String(format: "%.2f", r.p99)) | \(r.errors) | \(Int(rMicros)) | |")
            ratios.append("\(pattern): engine/redis gifts/s = \(String(format: "%.2f", s.rate / r.rate))x, p99 = \(String(format: "%.2f", s.p99 / r.p99))x redis's")
            if slices > 1 {
                let each = zip(engineRuns, redisRuns).map { $0.rate / max(1, $1.rate) }
                slicesSaid.append("\(pattern): engine/redis by slice (\(String(format: "%.1f", slice)) s each) \(each.map { String(format: "%.2f", $0) }.joined(separator: " ")), min \(String(format: "%.2f", each.min() ?? 0))x, max \(String(format: "%.2f", each.max() ?? 0))x")
            }
            if keyedPeer {
                let k = LoadResult.merged(keyedRuns)
                let kMicros = keyedCPU * 1e6 / Double(max(1, k.ok))
                print("| redis EVALSHA + idempotency keys (AOF always) | \(pattern) | \(grouped(k.rate)) | \(String(format: "%.2f", k.p50)) | \(String(format: "%.2f", k.p99)) | \(k.errors) | \(Int(kMicros)) | |")
                ratios.append("\(pattern): engine/keyed redis gifts/s = \(String(format: "%.2f", s.rate / k.rate))x, p99 = \(String(format: "%.2f", s.p99 / k.p99))x keyed redis's")
            }
        }
        let report = try await engine.store.read { db in try Reconciliation().check(db) }
        print("")
        ratios.forEach { print($0) }
        slicesSaid.forEach { print($0) }
        writer.forEach { print($0) }
        print("reconcile after the run: \(report.isClean ? "clean" : "\(report.violations.count) violations")")
        try engine.store.close()
    }

    /// Where a send's time went between two snapshots of the store's counters: its mean wait
    /// (each sender has one send in flight, so `senders` ÷ the rate, by Little's law) in the
    /// group commit's parts (`StoreStats.queueWaitNanos` and the others), and the rest: the
    /// sender's own, from its answer to its next send's queueing (waking up, the next plan).
    private func waits(_ before: StoreStats, _ after: StoreStats, rate: Double) -> String {
        let ops = Double(max(1, after.waitedOps - before.waitedOps))
        let queue = Double(after.queueWaitNanos - before.queueWaitNanos) / 1e3 / ops
        let batch = Double(after.batchWaitNanos - before.batchWaitNanos) / 1e3 / ops
        let durable = Double(after.durableWaitNanos - before.durableWaitNanos) / 1e3 / ops
        let cycle = Double(senders) / max(1, rate) * 1e6
        func f(_ x: Double) -> String { String(format: "%.0f", x) }
        return "mean wait \(f(cycle)) µs: queued \(f(queue)), its batch \(f(batch)), the WAL sync after it \(f(durable)), the sender's own \(f(cycle - queue - batch - durable))"
    }

    private func seed(_ engine: EngineParts) async throws {
        for r in 0..<16 {
            _ = try await engine.rooms.create(NewRoom(id: "r\(r)", streamerID: "s\(r)", title: "Bench", category: "chat"))
        }
        _ = try await engine.gifts.put(id: "rose", GiftEdit(name: "Rose", priceCoins: 10))
        for w in 0..<senders {
            _ = try await engine.ledger.transfer([TransferRequest(id: "bench-\(w)", debit: .system(.promotions, "coins"),
                credit: .user("v\(w)", "coins"), asset: "coins", amount: 1_000_000_000, code: "grant")])
        }
    }

    /// `senders` senders sending for `duration` seconds (`seconds` by default); each idempotency
    /// key starts with `keyPrefix` (by default `h` for the hot pattern, `u` for uniform), so the
    /// warm-up's keys (`w`) are never the measurement's.
    private func sends(_ engine: EngineParts, hot: Bool, duration: Double? = nil, keyPrefix: String? = nil) async throws -> LoadResult {
        let deadline = ContinuousClock.now + .milliseconds(Int64((duration ?? seconds) * 1000))
        let prefix = keyPrefix ?? (hot ? "h" : "u")
        let start = ContinuousClock.now
        let sender = engine.giftSender
        if callers == .loops {
            return await LoopSenders(sender: sender, senders: senders, hot: hot, randomKeys: randomKeys, prefix: prefix).run(until: deadline)
        }
        let results = await withTaskGroup(of: (latencies: [Double], errors: Int).self) { group in
            for w in 0..<senders {
                group.addTask {
                    var latencies: [Double] = []
                    var errors = 0
                    var i = 0
                    while ContinuousClock.now < deadline {
                        i += 1
                        let room = hot ? "r0" : "r\(i % 16)"
                        let t0 = ContinuousClock.now
                        do {
                            _ = try await sender.send(GiftSendRequest(
                                roomID: room, senderID: "v\(w)", giftID: "rose", count: 1,
                                idempotencyKey: randomKeys ? UUID().uuidString : "\(prefix)-\(w)-\(i)"))
                        } catch {
                            errors += 1
                        }
                        let d = (ContinuousClock.now - t0).components
                        latencies.append(Double(d.seconds) * 1e3 + Double(d.attoseconds) / 1e15)
                    }
                    return (latencies, errors)
                }
            }
            var all: (latencies: [Double], errors: Int) = ([], 0)
            for await r in group { all = (all.latencies + r.latencies, all.errors + r.errors) }
            return all
        }
        let elapsed = (ContinuousClock.now - start).components
        let secondsTaken = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
        return LoadResult(ok: results.latencies.count - results.errors, errors: results.errors, latencies: results.latencies, seconds: secondsTaken)
    }
}

/// In-process senders as the server's event loops run them (`--callers loops`): each sender
/// hands its gift to the engine with `GiftSender.submit`, and its answer, told on the store's
/// thread that answers a batch once it is durable, is handed to the sender's loop (one of as many serial queues as there are
/// cores, a sender to each in turn). A loop woken by one answer runs every answer posted before it
/// got there in the same turn, as `LoopMailbox` does for the server's receipts, and each sender
/// sends its next gift from there; none has a task of its own to wake.
struct LoopSenders: Sendable {
    let sender: GiftSender
    let senders: Int
    let hot: Bool
    let randomKeys: Bool
    let prefix: String

    /// What the senders have seen, and how many have stopped.
    private final class Tally: Sendable {
        struct Counts {
            var latencies: [Double] = []
            var errors = 0
            var stopped = 0
        }
        let counts = Mutex(Counts())
    }

    /// Sends until `deadline`; a sender whose answer comes after it stops.
    func run(until deadline: ContinuousClock.Instant) async -> LoadResult {
        let start = ContinuousClock.now
        guard senders > 0 else { return LoadResult(ok: 0, errors: 0, latencies: [], seconds: 0) }
        let loops = (0..<max(1, ProcessInfo.processInfo.activeProcessorCount)).map { DispatchQueue(label: "bench.sender-loop-\($0)") }
        let tally = Tally()
        await withCheckedContinuation { (finished: CheckedContinuation<Void, Never>) in
            for w in 0..<senders {
                loops[w % loops.count].async { send(w, 1, on: loops[w % loops.count], tally, deadline, finished) }
            }
        }
        let counts = tally.counts.withLock { $0 }
        let elapsed = (ContinuousClock.now - start).components
        return LoadResult(ok: counts.latencies.count - counts.errors, errors: counts.errors, latencies: counts.latencies,
            seconds: Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18)
    }

    /// Sender `w`'s gift `i`, on its loop; its answer sends the next, on the same loop.
    private func send(
        _ w: Int, _ i: Int, on loop: DispatchQueue, _ tally: Tally, _ deadline: ContinuousClock.Instant,
        _ finished: CheckedContinuation<Void, Never>
    ) {
        guard ContinuousClock.now < deadline else {
            if tally.counts.withLock({ $0.stopped += 1; return $0.stopped == senders }) { finished.resume() }
            return
        }
        let t0 = ContinuousClock.now
        let request = GiftSendRequest(
            roomID: hot ? "r0" : "r\(i % 16)", senderID: "v\(w)", giftID: "rose", count: 1,
            idempotencyKey: randomKeys ? UUID().uuidString : "\(prefix)-\(w)-\(i)")
        sender.submit(request) { outcome in
            loop.async {
                let d = (ContinuousClock.now - t0).components
                let millis = Double(d.seconds) * 1e3 + Double(d.attoseconds) / 1e15
                tally.counts.withLock { c in
                    c.latencies.append(millis)
                    if case .failure = outcome { c.errors += 1 }
                }
                send(w, i + 1, on: loop, tally, deadline, finished)
            }
        }
    }
}
