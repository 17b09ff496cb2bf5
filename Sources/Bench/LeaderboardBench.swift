import ArgumentParser
import Engine
import Foundation
import LiveOps
import Scripting
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The leaderboard benchmark: one board of `--members` members, then `--ops` triples of
/// increment + rank + top 10, on an in-process `RankedSet` behind a `Mutex` (as the server
/// keeps it) against `redis-server` (no persistence) doing ZINCRBY + ZREVRANK + ZREVRANGE 0 9
/// over loopback, pipelined. Same members, scores, deltas and order of operations on both.
struct LeaderboardBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "leaderboard", abstract: "Increment + rank + top 10 on a RankedSet vs a Redis sorted set.")

    @Option(help: "Members on the board, preloaded with random scores.") var members = 1_000_000
    @Option(help: "Triples (increment, rank, top 10) to run on each side.") var ops = 2_000_000
    @Option(help: "Triples per Redis round trip (3 commands each).") var pipeline = 16
    @Option(help: "Zipf exponent for choosing members; 0 draws them uniformly.") var zipf = 0.0
    @Option(help: "Seed of the workload.") var seed: UInt64 = 1
    @Option(help: "Core for this process (the in-process board and the Redis client); -1 to leave unpinned.") var clientCore = 1
    @Option(help: "Core for redis-server; -1 to leave unpinned.") var redisCore = 0
    @Option(help: "The redis-server executable; found on PATH when empty.") var redisServer = ""

    func validate() throws {
        guard members >= 10, ops >= 1, pipeline >= 1 else { throw ValidationError("--members >= 10, --ops >= 1, --pipeline >= 1") }
        guard zipf >= 0 else { throw ValidationError("--zipf >= 0") }
    }

    func run() throws {
        guard let redisPath = LeaderboardRedis.find(redisServer) else {
            FileHandle.standardError.write(Data("redis-server not found; install it with: apt-get install redis-server\n".utf8))
            throw ExitCode.failure
        }
        let pinning = Pinning(client: clientCore, redis: redisCore)
        try pinning.pinThisProcess()
        let workload = LeaderboardWorkload(members: members, ops: ops, zipf: zipf, seed: seed)
        let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
        show("leaderboard: \(grouped(Double(members))) members, \(grouped(Double(ops))) triples, "
            + (zipf > 0 ? "zipf s=\(zipf)" : "uniform") + " members, seed \(seed); load average before: \(load)")
        show(pinning.description)

        let ours = Self.runRankedSet(workload)
        let redis = try LeaderboardRedis.start(path: redisPath, core: pinning.redis)
        defer { redis.stop() }
        let theirs = try redis.measure(workload, pipeline: pipeline)

        show("")
        show("| peer | preload s | triples/s | µs per triple | board CPU µs per triple | RSS growth MiB |")
        show("|---|---:|---:|---:|---:|---:|")
        for (name, r) in [("showrunner RankedSet (in process, Mutex per triple)", ours),
                          ("\(redis.version) (loopback, \(pipeline) triples = \(3 * pipeline) commands per round trip)", theirs)] {
            show("| \(name) | \(String(format: "%.2f", r.preloadSeconds)) | \(grouped(r.rate)) | "
                + "\(String(format: "%.2f", 1e6 / r.rate)) | \(String(format: "%.2f", r.boardCPUSeconds * 1e6 / Double(ops))) | "
                + "\(grouped(Double(r.memoryBytes) / 1_048_576)) |")
        }
        let ratio = ours.rate / theirs.rate
        show("")
        show("showrunner / redis triples/s = \(String(format: "%.2f", ratio))x (goal >= 3x: \(ratio >= 3 ? "met" : "NOT met"))")
        show("final top 10 scores agree: \(ours.top10 == theirs.top10 ? "yes" : "NO: \(ours.top10) vs \(theirs.top10)")")
    }

    /// The server's path: one `RankedSet` behind one lock, taken once per triple.
    static func runRankedSet(_ w: LeaderboardWorkload) -> LeaderboardResult {
        let rssBefore = residentBytes(pid: getpid())
        let board = Mutex(RankedSet(order: .desc))
        var seq: Int64 = 0
        let preload = seconds {
            board.withLock { set in
                for i in 0..<w.members {
                    seq += 1
                    set.upsert(RankedEntry(member: w.names[i], score: w.initialScores[i], reachedAt: 0, seq: seq))
                }
            }
        }
        var checksum = 0
        let cpuBefore = threadCPUSeconds()
        let elapsed = seconds {
            for k in 0..<w.ops {
                let name = w.names[Int(w.opMembers[k])]
                let delta = w.opDeltas[k]
                let now = wallClockMilliseconds()
                checksum &+= board.withLock { set in
                    seq += 1
                    let score = (set.entry(name)?.score ?? 0) + delta
                    set.upsert(RankedEntry(member: name, score: score, reachedAt: now, seq: seq))
                    return (set.rank(name) ?? 0) &+ set.top(10).count
                }
            }
        }
        let cpu = threadCPUSeconds() - cpuBefore
        let top10 = board.withLock { $0.top(10).map(\.score) }
        let memory = residentBytes(pid: getpid()) - rssBefore
        return LeaderboardResult(preloadSeconds: preload, rate: Double(w.ops) / elapsed, boardCPUSeconds: cpu, memoryBytes: memory,
                                 top10: top10, checksum: checksum)
    }
}

/// One side's numbers.
struct LeaderboardResult {
    let preloadSeconds: Double
    let rate: Double
    /// CPU time the board's side spent on the triples: this thread for the in-process set,
    /// redis-server's (user + system) for Redis. Tells work from waiting on a shared machine.
    let boardCPUSeconds: Double
    /// Resident memory the board added: this process's growth from before the set was made, or
    /// redis-server's from before the preload.
    let memoryBytes: Int
    let top10: [Int64]
    let checksum: Int
}

/// Prints a line now, not when a pipe's buffer fills: this benchmark runs for minutes.
private func show(_ line: String) {
    print(line)
    fflush(nil)
}
