import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// redis-server as the leaderboard peer: no persistence, one sorted set `board`, one client
/// connection that pipelines its commands.
final class LeaderboardRedis {
    let process: Process
    let version: String
    let port: UInt16
    private let socket: BlockingSocket

    /// The redis-server executable: `explicit` when given, else the first on PATH.
    static func find(_ explicit: String) -> String? {
        let candidates = explicit.isEmpty
            ? (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":").map { "\($0)/redis-server" }
            : [explicit]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Starts redis-server on a free loopback port, pinned to `core` when given.
    static func start(path: String, core: Int?) throws -> LeaderboardRedis {
        let port = try freeLoopbackPort()
        let arguments = ["--port", "\(port)", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                         "--daemonize", "no", "--loglevel", "warning", "--dir", FileManager.default.temporaryDirectory.path]
        let process = Process()
        if let core {
            process.executableURL = URL(fileURLWithPath: Pinning.taskset)
            process.arguments = ["-c", "\(core)", path] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: path)
            process.arguments = arguments
        }
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        do {
            try Child.waitForPort(Int(port))
            let version = (try? Child.output(path, ["--version"]))?.split(separator: " ").first { $0.hasPrefix("v=") }
            return LeaderboardRedis(process: process, version: "redis " + (version.map { String($0.dropFirst(2)) } ?? "?"),
                                    port: port, socket: try BlockingSocket(port: port))
        } catch {
            Child.stopRedis(process, port: port, grace: 1)
            throw error
        }
    }

    private init(process: Process, version: String, port: UInt16, socket: BlockingSocket) {
        self.process = process
        self.version = version
        self.port = port
        self.socket = socket
    }

    /// Asks Redis to exit (`SHUTDOWN NOSAVE`), and kills it if it has not within 5 s (see
    /// `Child.stopRedis`); never waits on `waitUntilExit`, which can hang an async command.
    func stop() {
        Child.stopRedis(process, port: port, socket: socket)
    }

    /// Preloads the board (ZADD, 1,000 members a command, 16 commands a round trip), then runs
    /// the triples, `pipeline` of them (3 × `pipeline` commands) per round trip.
    func measure(_ w: LeaderboardWorkload, pipeline: Int) throws -> LeaderboardResult {
        try roundTrip(RESPBuffer.command(["FLUSHALL"]), replies: 1)
        let rssBefore = residentBytes(pid: process.processIdentifier)
        let preload = try seconds { try self.preload(w) }
        var checksum = 0
        let cpuBefore = processCPUSeconds(pid: process.processIdentifier)
        let elapsed = try seconds {
            var out = RESPBuffer()
            var k = 0
            while k < w.ops {
                out.bytes.removeAll(keepingCapacity: true)
                let end = min(w.ops, k + pipeline)
                for i in k..<end {
                    let member = Int(w.opMembers[i])
                    out.array(4); out.bulk("ZINCRBY"); out.bulk("board"); out.bulk(w.opDeltas[i]); out.bulkMember(member)
                    out.array(3); out.bulk("ZREVRANK"); out.bulk("board"); out.bulkMember(member)
                    out.array(4); out.bulk("ZREVRANGE"); out.bulk("board"); out.bulk("0"); out.bulk("9")
                }
                checksum &+= try roundTrip(out.bytes, replies: 3 * (end - k))
                k = end
            }
        }
        let cpu = processCPUSeconds(pid: process.processIdentifier) - cpuBefore
        let memory = residentBytes(pid: process.processIdentifier) - rssBefore
        return LeaderboardResult(preloadSeconds: preload, rate: Double(w.ops) / elapsed, boardCPUSeconds: cpu, memoryBytes: memory,
                                 top10: try topScores(), checksum: checksum)
    }

    private func preload(_ w: LeaderboardWorkload) throws {
        var out = RESPBuffer()
        let batch = 1_000
        var i = 0
        while i < w.members {
            out.bytes.removeAll(keepingCapacity: true)
            var commands = 0
            while commands < 16, i < w.members {
                let end = min(w.members, i + batch)
                out.array(2 + 2 * (end - i)); out.bulk("ZADD"); out.bulk("board")
                for m in i..<end {
                    out.bulk(w.initialScores[m]); out.bulkMember(m)
                }
                commands += 1
                i = end
            }
            try roundTrip(out.bytes, replies: commands)
        }
    }

    private func topScores() throws -> [Int64] {
        try socket.write(RESPBuffer.command(["ZREVRANGE", "board", "0", "9", "WITHSCORES"]))
        let reply = try socket.read { respValueEnd($0, from: 0) }
        let strings = respBulkStrings(reply)
        return stride(from: 1, to: strings.count, by: 2).map { Int64(Double(strings[$0]) ?? -1) }
    }

    /// Sends `bytes` and reads `replies` replies. - Returns: the sum of the integer replies (a
    /// checksum that keeps the work honest). - Throws: when Redis answers an error.
    @discardableResult
    private func roundTrip(_ bytes: [UInt8], replies: Int) throws -> Int {
        try socket.write(bytes)
        let reply = try socket.read { b in
            var at = 0
            for _ in 0..<replies {
                guard let end = respValueEnd(b, from: at) else { return nil }
                at = end
            }
            return at
        }
        var at = 0
        var sum = 0
        for _ in 0..<replies {
            if reply[at] == UInt8(ascii: "-") {
                throw BenchError("redis: " + String(decoding: reply[at...].prefix { $0 != 13 }, as: UTF8.self))
            }
            if reply[at] == UInt8(ascii: ":") { sum &+= respInteger(reply, from: at + 1).value }
            at = respValueEnd(reply, from: at)!
        }
        return sum
    }
}

/// A port on 127.0.0.1 that nothing listens on right now.
func freeLoopbackPort() throws -> UInt16 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw BenchError("socket() failed") }
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_port = 0
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let rc = withUnsafeMutablePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 ? getsockname(fd, $0, &length) : -1 }
    }
    guard rc == 0 else { throw BenchError("no free loopback port") }
    return UInt16(bigEndian: addr.sin_port)
}
