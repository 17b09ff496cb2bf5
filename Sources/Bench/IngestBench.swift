import ArgumentParser
import Books
import Engine
import EngineCore
import Foundation
import Logging
import Rooms
import Scripting
import Storage
import Synchronization

/// Issue 4, benchmark 3: danmaku accepted per second through the whole ingest pipeline (text
/// checks, mute, per-user and per-room token buckets, keyword automaton over an operator word
/// list, durable journal append through the group commit, publish on the room bus), in process.
/// Peer in the same run: the durable append alone (the same payload through `Journal.append`
/// and the group commit, same concurrency), the pipeline's ceiling on this store.
struct IngestBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest", abstract: "Danmaku/s accepted through limits, filter and durable append, vs the append alone.")

    @Option(help: "Concurrent senders (tasks).") var senders = 64
    @Option(help: "Seconds per peer.") var seconds = 5.0
    @Option(help: "Distinct viewers (each may burst 5, then 1/s).") var users = 200_000
    @Option(help: "Rooms (each may take 200/s after a burst of 400).") var rooms = 2_000
    @Option(help: "Words on the keyword list.") var words = 10_000
    @Option(help: "synchronous: full, pipelined, normal or off.") var synchronous = "full"

    struct Payload: Encodable, Sendable {
        let id: Int64, room: String, user_id: String, text: String, mode: String, color: String, score: Int, at: Int64
    }

    struct Outcome {
        var accepted = 0
        var refused: [String: Int] = [:]
        var latencies: [Double] = []
    }

    func run() async throws {
        guard let sync = StoreConfiguration.Synchronous(rawValue: synchronous.uppercased()) else {
            throw ValidationError("--synchronous is full, pipelined, normal or off")
        }
        let texts = Self.texts(words: words)
        let pipeline = try await measure(sync: sync, texts: texts, pipeline: true)
        let append = try await measure(sync: sync, texts: texts, pipeline: false)
        print("| path (\(senders) senders, \(users) viewers, \(rooms) rooms, \(words) words, synchronous=\(synchronous)) | accepted/s | p50 ms | p99 ms | refused |")
        print("|---|---:|---:|---:|---|")
        for (name, r) in [("pipeline: checks, mute, buckets, keyword filter, append, publish", pipeline), ("durable append alone", append)] {
            let refused = r.outcome.refused.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            print("| \(name) | \(Int(r.rate)) | \(String(format: "%.2f", r.p50)) | \(String(format: "%.2f", r.p99)) | \(refused.isEmpty ? "none" : refused) |")
        }
        print("")
        print("pipeline / append alone: \(String(format: "%.2f", pipeline.rate / append.rate))")
    }

    /// Word list: `w<i>` words, one in ten blocking, the rest masking or scoring; texts of 10 to
    /// 40 characters, a third of them containing a listed word to mask.
    static func texts(words: Int) -> (rules: [KeywordRule], texts: [String]) {
        var rules: [KeywordRule] = []
        for i in 0..<words {
            let action: KeywordAction = i % 10 == 0 ? .block : i % 2 == 0 ? .mask : .score
            rules.append(KeywordRule(word: "badword\(i)", category: "bench", action: action, score: 1))
        }
        var random = SeededRandom(seed: 7)
        var texts: [String] = []
        for i in 0..<1_000 {
            var t = "好耶 great stream \(i) "
            if i % 3 == 0 { t += "badword\(Int(random.next(upTo: Int64(max(words, 1)))) / 2 * 2 + 2) " }
            t += String(repeating: "x", count: Int(random.next(upTo: 20)))
            texts.append(t)
        }
        return (rules, texts)
    }

    private func measure(
        sync: StoreConfiguration.Synchronous, texts: (rules: [KeywordRule], texts: [String]), pipeline: Bool
    ) async throws -> (rate: Double, p50: Double, p99: Double, outcome: Outcome) {
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bench-ingest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try Store(StoreConfiguration(path: dir.appendingPathComponent("bench.sqlite").path, synchronous: sync), logger: logger)
        defer { try? store.close() }
        let clock = SystemWallClock()
        let service = DanmakuService(
            store: SQLiteModerationStore(store), bus: RoomBus(), filter: KeywordFilter(rules: texts.rules),
            mutes: try await Mutes(store: SQLiteModerationStore(store), now: clock.nowMillis()), clock: clock)
        let next = Ticket()
        let deadline = ContinuousClock.now + .seconds(seconds)
        let start = ContinuousClock.now
        let (users, rooms, list, senders) = (self.users, self.rooms, texts.texts, self.senders)
        let outcomes = try await withThrowingTaskGroup(of: Outcome.self) { group in
            for _ in 0..<senders {
                group.addTask {
                    var out = Outcome()
                    while ContinuousClock.now < deadline {
                        let n = next.take()
                        let user = "v\(n % users)"
                        let room = "room-\(n % rooms)"
                        let text = list[n % list.count]
                        let began = ContinuousClock.now
                        if pipeline {
                            do {
                                _ = try await service.send(DanmakuDraft(text: text), room: room, userID: user)
                                out.accepted += 1
                            } catch let refusal as DanmakuRejection {
                                out.refused[refusal.rawValue, default: 0] += 1
                            }
                        } else {
                            let p = Payload(id: 0, room: room, user_id: user, text: text, mode: "scroll", color: "#ffffff", score: 0, at: clock.nowMillis())
                            _ = try await store.write { db in try Journal.append(db, type: "danmaku", payload: p, at: p.at).offset }
                            out.accepted += 1
                        }
                        let took = ContinuousClock.now - began
                        out.latencies.append(Double(took.components.attoseconds) / 1e15 + Double(took.components.seconds) * 1e3)
                    }
                    return out
                }
            }
            var all = Outcome()
            for try await o in group {
                all.accepted += o.accepted
                for (k, v) in o.refused { all.refused[k, default: 0] += v }
                all.latencies += o.latencies
            }
            return all
        }
        let elapsed = ContinuousClock.now - start
        let secs = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let sorted = outcomes.latencies.sorted()
        func pct(_ q: Double) -> Double { sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))] }
        return (Double(outcomes.accepted) / secs, pct(0.5), pct(0.99), outcomes)
    }
}

/// Hands out 0, 1, 2... to concurrent senders.
final class Ticket: Sendable {
    private let next = Atomic<Int>(0)
    func take() -> Int { next.add(1, ordering: .relaxed).oldValue }
}
