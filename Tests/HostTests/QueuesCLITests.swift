import ArgumentParser
import Engine
@testable import EngineCore
import EngineTesting
import Foundation
import GRDB
@testable import Rooms
@testable import Showrunner
import Testing
@testable import Host

@Suite struct QueuesCLITests {
    @Test("queues verify: exit 0 when the facts rebuild the state, 1 with the differences when they do not")
    func verify() async throws {
        let database = try TemporaryDatabase()
        let engine = try EngineParts.open(databasePath: database.path, scriptsPath: "Scripts", synchronous: .normal, logger: .quiet())
        let room = try await engine.rooms.create(NewRoom(id: "r1", streamerID: "s1", title: "Room", category: "games"))
        let streamer = Principal(userID: "s1", role: .streamer, expiresAt: .distantFuture)
        _ = try await engine.queues.configure(room, by: streamer, QueueSettings(open: true, game: "chess", waitingCapacity: 5, gameCapacity: 2))
        _ = try await engine.queues.apply(room, viewer: "v1")
        _ = try await engine.queues.apply(room, viewer: "v2")
        _ = try await engine.queues.promote(room, user: "v2", by: streamer)
        let parsed = try ShowrunnerCommand.parseAsRoot(["queues", "verify", "--db", database.path])
        let command = try #require(parsed as? QueuesVerifyCommand)
        try await command.run()
        try await engine.store.write { db in try db.execute(sql: "DELETE FROM queue_members WHERE user_id = 'v2'") }
        await #expect(throws: ExitCode(1)) { try await command.run() }
        let missing = try ShowrunnerCommand.parseAsRoot(["queues", "verify", "--db", database.path + ".none"])
        await #expect(throws: ValidationError.self) { try await (missing as? QueuesVerifyCommand)?.run() }
    }
}
