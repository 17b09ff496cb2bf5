import Engine
import EngineCore
import Foundation

/// redis-server in a scratch folder, with the gift operation loaded as a script.
final class RedisPeer: @unchecked Sendable {
    let process: Process
    let port: UInt16
    let sha: String
    /// The keyed script's: `keyedScript`.
    let keyedSHA: String

    /// The gift's moves once funds are checked: the four balances, the room's stream, the board.
    static let moves = """
        redis.call('HINCRBY', KEYS[1], 'coins', -total)
        redis.call('HINCRBY', KEYS[2], 'revenue', ARGV[2])
        redis.call('HINCRBY', KEYS[3], 'coins', ARGV[3])
        redis.call('HINCRBY', KEYS[4], 'coins', ARGV[4])
        redis.call('XADD', KEYS[5], '*', 'gift', ARGV[6])
        redis.call('ZINCRBY', KEYS[6], total, ARGV[5])
        """

    static let script = """
        local bal = tonumber(redis.call('HGET', KEYS[1], 'coins') or '0')
        local total = tonumber(ARGV[1])
        if bal < total then return redis.error_reply('insufficient_funds') end
        \(moves)
        return bal - total
        """

    /// `script` with the guarantee showrunner's sends keep and `script` does not: idempotency per
    /// sender key (KEYS[7]), for successes and for refusals. A retry answers the stored outcome;
    /// a new key stores its outcome (the balance left and the gift, or the refusal) without
    /// expiry, as showrunner keeps its keys.
    static let keyedScript = """
        local prior = redis.call('GET', KEYS[7])
        if prior then
            if prior == 'refused' then return redis.error_reply('insufficient_funds') end
            return tonumber(string.match(prior, '^(-?%d+)'))
        end
        local bal = tonumber(redis.call('HGET', KEYS[1], 'coins') or '0')
        local total = tonumber(ARGV[1])
        if bal < total then
            redis.call('SET', KEYS[7], 'refused')
            return redis.error_reply('insufficient_funds')
        end
        \(moves)
        redis.call('SET', KEYS[7], (bal - total) .. ' ' .. ARGV[6])
        return bal - total
        """

    static func start(in dir: URL, port: UInt16) throws -> RedisPeer {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/redis-server")
        p.arguments = ["--port", "\(port)", "--bind", "127.0.0.1", "--dir", dir.path, "--appendonly", "yes",
                       "--appendfsync", "always", "--save", "", "--daemonize", "no", "--loglevel", "warning"]
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        do {
            try Child.waitForPort(Int(port))
            let s = try BlockingSocket(port: port)
            func load(_ script: String) throws -> String {
                try s.write(resp(["SCRIPT", "LOAD", script]))
                let reply = String(decoding: try s.read(until: respReplyLength), as: UTF8.self)
                let parts = reply.split(separator: "\r\n")
                guard parts.count >= 2, reply.hasPrefix("$") else { throw BenchError("SCRIPT LOAD answered \(reply.prefix(200))") }
                return String(parts[1])
            }
            let (sha, keyedSHA) = (try load(script), try load(keyedScript))
            for w in 0..<1_000 {
                try s.write(resp(["HSET", "wallet:v\(w)", "coins", "1000000000"]))
                _ = try s.read(until: respReplyLength)
            }
            return RedisPeer(process: p, port: port, sha: sha, keyedSHA: keyedSHA)
        } catch {
            // A half-started peer must not outlive the run.
            Child.stopRedis(p, port: port, grace: 1)
            throw error
        }
    }

    init(process: Process, port: UInt16, sha: String, keyedSHA: String) {
        self.process = process
        self.port = port
        self.sha = sha
        self.keyedSHA = keyedSHA
    }

    /// A sender's gift: `script`, or with `keyed` `keyedScript` under a key of its own per send
    /// (`idem:v<worker>:<prefix>-<n>`, as the engine's senders number theirs; the prefix is `h` or
    /// `u` by pattern unless `keyPrefix` names one, so slices of one measurement never reuse a key).
    func sender(worker w: Int, hot: Bool, keyed: Bool = false, keyPrefix: String? = nil) throws -> () throws -> Bool {
        let prefix = keyPrefix ?? (hot ? "h" : "u")
        let s = try BlockingSocket(port: port)
        var i = 0
        return { [sha, keyedSHA, prefix] in
            i += 1
            let streamer = hot ? "s0" : "s\(i % 16)"
            let keys = ["wallet:v\(w)", "wallet:\(streamer)", "guild:g1", "platform:fees", "room:\(streamer):gifts", "board:\(streamer)"]
            let args = ["10", "5", "1", "4", "v\(w)", "rose x1"]
            if keyed {
                try s.write(resp(["EVALSHA", keyedSHA, "7"] + keys + ["idem:v\(w):\(prefix)-\(i)"] + args))
            } else {
                try s.write(resp(["EVALSHA", sha, "6"] + keys + args))
            }
            let reply = try s.read(until: respReplyLength)
            return reply.first == UInt8(ascii: ":")
        }
    }

    /// Shuts redis-server down (`SHUTDOWN NOSAVE`), killing it if it is still alive after 5 s.
    func stop() { Child.stopRedis(process, port: port) }
}

/// A `showrunner serve` child process with rooms, a gift and funded senders.
final class ShowrunnerPeer: @unchecked Sendable {
    let process: Process
    let port: UInt16
    let signer: TokenSigner
    static let secret = "bench-secret-bench-secret-bench-secret"

    static func start(
        executable: String, scripts: String, in dir: URL, port: UInt16, senders: Int, synchronous: String = "full",
        consumerCheckpointMs: Int? = nil, writerPriorityBoost: Int? = nil, pinCores: Bool = false, extraArguments: [String] = []
    ) throws -> ShowrunnerPeer {
        let db = dir.appendingPathComponent("bench.sqlite").path
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = ["serve", "--db", db, "--port", "\(port)", "--scripts", scripts, "--secret", secret, "--payment-secret", secret, "--log-level", "error",
                       "--synchronous", synchronous] + (consumerCheckpointMs.map { ["--consumer-checkpoint-ms", "\($0)"] } ?? [])
            + (writerPriorityBoost.map { ["--writer-priority-boost", "\($0)"] } ?? [])
            + (pinCores ? ["--pin-cores"] : []) + extraArguments
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        try Child.waitForPort(Int(port))
        let peer = ShowrunnerPeer(process: p, port: port, signer: try TokenSigner(secret: secret))
        try peer.seed(senders: senders)
        return peer
    }

    init(process: Process, port: UInt16, signer: TokenSigner) {
        self.process = process
        self.port = port
        self.signer = signer
    }

    func post(_ s: BlockingSocket, _ path: String, token: String, body: String, method: String = "POST") throws -> Int {
        try request(s, path, token: token, body: body, method: method).status
    }

    /// One request on `s`: its status and body.
    func request(_ s: BlockingSocket, _ path: String, token: String, body: String = "", method: String) throws -> (status: Int, body: [UInt8]) {
        try s.write(Array("\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(token)\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)".utf8))
        let reply = try s.read(until: httpResponseLength)
        let head = reply.firstRange(of: [13, 10, 13, 10])?.upperBound ?? reply.count
        return (Int(String(decoding: reply[9..<12], as: UTF8.self)) ?? 0, Array(reply[head...]))
    }

    func seed(senders: Int) throws {
        let op = try signer.issue(userID: "bench-op", role: .admin, ttl: .seconds(3600))
        let s = try BlockingSocket(port: port)
        for r in 0..<16 {
            _ = try post(s, "/v1/admin/rooms", token: op, body: #"{"id":"r\#(r)","streamer_id":"s\#(r)","title":"Bench","category":"chat"}"#)
        }
        // A room of its own for each sender on the socket (its gifts' room events reach that
        // sender alone): `u{w}` of streamer `s{w % 16}`, `h{w}` of the hot streamer `s0`.
        for w in 0..<senders {
            for (room, streamer) in [("u\(w)", "s\(w % 16)"), ("h\(w)", "s0")] {
                _ = try post(s, "/v1/admin/rooms", token: op, body: #"{"id":"\#(room)","streamer_id":"\#(streamer)","title":"Bench","category":"chat"}"#)
            }
        }
        _ = try post(s, "/v1/admin/gifts/rose", token: op, body: #"{"name":"Rose","price_coins":10}"#, method: "PUT")
        for w in 0..<senders {
            let code = try post(s, "/v1/admin/wallets/v\(w)/grants", token: op,
                body: #"{"asset":"coins","amount":1000000000,"reason":"bench","idempotency_key":"bench-\#(w)"}"#)
            guard code == 201 else { throw BenchError("seeding v\(w) failed with \(code)") }
        }
    }

    /// A sender over HTTP: one `POST /v1/rooms/{room}/gifts` at a time on its keep-alive
    /// connection. Its idempotency keys start with `keyPrefix` (`h` or `u` by pattern unless
    /// given): each slice of a measurement names its own, or its sends would be retries of the
    /// slice before's, answered from their first outcome.
    func sender(worker w: Int, hot: Bool, keyPrefix: String? = nil) throws -> () throws -> Bool {
        let s = try BlockingSocket(port: port)
        let token = try signer.issue(userID: "v\(w)", role: .viewer, ttl: .seconds(3600))
        let prefix = keyPrefix ?? (hot ? "h" : "u")
        var i = 0
        return { [self] in
            i += 1
            let room = hot ? "r0" : "r\(i % 16)"
            let key = "\(prefix)-\(w)-\(i)"
            return try post(s, "/v1/rooms/\(room)/gifts", token: token, body: #"{"gift_id":"rose","count":1,"idempotency_key":"\#(key)"}"#) == 200
        }
    }

    /// A sender on its own room's WebSocket: one `gift` frame, then frames until its
    /// `gift_receipt` (true) or `gift_error` (false); the room's events in between are read and
    /// skipped. Its keys start with `w` and `keyPrefix` (as `sender`'s).
    func socketSender(worker w: Int, hot: Bool, keyPrefix: String? = nil) throws -> () throws -> Bool {
        let s = try roomSocket(worker: w, hot: hot)
        let prefix = "w" + (keyPrefix ?? (hot ? "h" : "u"))
        var i = 0
        return {
            i += 1
            let key = "\(prefix)-\(w)-\(i)"
            try s.write(maskedTextFrame(Array(#"{"type":"gift","gift_id":"rose","count":1,"idempotency_key":"\#(key)"}"#.utf8)))
            while true {
                let frame = try s.read { webSocketFrame($0)?.total }
                let payload = frame[webSocketFrame(frame)!.header...]
                if payload.count >= Self.receiptEnd.count, payload.suffix(Self.receiptEnd.count).elementsEqual(Self.receiptEnd) {
                    return true
                }
                if payload.count >= Self.errorEnd.count, payload.suffix(Self.errorEnd.count).elementsEqual(Self.errorEnd) {
                    return false
                }
            }
        }
    }

    /// A pinger on its own room's WebSocket: one `ping` frame, then frames until the `pong`
    /// (the socket's floor: a frame in and a frame out on the event loop, nothing else).
    func socketPinger(worker w: Int) throws -> () throws -> Bool {
        let s = try roomSocket(worker: w, hot: false)
        return {
            try s.write(maskedFrame(opcode: 0x9, Array("p".utf8)))
            while true {
                let frame = try s.read { webSocketFrame($0)?.total }
                if frame[0] & 0x0f == 0xA { return true }
            }
        }
    }

    /// Sender `w`'s WebSocket on its own room (`u{w}`, or `h{w}` of the hot streamer), upgraded.
    private func roomSocket(worker w: Int, hot: Bool) throws -> BlockingSocket {
        let s = try BlockingSocket(port: port)
        let token = try signer.issue(userID: "v\(w)", role: .viewer, ttl: .seconds(3600))
        try s.write(Array(("GET /v1/rooms/\(hot ? "h" : "u")\(w)/ws?token=\(token) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            + "Sec-WebSocket-Version: 13\r\n\r\n").utf8))
        let head = try s.read { b in b.firstRange(of: [13, 10, 13, 10]).map(\.upperBound) }
        guard String(decoding: head.prefix(12), as: UTF8.self).hasSuffix("101") else {
            throw BenchError("upgrade refused: \(String(decoding: head, as: UTF8.self))")
        }
        return s
    }

    static let receiptEnd = Array(#""type":"gift_receipt"}"#.utf8)
    static let errorEnd = Array(#""type":"gift_error"}"#.utf8)

    /// The store's counters from `/metrics`: commits, operations, the writer's time, and where
    /// its operations waited (`StoreStats.waitedOps` and the three sums).
    struct StoreCounters {
        var commits = 0.0, ops = 0.0, writerNanos = 0.0
        var waitedOps = 0.0, queueNanos = 0.0, batchNanos = 0.0, durableNanos = 0.0

        /// An operation's mean wait in each part, in µs, over what these counters summed (the
        /// slices of a measurement, `add(_:since:)`).
        var waits: String {
            let ops = max(1, waitedOps)
            func part(_ nanos: Double) -> String { String(format: "%.0f", nanos / ops / 1e3) }
            return "queued \(part(queueNanos)) µs, its batch \(part(batchNanos)), the WAL sync after it \(part(durableNanos))"
        }

        /// Adds what the counters moved from `before` to `after` (one slice of a measurement).
        mutating func add(_ after: StoreCounters, since before: StoreCounters) {
            commits += after.commits - before.commits
            ops += after.ops - before.ops
            writerNanos += after.writerNanos - before.writerNanos
            waitedOps += after.waitedOps - before.waitedOps
            queueNanos += after.queueNanos - before.queueNanos
            batchNanos += after.batchNanos - before.batchNanos
            durableNanos += after.durableNanos - before.durableNanos
        }
    }

    func storeCounters() throws -> StoreCounters {
        let s = try BlockingSocket(port: port)
        try s.write(Array("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8))
        let text = String(decoding: try s.read(until: httpResponseLength), as: UTF8.self)
        func value(_ name: String) -> Double {
            for line in text.split(separator: "\n") where line.hasPrefix(name + " ") || line.hasPrefix(name + "{") {
                return Double(line.split(separator: " ").last ?? "") ?? 0
            }
            return 0
        }
        return StoreCounters(
            commits: value("showrunner_store_commits"), ops: value("showrunner_store_ops"),
            writerNanos: value("showrunner_store_writer_ops_nanoseconds") + value("showrunner_store_writer_commit_nanoseconds"),
            waitedOps: value("showrunner_store_waited_ops"), queueNanos: value("showrunner_store_queue_wait_nanoseconds"),
            batchNanos: value("showrunner_store_batch_wait_nanoseconds"), durableNanos: value("showrunner_store_durable_wait_nanoseconds"))
    }

    /// Journal entries each consumer is behind now (`GET /v1/admin/journal/lag`).
    func consumerLag() throws -> [String: Int64] {
        let op = try signer.issue(userID: "bench-op", role: .admin, ttl: .seconds(3600))
        let reply = try request(BlockingSocket(port: port), "/v1/admin/journal/lag", token: op, method: "GET")
        guard reply.status == 200 else {
            throw BenchError("the journal lag was refused with \(reply.status): \(String(decoding: reply.body, as: UTF8.self))")
        }
        struct Lag: Decodable { let lag: [String: Int64] }
        return try JSONDecoder().decode(Lag.self, from: Data(reply.body)).lag
    }

    /// The consumers right after a run stopped sending: the most entries one of them was behind,
    /// and how long they took to reach the journal's end (every consumer at 0), polled every
    /// 10 ms. A run whose consumers kept up ends with a few batches' worth; one whose consumers
    /// fell further behind the longer it ran ends seconds behind.
    func catchUp(timeout: Double = 300) throws -> (behind: Int64, consumer: String, seconds: Double) {
        let start = Date()
        let first = try consumerLag()
        let worst = first.max { $0.value < $1.value } ?? ("-", 0)
        var lag = first
        while lag.values.contains(where: { $0 > 0 }) {
            guard Date().timeIntervalSince(start) < timeout else {
                throw BenchError("the consumers did not catch up within \(Int(timeout)) s: \(lag)")
            }
            Thread.sleep(forTimeInterval: 0.01)
            lag = try consumerLag()
        }
        return (worst.value, worst.key, Date().timeIntervalSince(start))
    }

    func stop() { Child.stop(process) }
}
