import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Which cores the client side and redis-server run on; pinning needs two cores and `taskset`.
struct Pinning: CustomStringConvertible {
    let client: Int?
    let redis: Int?
    static let taskset = "/usr/bin/taskset"

    init(client: Int, redis: Int) {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let usable = FileManager.default.isExecutableFile(atPath: Self.taskset) && cores >= 2
        self.client = usable && client >= 0 && client < cores ? client : nil
        self.redis = usable && redis >= 0 && redis < cores && redis != client ? redis : nil
    }

    func pinThisProcess() throws {
        guard let client else { return }
        let answer = try Child.output(Self.taskset, ["-a", "-p", "-c", "\(client)", "\(getpid())"])
        guard answer.contains("new affinity list") else { throw BenchError("taskset could not pin this process to core \(client)") }
    }

    var description: String {
        "pinning: this process (board + Redis client) on core \(client.map { "\($0)" } ?? "any"), "
            + "redis-server on core \(redis.map { "\($0)" } ?? "any")"
    }
}

/// Milliseconds since the epoch, as the server stamps `reachedAt`.
func wallClockMilliseconds() -> Int64 {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
}

/// CPU time of the calling thread.
func threadCPUSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// User + system CPU time of a process, from /proc; 0 when unreadable.
func processCPUSeconds(pid: Int32) -> Double {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let close = stat.lastIndex(of: ")") else { return 0 }
    // Fields after the command name: state is field 3, utime 14, stime 15.
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
    return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
}

/// Resident set size of a process, from /proc; 0 when unreadable.
func residentBytes(pid: Int32) -> Int {
    guard let statm = try? String(contentsOfFile: "/proc/\(pid)/statm", encoding: .utf8) else { return 0 }
    let pages = statm.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}
