import ArgumentParser
import Books
import Engine
import Foundation
import GRDB
import Logging
import Scripting
import Storage

/// The monthly close over a generated month: N gift facts for M streamers (a tenth of them in
/// one of 100 guilds), through the earnings consumer and `Settlement.run` with the shipped
/// policy, against the `sqlite3` command line running the equivalent aggregate SQL (revenue per
/// streamer per day and guild shares per guild, from the same journal rows) in the same run.
/// Reports wall time and peak memory of both; the engine streams the facts in consumer batches,
/// so its memory grows with streamers, not facts.
struct SettleBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "settle", abstract: "Close a month of gift facts vs sqlite3's aggregate SQL.")

    @Option(help: "Gift facts in the month.") var facts = 10_000_000
    @Option(help: "Streamers receiving them.") var streamers = 50_000
    @Option(help: "The scripts folder (its settlement policy and lib/split.lua are used).") var scripts = "Scripts"
    @Option(help: "The sqlite3 command line.") var sqlite3 = "/usr/bin/sqlite3"
    @Option(help: "Keep the database (path printed) instead of deleting it.") var keep = false
    @Option(help: "Facts written per generating transaction.") var chunk = 50_000
    @Option(help: "The earnings consumer's checkpoint interval, ms (how long one transaction reads pages while behind), 0...1000.")
    var checkpointMs = 1000

    static let month = "2026-10"
    static let monthStart: Int64 = 1_790_812_800_000  // 2026-10-01T00:00:00Z
    static let monthMillis: Int64 = 31 * 86_400_000

    /// The aggregate the engine's close computes, in SQL over the same facts.
    static let peerSQL = """
        SELECT json_extract(payload, '$.streamer_id') AS s, date(created_at / 1000, 'unixepoch') AS d,
               SUM(json_extract(payload, '$.streamer_revenue')), SUM(json_extract(payload, '$.guild_share')),
               json_extract(payload, '$.guild_id') AS g
        FROM journal WHERE type = 'gift' AND created_at >= \(monthStart) AND created_at < \(monthStart + monthMillis)
        GROUP BY s, d, g;
        """

    func run() async throws {
        guard facts >= 1, streamers >= 1, chunk >= 1 else { throw ValidationError("facts, streamers and chunk must be at least 1") }
        guard (0...1000).contains(checkpointMs) else { throw ValidationError("checkpoint-ms: 0...1000") }
        var logger = Logger(label: "bench.settle")
        logger.logLevel = .warning
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bench-settle-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { if !keep { try? FileManager.default.removeItem(at: dir) } }
        let path = dir.appendingPathComponent("settle.sqlite").path
        let store = try Store(StoreConfiguration(path: path, synchronous: .normal), logger: logger)

        // The month's facts, written straight into the journal as gifts would be (receipts with
        // their legs), chunk by chunk: contracts first so the guild shares name their guild.
        let generated = try await seconds { try await generate(store) }
        print("generated \(grouped(Double(facts))) gift facts for \(grouped(Double(streamers))) streamers in \(String(format: "%.1f", generated)) s (\(path))")

        // Engine: the earnings consumer over every fact, then the close with the shipped policy.
        let files = try ["settlement/base_salary.lua", "lib/split.lua"].map { p in
            ScriptFile(path: p, text: try String(contentsOfFile: scripts + "/" + p, encoding: .utf8))
        }
        let generation = try ScriptGeneration.compile(files, api: .standard, limits: ScriptLimits()).get()
        let rssBefore = peakRSSKiB()
        let runner = ConsumerRunner(
            store: store, consumers: [EarningsConsumer()], batchSize: 4096, checkpointInterval: .milliseconds(checkpointMs), logger: logger)
        let settlement = Settlement(store: store, ledger: Ledger(store: store))
        var statements = 0
        let cpuBefore = processCPUSeconds()
        let consumed = try await seconds { _ = try await runner.drain() }
        let consumedCPU = processCPUSeconds() - cpuBefore
        let closed = try await seconds {
            statements = try await settlement.run(month: Self.month, generation: generation, by: "bench").statements.count
        }
        let enginePeak = peakRSSKiB()

        // Peer: the same aggregate by the sqlite3 command line, over the same file.
        let peer = Process()
        peer.executableURL = URL(fileURLWithPath: sqlite3)
        peer.arguments = [path, Self.peerSQL]
        peer.standardOutput = FileHandle.nullDevice
        let sqlSeconds = try seconds {
            try peer.run()
            peer.waitUntilExit()
        }
        guard peer.terminationStatus == 0 else { throw ValidationError("sqlite3 exited with \(peer.terminationStatus)") }
        var children = rusage()
        getrusage(__rusage_who_t(RUSAGE_CHILDREN.rawValue), &children)

        let engine = consumed + closed
        print("")
        print("Closing \(Self.month): \(grouped(Double(facts))) gift facts, \(grouped(Double(streamers))) streamers, \(statements) statements, checkpoint \(checkpointMs) ms")
        print("| path | seconds | peak RSS MiB | ratio to SQL |")
        print("|---|---:|---:|---:|")
        print("| sqlite3 CLI, aggregate SQL | \(String(format: "%.2f", sqlSeconds)) | \(children.ru_maxrss / 1024) | 1.00 |")
        print("| engine: earnings consumer (CPU \(String(format: "%.1f", consumedCPU)) s) | \(String(format: "%.2f", consumed)) | | \(String(format: "%.2f", consumed / sqlSeconds)) |")
        print("| engine: settle run (policy, statements) | \(String(format: "%.2f", closed)) | | \(String(format: "%.2f", closed / sqlSeconds)) |")
        print("| engine: both | \(String(format: "%.2f", engine)) | \(enginePeak / 1024) (before: \(rssBefore / 1024)) | \(String(format: "%.2f", engine / sqlSeconds)) |")
    }

    /// Peak resident memory of this process so far, KiB.
    func peakRSSKiB() -> Int {
        var u = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &u)
        return u.ru_maxrss
    }

    /// Writes the contracts and the facts. Streamer i is `s<i>`; every tenth is in guild
    /// `g<i % 100>` for the whole month; fact k goes to streamer k % M at an even spread over
    /// the month, one rose of 1,000 coins (500 revenue, 100 guild share, 400 fee).
    func generate(_ store: Store) async throws {
        let (m, n, chunk) = (streamers, facts, chunk)
        try await store.write { db in
            for g in 0..<min(100, m) {
                try db.execute(sql: "INSERT INTO guilds (id, name, share_bp, created_at, updated_at) VALUES (?, ?, 1000, 0, 0)", arguments: ["g\(g)", "Guild \(g)"])
            }
            for i in stride(from: 0, to: m, by: 10) {
                try db.execute(sql: """
                    INSERT INTO guild_contracts (guild_id, streamer_id, starts_on, ends_on, exclusive, base_salary, share_bp, created_by, created_at)
                    VALUES (?, ?, '2026-01-01', NULL, 1, 50000, 1000, 'bench', 0)
                    """, arguments: ["g\(i % 100)", "s\(i)"])
            }
        }
        var k = 0
        while k < n {
            let end = min(n, k + chunk)
            let first = k
            try await store.write { db in
                let insert = try db.makeStatement(sql: "INSERT INTO journal (type, payload, created_at) VALUES ('gift', ?, ?)")
                for j in first..<end {
                    let i = j % m
                    let guild: String? = i % 10 == 0 ? "g\(i % 100)" : nil
                    // A receipt's JSON as `GiftReceipt.jsonText` writes it (keys sorted), with its legs' ids.
                    let key = "gift:v\(j % 1000):b\(j)"
                    let payload = "{\"balance_coins\":0,\"combo\":1,\"count\":1,\"gift_id\":\"rose\",\"gift_version\":1,"
                        + (guild.map { "\"guild_id\":\"\($0)\"," } ?? "")
                        + "\"guild_share\":100,\"ledger_time\":\(j),\"platform_fee\":400,\"price_coins\":1000,\"room_id\":\"r\(i)\","
                        + "\"send_id\":\"b\(j)\",\"sender_id\":\"v\(j % 1000)\",\"streamer_id\":\"s\(i)\",\"streamer_revenue\":500,"
                        + "\"total_coins\":1000,\"transfer_ids\":[\"\(key):paid\",\"\(key):fee\",\"\(key):revenue\",\"\(key):guild\"]}"
                    let at = Self.monthStart + Int64(j) * (Self.monthMillis / Int64(n))
                    try insert.execute(arguments: [payload, at])
                }
            }
            k = end
        }
    }
}
