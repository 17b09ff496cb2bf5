import ArgumentParser
import Engine
import EngineTesting
import Foundation
@testable import Showrunner
import Testing
@testable import Host

@Suite struct SettleCLITests {
    @Test("settle run, report, confirm and adjust from the command line; a frozen month and bad input exit 1 with the code")
    func commands() async throws {
        let database = try TemporaryDatabase()
        let engine = try EngineParts.open(databasePath: database.path, scriptsPath: "Scripts", synchronous: .normal, logger: .quiet())
        _ = try await engine.guilds.create(GuildEdit(id: "g1", name: "Guild", shareBP: 1000))
        _ = try await engine.guilds.sign(guild: "g1", GuildContractRequest(streamerID: "s1", startsOn: "2026-10-01"), by: "fin")
        func run(_ args: [String]) async throws {
            guard var command = try ShowrunnerCommand.parseAsRoot(args) as? any AsyncParsableCommand else {
                Issue.record("\(args) is not an async command")
                return
            }
            try await command.run()
        }
        try await run(["settle", "run", "2026-10", "--db", database.path, "--scripts", "Scripts"])
        let month = try await engine.settlement.month("2026-10")
        #expect(month.state == .pendingReview && month.statements.map(\.ownerID) == ["s1", "g1"])
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("settle-report-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        try await run(["settle", "report", "2026-10", "--db", database.path, "--out", out.path])
        for name in ["statements.csv", "guilds.csv", "report.html"] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(name).path), "\(name)")
        }
        try await run(["settle", "confirm", "2026-10", "--db", database.path])
        await #expect(throws: ExitCode(1)) { try await run(["settle", "confirm", "2026-10", "--db", database.path]) }
        await #expect(throws: ExitCode(1)) { try await run(["settle", "run", "2026-10", "--db", database.path, "--scripts", "Scripts"]) }
        await #expect(throws: ExitCode(1)) { try await run(["settle", "run", "2026-13", "--db", database.path, "--scripts", "Scripts"]) }
        try await run(["settle", "adjust", "2026-10", "--streamer", "s1", "--amount", "5", "--reason", "late", "--by", "fin", "--db", database.path])
        #expect(try await engine.settlement.adjustments(month: "2026-11").map(\.refersToMonth) == ["2026-10"])
        await #expect(throws: ValidationError.self) {
            try await run(["settle", "adjust", "2026-10", "--amount", "5", "--reason", "r", "--by", "fin", "--db", database.path])
        }
        await #expect(throws: ValidationError.self) { try await run(["settle", "run", "2026-10", "--db", database.path + ".none"]) }
        withExtendedLifetime(database) {}
    }
}
