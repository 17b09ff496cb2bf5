import ArgumentParser
import Engine
import Foundation
import Logging
import Storage

/// `showrunner queues ...`: tools for play-together queues.
struct QueuesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queues", abstract: "Tools for play-together queues.", subcommands: [QueuesVerifyCommand.self])
}

/// `showrunner queues verify [--db FILE]`: rebuilds every queue from its facts, compares it with
/// the live state, prints each difference and exits 1 on any.
struct QueuesVerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "verify", abstract: "Check every queue against its facts.")

    @Option(help: "SQLite database file.") var db = "showrunner.sqlite"

    func run() async throws {
        guard FileManager.default.fileExists(atPath: db) else { throw ValidationError("no database at \(db)") }
        var logger = Logger(label: "showrunner.queues")
        logger.logLevel = .warning
        let store = try Store(StoreConfiguration(path: db), logger: logger)
        let differences = try await QueueVerifier.differences(in: SQLiteQueueStore(store))
        for d in differences { print(d) }
        if !differences.isEmpty {
            print("\(differences.count) differences")
            throw ExitCode(1)
        }
        print("ok: every queue agrees with its facts")
    }
}
