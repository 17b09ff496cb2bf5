import ArgumentParser
import Books
import Engine
import Foundation
import GRDB
import Storage

typealias GRDBDatabase = GRDB.Database

/// Benchmark 3 of the foundation: durable journal appends per second with many concurrent
/// writers, group commit against one transaction per append, same file system, same run.
struct JournalBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "journal", abstract: "Group commit vs one transaction per append.")

    @Option(help: "Concurrent writers.") var writers = 64
    @Option(help: "Appends per writer.") var appends = 200
    @Option(help: "synchronous: full, normal or off.") var synchronous = "full"

    func run() async throws {
        guard let sync = StoreConfiguration.Synchronous(rawValue: synchronous.uppercased()) else {
            throw ValidationError("--synchronous is full, normal or off")
        }
        let group = try await measure(sync: sync, grouped: true)
        let alone = try await measure(sync: sync, grouped: false)
        print("| mode (synchronous=\(synchronous), \(writers) writers) | appends/s | commits | appends per commit |")
        print("|---|---:|---:|---:|")
        print("| one transaction per append | \(grouped(alone.rate)) | \(alone.commits) | \(String(format: "%.1f", alone.perCommit)) |")
        print("| group commit | \(grouped(group.rate)) | \(group.commits) | \(String(format: "%.1f", group.perCommit)) |")
        print("")
        print("group commit / one per append: \(String(format: "%.1f", group.rate / alone.rate))x")
    }

    private func measure(sync: StoreConfiguration.Synchronous, grouped: Bool) async throws -> (rate: Double, commits: Int, perCommit: Double) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bench-journal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try Store(StoreConfiguration(path: dir.appendingPathComponent("bench.sqlite").path, synchronous: sync))
        let (writers, appends) = (self.writers, self.appends)
        let elapsed = try await seconds {
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                for w in 0..<writers {
                    tasks.addTask {
                        for i in 0..<appends {
                            let op: @Sendable (GRDBDatabase) throws -> Int64 = { db in
                                try Journal.append(db, type: "bench", payloadJSON: #"{"w":\#(w),"i":\#(i)}"#, idempotencyKey: nil, at: 0).offset
                            }
                            _ = grouped ? try await store.write(op) : try await store.writeAlone(op)
                        }
                    }
                }
                try await tasks.waitForAll()
            }
        }
        let stats = store.stats
        try store.close()
        let total = Double(writers * appends)
        return (total / elapsed, stats.commits, Double(stats.ops) / Double(max(stats.commits, 1)))
    }
}
