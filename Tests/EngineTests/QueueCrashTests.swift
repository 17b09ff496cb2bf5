import Engine
@testable import EngineCore
import EngineTesting
import Foundation
import GRDB
@testable import Rooms
@testable import Scripting
@testable import Showrunner
@testable import Storage
import Synchronization
import Testing

/// Random queue operations against a model, with crashes: a change aborted half-way inside its
/// transaction (at every fault point the queue code declares), and the engine dropped and opened
/// again from its file. After every step the facts rebuild exactly the live state
/// (`QueueVerifier`) and the live state is the model's.
///
/// `SHOWRUNNER_QUEUE_CRASH_SEEDS` and `SHOWRUNNER_QUEUE_CRASH_STEPS` make a longer soak run.
@Suite("Queue crash test")
struct QueueCrashTests {
    static let seeds = SoakKnobs.count("SHOWRUNNER_QUEUE_CRASH_SEEDS", default: 3)
    static let steps = SoakKnobs.count("SHOWRUNNER_QUEUE_CRASH_STEPS", default: 250)
    static let waitingCapacity: Int64 = 5
    static let gameCapacity: Int64 = 2

    struct Crash: Error {}

    /// Throws at the armed fault point once.
    final class Faults: Sendable {
        let armed = Mutex<String?>(nil)
        func hit(_ point: String) throws {
            let fire = armed.withLock { a -> Bool in
                guard a == point else { return false }
                a = nil
                return true
            }
            if fire { throw Crash() }
        }
    }

    @Test("random applies, leaves, promotions, removals and clears with crashes: facts and state always agree", arguments: 0..<seeds)
    func random(seed: Int) async throws {
        let database = try TemporaryDatabase()
        let folder = try ScriptFolder([:])
        defer { withExtendedLifetime(database) { folder.remove() } }
        let options = EngineOptions(databasePath: database.path, scriptsPath: folder.path)
        var engine = try EngineParts.open(options, logger: .quiet())
        let faults = Faults()
        func queues(_ e: EngineParts) -> Queues {
            Queues(store: SQLiteQueueStore(e.store), gates: e.queueGates, privileges: e.privileges, bus: e.bus, faults: { try faults.hit($0) })
        }
        var q = queues(engine)
        let room = try await engine.rooms.create(NewRoom(id: "r1", streamerID: "s1", title: "Room", category: "games"))
        let streamer = Principal(userID: "s1", role: .streamer, expiresAt: .distantFuture)
        _ = try await q.configure(room, by: streamer, QueueSettings(
            open: true, game: "chess", waitingCapacity: Self.waitingCapacity, gameCapacity: Self.gameCapacity))
        var rng = Scripting.SeededRandom(seed: UInt64(seed) &+ 0x5eed)
        var model: [String: String] = [:]  // user -> waiting | game
        var open = true
        var crashes = 0
        for step in 0..<Self.steps {
            let user = "v\(rng.next(upTo: 8))"
            let crash = rng.next(upTo: 5) == 0
            let op = rng.next(upTo: 10)
            let point: String
            var next = model
            var nextOpen = open
            let action: () async throws -> Void
            switch op {
            case 0..<4:
                point = "apply"
                if open, model[user] == nil, Int64(model.values.filter { $0 == "waiting" }.count) < Self.waitingCapacity { next[user] = "waiting" }
                action = { _ = try await q.apply(room, viewer: user) }
            case 4, 5:
                point = "leave"
                next[user] = nil
                action = { _ = try await q.leave(room, user: user, by: Principal(userID: user, role: .viewer, expiresAt: .distantFuture), reason: nil) }
            case 6, 7:
                point = "promote"
                if model[user] == "waiting", Int64(model.values.filter { $0 == "game" }.count) < Self.gameCapacity { next[user] = "game" }
                action = { _ = try await q.promote(room, user: user, by: streamer) }
            case 8:
                point = "leave"
                next[user] = nil
                action = { _ = try await q.leave(room, user: user, by: streamer, reason: "random") }
            default:
                if rng.next(upTo: 3) == 0 {
                    point = "clear"
                    next = [:]
                    nextOpen = false
                    action = { _ = try await q.clear(room, by: streamer, reason: nil) }
                } else {
                    point = "none"
                    nextOpen = true
                    action = { _ = try await q.configure(room, by: streamer, QueueSettings(
                        open: true, game: "chess", waitingCapacity: Self.waitingCapacity, gameCapacity: Self.gameCapacity)) }
                }
            }
            // A crash only aborts a change that gets as far as its fault point.
            let reaches = point != "none" && next != model
            if crash, reaches { faults.armed.withLock { $0 = point } }
            do {
                try await action()
            } catch is Crash {
                crashes += 1
                next = model
                nextOpen = open
            } catch is RequestError {}
            faults.armed.withLock { $0 = nil }
            model = next
            open = nextOpen
            if step % 50 == 49 {
                engine = try EngineParts.open(options, logger: .quiet())
                q = queues(engine)
            }
            let (differences, live) = try await engine.store.read { db in
                (try QueueVerifier.differences(db),
                 try Row.fetchAll(db, sql: "SELECT user_id, queue FROM queue_members").reduce(into: [String: String]()) { $0[$1[0]] = $1[1] })
            }
            #expect(differences.isEmpty, "seed \(seed) step \(step): \(differences)")
            #expect(live == model, "seed \(seed) step \(step)")
            if !differences.isEmpty || live != model { return }
        }
        #expect(crashes > 10, "the run crashed \(crashes) times")
    }

    @Test("the verifier names each kind of disagreement")
    func verifierFindsDifferences() async throws {
        let database = try TemporaryDatabase()
        let folder = try ScriptFolder([:])
        defer { withExtendedLifetime(database) { folder.remove() } }
        let engine = try EngineParts.open(EngineOptions(databasePath: database.path, scriptsPath: folder.path), logger: .quiet())
        let room = try await engine.rooms.create(NewRoom(id: "r1", streamerID: "s1", title: "Room", category: "games"))
        let streamer = Principal(userID: "s1", role: .streamer, expiresAt: .distantFuture)
        _ = try await engine.queues.configure(room, by: streamer, QueueSettings(open: true, game: "chess", waitingCapacity: 5, gameCapacity: 2))
        for u in ["v1", "v2", "v3"] { _ = try await engine.queues.apply(room, viewer: u) }
        let clean = try await engine.store.read { db in try QueueVerifier.differences(db) }
        #expect(clean.isEmpty)
        let found = try await engine.store.write { db in
            try db.execute(sql: "DELETE FROM queue_members WHERE user_id = 'v1'")
            try db.execute(sql: "UPDATE queue_members SET queue = 'game' WHERE user_id = 'v2'")
            try db.execute(sql: "INSERT INTO queue_members (room_id, user_id, queue, joined_at, seq, membership) VALUES ('r1', 'v9', 'waiting', 0, 99, 99)")
            try db.execute(sql: "UPDATE queue_memberships SET state = 'left' WHERE user_id = 'v3'")
            return try QueueVerifier.differences(db)
        }
        #expect(found.count == 4)
        #expect(found.contains { $0.hasPrefix("r1/v1: the facts have them in waiting") })
        #expect(found.contains { $0.hasPrefix("r1/v2: the facts say waiting") })
        #expect(found.contains { $0.hasPrefix("r1/v9: the state has them in waiting") })
        #expect(found.contains { $0.contains("(r1/v3): state left after its last fact enter_waiting") })
    }
}
