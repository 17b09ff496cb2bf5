import ArgumentParser
import Engine
import Foundation
import Logging
import Storage
import Synchronization

/// The money benchmark: durable gifts per second with 64 concurrent senders, over HTTP and as
/// gift frames on each sender's room WebSocket, against a Redis peer (`appendonly yes`,
/// `appendfsync always`) doing the same operation as one EVALSHA, driven by the same load
/// generator in the same run.
struct GiftBench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "gifts", abstract: "Durable gifts/s over HTTP and the room WebSocket vs a Redis EVALSHA peer.")

    @Option(help: "The showrunner executable (release build).") var server = ".build/release/showrunner"
    @Option(help: "Concurrent senders.") var senders = 64
    @Option(help: "Seconds per measurement.") var seconds = 10.0
    @Option(help: "Scripts folder the server loads.") var scripts = "Scripts"
    @Option(help: "The server's durability: pipelined (the default, as `showrunner serve`'s: answered after the WAL's fsync, as with full, while the next batch runs) or full (each COMMIT fsyncs before the next batch).")
    var synchronous = "pipelined"
    @Option(help: "The server's consumer checkpoint interval in ms (0...1000; the server's default when not given).")
    var consumerCheckpointMs: Int?
    @Option(help: "The server's --writer-priority-boost (0...19; the server's default when not given).")
    var writerPriorityBoost: Int?
    @Flag(help: "The server's --pin-cores.")
    var pinCores = false
    @Option(name: .customLong("server-arg"), parsing: .unconditionalSingleValue, help: "One more argument for `showrunner serve`, for a variant no other option names (repeat it: `--server-arg --event-loops --server-arg 1`).")
    var serverArguments: [String] = []
    @Option(help: "How showrunner's senders send: http (POST /v1/rooms/{room}/gifts), websocket (a gift frame on the sender's room socket), comma-separated.")
    var carriers = "http,websocket"
    @Option(help: "Gifts for the SQL floor of the statements a send ran before a gift became one journal row (benchmarks/money/gift_sql_floor.py; 0, the default, skips it).") var sqlFloor = 0
    @Option(help: "Slices each pattern's measurement is cut into, taken in turns: a slice of each carrier, then the Redis peer's, `--seconds` ÷ slices each, so both see the machine's speed of the same minutes (1...\(GiftEngineBench.slicesMax); 1: each side's whole measurement in one piece).")
    var slices = 1

    func validate() throws {
        guard (1...GiftEngineBench.slicesMax).contains(slices), seconds / Double(slices) >= GiftEngineBench.sliceSecondsMin else {
            throw ValidationError("--slices is 1...\(GiftEngineBench.slicesMax), each at least \(GiftEngineBench.sliceSecondsMin) s of --seconds")
        }
    }

    func run() throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("bench-gifts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let redis = try RedisPeer.start(in: work, port: 16_379)
        defer { redis.stop() }
        let showrunner = try ShowrunnerPeer.start(
            executable: server, scripts: scripts, in: work, port: 18_080, senders: senders, synchronous: synchronous,
            consumerCheckpointMs: consumerCheckpointMs, writerPriorityBoost: writerPriorityBoost, pinCores: pinCores,
            extraArguments: serverArguments)
        defer { showrunner.stop() }
        Child.say("date: \(ISO8601DateFormatter().string(from: Date())), cores: \(ProcessInfo.processInfo.activeProcessorCount), senders: \(senders), seconds: \(seconds), synchronous: \(synchronous), consumer checkpoint: \(consumerCheckpointMs.map { "\($0) ms" } ?? "default"), writer priority boost: \(writerPriorityBoost.map { "\($0)" } ?? "default"), cores pinned: \(pinCores), slices: \(slices)\(serverArguments.isEmpty ? "" : ", server arguments: \(serverArguments.joined(separator: " "))")")
        Child.say("| peer | pattern | gifts/s | p50 ms | p99 ms | errors | server CPU µs/gift | load generator CPU µs/gift | ops/commit | writer busy |")
        Child.say("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        var rows: [(String, String, LoadResult)] = []
        var batches: [Double] = []
        var waits: [String] = []
        var slicesSaid: [String] = []
        let names = try carriers.split(separator: ",").map { carrier -> String in
            guard carrier == "http" || carrier == "websocket" else { throw BenchError("unknown carrier \(carrier)") }
            return String(carrier)
        }
        let slice = seconds / Double(slices)
        let serverPID = showrunner.process.processIdentifier
        for hot in [false, true] {
            let pattern = hot ? "one hot streamer" : "uniform (16 streamers)"
            // Each carrier's slices, and what its slices cost together.
            struct Carrier {
                var results: [LoadResult] = []
                var serverCPU = 0.0, caughtCPU = 0.0, loadCPU = 0.0
                var behind: Int64 = 0, consumer = "", caughtSeconds = 0.0
                /// The store's counters moved by this carrier's slices alone.
                var store = ShowrunnerPeer.StoreCounters()
            }
            var measured = [Carrier](repeating: Carrier(), count: names.count)
            var redisResults: [LoadResult] = []
            var (redisCPU, redisLoadCPU) = (0.0, 0.0)
            // The server's CPU while the peer's slices ran: work it put off past its own slices
            // (which then slows the peer and is missing from the server's CPU a gift).
            var serverCPUInPeerSlices = 0.0
            for n in 0..<slices {
                // Keys of their own in each slice (the default ones when there is one).
                let prefix = slices > 1 ? (hot ? "h" : "u") + "\(n)" : nil
                for (i, carrier) in names.enumerated() {
                    let before = try showrunner.storeCounters()
                    let sCPU = processCPUSeconds(pid: serverPID)
                    let lCPU = processCPUSeconds()
                    let s = try Load.run(workers: senders, seconds: slice) { w in
                        carrier == "http"
                            ? try showrunner.sender(worker: w, hot: hot, keyPrefix: prefix) : try showrunner.socketSender(worker: w, hot: hot, keyPrefix: prefix)
                    }
                    let sDone = processCPUSeconds(pid: serverPID)
                    // The load generator shares the cores: its own CPU a gift, for either peer.
                    measured[i].loadCPU += processCPUSeconds() - lCPU
                    measured[i].store.add(try showrunner.storeCounters(), since: before)
                    // Whether the consumers kept up: how far behind they were as the senders
                    // stopped, how long they took to finish, and the server's CPU a gift with
                    // that work in (each slice's, before the next side's slice begins).
                    let caught = try showrunner.catchUp()
                    measured[i].serverCPU += sDone - sCPU
                    measured[i].caughtCPU += processCPUSeconds(pid: serverPID) - sCPU
                    if caught.behind >= measured[i].behind {
                        (measured[i].behind, measured[i].consumer) = (caught.behind, caught.consumer)
                    }
                    measured[i].caughtSeconds = max(measured[i].caughtSeconds, caught.seconds)
                    measured[i].results.append(s)
                }
                let rCPU = processCPUSeconds(pid: redis.process.processIdentifier)
                let lCPU = processCPUSeconds()
                let idle = processCPUSeconds(pid: serverPID)
                redisResults.append(try Load.run(workers: senders, seconds: slice) { w in try redis.sender(worker: w, hot: hot) })
                serverCPUInPeerSlices += processCPUSeconds(pid: serverPID) - idle
                redisCPU += processCPUSeconds(pid: redis.process.processIdentifier) - rCPU
                redisLoadCPU += processCPUSeconds() - lCPU
            }
            let r = LoadResult.merged(redisResults)
            slicesSaid.append("\(pattern): the server's CPU while Redis's \(slices == 1 ? "measurement" : "slices") ran: \(String(format: "%.3f", serverCPUInPeerSlices)) s (\(String(format: "%.0f", serverCPUInPeerSlices / seconds * 100))% of a core)")
            let gifts = { (result: LoadResult) in max(1, result.rate * seconds) }
            var runs: [(carrier: String, result: LoadResult, micros: Double, loadMicros: Double, batch: String, busy: String)] = []
            for (i, carrier) in names.enumerated() {
                let m = measured[i]
                let s = LoadResult.merged(m.results)
                let label = carrier == "http" ? "HTTP" : "WebSocket"
                let perCommit = m.store.ops / max(1, m.store.commits)
                batches.append(perCommit)
                // The share of the measurement's wall time the one writer spent in transactions.
                let busy = String(format: "%.0f%%", m.store.writerNanos / (seconds * 1e9) * 100)
                runs.append((label, s, m.serverCPU * 1e6 / gifts(s), m.loadCPU * 1e6 / gifts(s), String(format: "%.1f", perCommit), busy))
                waits.append("\(pattern), \(label): an operation's wait in the store (gifts and the consumers' batches alike): \(m.store.waits)")
                waits.append("\(pattern), \(label): as the senders stopped\(slices > 1 ? " (the worst of \(slices) slices)" : ""), the consumers were at most \(m.behind) entries behind (\(m.consumer), \(String(format: "%.0f", Double(m.behind) / max(1, s.rate) * 1000)) ms of gifts); all caught up \(String(format: "%.0f", m.caughtSeconds * 1000)) ms later; server CPU \(Int(m.caughtCPU * 1e6 / gifts(s))) µs a gift with that catch-up in")
                if slices > 1 {
                    let each = zip(m.results, redisResults).map { $0.rate / max($1.rate, 1e-9) }
                    slicesSaid.append("\(pattern), \(label): showrunner/redis by slice (\(String(format: "%.1f", slice)) s each) \(each.map { String(format: "%.2f", $0) }.joined(separator: " ")), min \(String(format: "%.2f", each.min() ?? 0))x, max \(String(format: "%.2f", each.max() ?? 0))x")
                }
            }
            let lines = runs.map { ("showrunner (\($0.carrier), SQLite \(synchronous.uppercased()))", $0.result, $0.micros, $0.loadMicros, $0.batch, $0.busy) }
                + [("redis EVALSHA (AOF always)", r, redisCPU * 1e6 / gifts(r), redisLoadCPU * 1e6 / gifts(r), "", "")]
            for (name, result, micros, loadMicros, batch, busy) in lines {
                Child.say("| \(name) | \(pattern) | \(grouped(result.rate)) | \(String(format: "%.2f", result.p50)) | \(String(format: "%.2f", result.p99)) | \(result.errors) | \(Int(micros)) | \(Int(loadMicros)) | \(batch) | \(busy) |")
            }
            for run in runs {
                let s = run.result
                rows.append(("\(pattern), \(run.carrier)", "ratio", LoadResult(rate: s.rate / r.rate, p50: s.p50 / r.p50, p99: s.p99 / r.p99, errors: 0)))
            }
        }
        // The HTTP floor in the same run: a request that touches neither auth nor the store.
        let hCPU = processCPUSeconds(pid: showrunner.process.processIdentifier)
        let h = try Load.run(workers: senders, seconds: seconds) { w in
            let s = try BlockingSocket(port: showrunner.port)
            return { try showrunner.post(s, "/healthz", token: "-", body: "", method: "GET") == 200 }
        }
        let hMicros = (processCPUSeconds(pid: showrunner.process.processIdentifier) - hCPU) * 1e6 / max(1, h.rate * seconds)
        Child.say("| showrunner GET /healthz (HTTP floor) | - | \(grouped(h.rate)) | \(String(format: "%.2f", h.p50)) | \(String(format: "%.2f", h.p99)) | \(h.errors) | \(Int(hMicros)) | | | |")
        // The socket floor in the same run: a ping answered on the event loop.
        if carriers.split(separator: ",").contains("websocket") {
            let pCPU = processCPUSeconds(pid: showrunner.process.processIdentifier)
            let p = try Load.run(workers: senders, seconds: seconds) { w in try showrunner.socketPinger(worker: w) }
            let pMicros = (processCPUSeconds(pid: showrunner.process.processIdentifier) - pCPU) * 1e6 / max(1, p.rate * seconds)
            Child.say("| showrunner WebSocket ping (socket floor) | - | \(grouped(p.rate)) | \(String(format: "%.2f", p.p50)) | \(String(format: "%.2f", p.p99)) | \(p.errors) | \(Int(pMicros)) | | | |")
        }
        if sqlFloor > 0 {
            let path = work.appendingPathComponent("floor.sqlite").path
            _ = try Store(StoreConfiguration(path: path), logger: Logger(label: "bench"))
            let python = Process()
            python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            python.arguments = ["python3", "benchmarks/money/gift_sql_floor.py", path, "--gifts", "\(sqlFloor)",
                                "--batch", "\(max(1, Int(batches.reduce(0, +) / Double(max(1, batches.count)))))", "--senders", "\(senders)"]
            try python.run()
            python.waitUntilExit()
        }
        Child.say("")
        for (pattern, _, ratio) in rows {
            Child.say("\(pattern): showrunner/redis gifts/s = \(String(format: "%.2f", ratio.rate))x, p99 = \(String(format: "%.2f", ratio.p99))x redis's")
        }
        slicesSaid.forEach { Child.say($0) }
        waits.forEach { Child.say($0) }
    }
}

struct LoadResult {
    let rate: Double
    let p50: Double
    let p99: Double
    let errors: Int
    /// What the rate and percentiles were computed from (empty for a ratio of two results),
    /// so runs can be merged.
    private(set) var ok = 0
    private(set) var seconds = 0.0
    private(set) var latencies: [Double] = []

    init(rate: Double, p50: Double, p99: Double, errors: Int) {
        (self.rate, self.p50, self.p99, self.errors) = (rate, p50, p99, errors)
    }

    /// A run's rate and percentiles from its request latencies (ms, in any order).
    init(ok: Int, errors: Int, latencies unsorted: [Double], seconds: Double) {
        let latencies = unsorted.sorted()
        func pct(_ p: Double) -> Double { latencies.isEmpty ? 0 : latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
        self.init(rate: Double(ok) / max(seconds, 1e-9), p50: pct(0.5), p99: pct(0.99), errors: errors)
        (self.ok, self.seconds, self.latencies) = (ok, seconds, latencies)
    }

    /// Several runs as one: their requests over their time together, percentiles over every
    /// latency (for slices of one measurement taken in turns with a peer's).
    static func merged(_ runs: [LoadResult]) -> LoadResult {
        guard runs.count > 1 else { return runs.first ?? LoadResult(rate: 0, p50: 0, p99: 0, errors: 0) }
        return LoadResult(ok: runs.reduce(0) { $0 + $1.ok }, errors: runs.reduce(0) { $0 + $1.errors },
            latencies: runs.flatMap(\.latencies), seconds: runs.reduce(0) { $0 + $1.seconds })
    }
}

/// One thread per worker; each makes a request function, then calls it until time runs out.
enum Load {
    static func run(workers: Int, seconds: Double, make: @escaping @Sendable (Int) throws -> () throws -> Bool) throws -> LoadResult {
        let totals = Mutex((latencies: [Double](), errors: 0, ok: 0))
        let group = DispatchGroup()
        let deadline = Date().addingTimeInterval(seconds)
        let start = Date()
        for w in 0..<workers {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                var mine: [Double] = []
                var failed = 0
                var done = 0
                if let call = try? make(w) {
                    while Date() < deadline {
                        let t0 = DispatchTime.now().uptimeNanoseconds
                        if (try? call()) == true { done += 1 } else { failed += 1 }
                        mine.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
                    }
                } else {
                    failed += 1
                }
                totals.withLock { t in
                    t.latencies += mine
                    t.errors += failed
                    t.ok += done
                }
            }
        }
        group.wait()
        let elapsed = Date().timeIntervalSince(start)
        let (unsorted, errors, ok) = totals.withLock { ($0.latencies, $0.errors, $0.ok) }
        return LoadResult(ok: ok, errors: errors, latencies: unsorted, seconds: elapsed)
    }
}
