import EngineTesting
import Foundation
@testable import Rooms
@testable import Storage
import Testing
@testable import Engine

/// What every `QueueStore` backend must do (see the protocol's doc comments).
@Suite("QueueStore conformance")
struct QueueStoreConformanceTests {
    static let backends: [StoreBackend<any QueueStore>] = [.sqlite { SQLiteQueueStore($0) }]

    static let room = Room(id: "r1", streamerID: "s1", title: "Room", category: "games", createdAt: 0)

    struct Aborted: Error {}

    @Test(arguments: backends)
    func settingsStartAtVersionOneAndEveryChangeBumpsIt(_ backend: StoreBackend<any QueueStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (store, _) = try backend.open(tmp)
            #expect(try await store.read { tx in try tx.settings(roomID: "r1") } == nil)
            let gate = GateChoice(template: "fan-medal", params: ["level": GateParamValue(.integer(3))])
            let gateJSON = String(decoding: try JSONEncoder.sorted.encode(gate), as: UTF8.self)
            try await store.write { tx in
                try tx.saveSettings(Self.room, open: true, game: "chess", waitingCapacity: 5, gameCapacity: 2, gateJSON: gateJSON, at: 10)
            }
            let first = try #require(try await store.read { tx in try tx.settings(roomID: "r1") })
            #expect(first.open && first.game == "chess" && first.waitingCapacity == 5 && first.gameCapacity == 2 && first.version == 1)
            #expect(first.gate == gate)
            try await store.write { tx in
                try tx.saveSettings(Self.room, open: true, game: "go", waitingCapacity: 7, gameCapacity: 3, gateJSON: nil, at: 20)
                try tx.bumpVersion(roomID: "r1", at: 21)
            }
            let second = try #require(try await store.read { tx in try tx.settings(roomID: "r1") })
            #expect(second.game == "go" && second.waitingCapacity == 7 && second.gate == nil && second.version == 3)
            try await store.write { tx in try tx.close(roomID: "r1", at: 30) }
            let closed = try #require(try await store.read { tx in try tx.settings(roomID: "r1") })
            #expect(!closed.open && closed.version == 4 && closed.game == "go")
        }
    }

    @Test(arguments: backends)
    func listsAreOrderedByJoinTimeThenFactAndMovesAreRecorded(_ backend: StoreBackend<any QueueStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (store, _) = try backend.open(tmp)
            try await store.write { tx in
                try tx.saveSettings(Self.room, open: true, game: "chess", waitingCapacity: 5, gameCapacity: 2, gateJSON: nil, at: 1)
                // Joined in this order, two at the same time: the fact's sequence breaks the tie.
                for (user, at) in [("b", Int64(5)), ("a", 5), ("c", 4)] {
                    let membership = try tx.openMembership(roomID: "r1", userID: user, at: at)
                    let seq = try tx.appendMove(roomID: "r1", userID: user, action: "enter_waiting", actor: user, reason: nil, membership: membership, at: at)
                    try tx.insertMember(roomID: "r1", userID: user, queue: "waiting", joinedAt: at, seq: seq, membership: membership)
                }
            }
            let waiting = try await store.read { tx in try tx.listed(roomID: "r1", queue: "waiting", limit: 10) }
            #expect(waiting.map(\.userID) == ["c", "b", "a"])
            #expect(try await store.read { tx in try tx.listed(roomID: "r1", queue: "waiting", limit: 2) }.map(\.userID) == ["c", "b"])
            #expect(try await store.read { tx in try tx.count(roomID: "r1", queue: "waiting") } == 3)
            #expect(try await store.read { tx in try tx.count(roomID: "r2", queue: "waiting") } == 0)

            // a moves to the game list; the others leave in two ways.
            try await store.write { tx in
                let a = try #require(try tx.member(roomID: "r1", userID: "a"))
                _ = try tx.appendMove(roomID: "r1", userID: "a", action: "leave_waiting", actor: "s1", reason: "promoted", membership: a.membership, at: 9)
                let seq = try tx.appendMove(roomID: "r1", userID: "a", action: "enter_game", actor: "s1", reason: nil, membership: a.membership, at: 9)
                try tx.moveToGame(roomID: "r1", userID: "a", joinedAt: 9, seq: seq)
                try tx.markPlaying(membership: a.membership, at: 9)
                let c = try #require(try tx.member(roomID: "r1", userID: "c"))
                _ = try tx.appendMove(roomID: "r1", userID: "c", action: "leave_waiting", actor: "c", reason: nil, membership: c.membership, at: 10)
                try tx.deleteMember(roomID: "r1", userID: "c")
                try tx.endMembership(c.membership, state: "left", reason: nil, at: 10)
            }
            let members = try await store.read { tx in try tx.members(roomID: "r1") }
            #expect(members.map(\.user) == ["b", "a"] && members.map(\.queue) == ["waiting", "game"])
            #expect(try await store.read { tx in try tx.member(roomID: "r1", userID: "c") } == nil)
            let a = try #require(try await store.read { tx in try tx.member(roomID: "r1", userID: "a") })
            #expect(a.queue == "game" && a.joinedAt == 9)
            // What the verifier reads agrees with the moves.
            #expect(try await QueueVerifier.differences(in: store) == [])
            let records = try await store.verificationRecords()
            #expect(records.facts.map(\.action) == ["enter_waiting", "enter_waiting", "enter_waiting", "leave_waiting", "enter_game", "leave_waiting"])
            #expect(records.facts.map(\.seq) == records.facts.map(\.seq).sorted())
            #expect(records.memberships.map(\.state).sorted() == ["left", "playing", "waiting"])
            #expect(records.memberships.first { $0.state == "left" }?.endedAt == 10)
        }
    }

    @Test(arguments: backends)
    func aThrowRollsBackEveryWriteOfTheTransactionJournalFactsIncluded(_ backend: StoreBackend<any QueueStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (store, facts) = try backend.open(tmp)
            await #expect(throws: Aborted.self) {
                try await store.write { tx in
                    try tx.saveSettings(Self.room, open: true, game: "chess", waitingCapacity: 5, gameCapacity: 2, gateJSON: nil, at: 1)
                    try tx.bindGameAccount(userID: "v1", game: "chess", account: "acc-1", at: 1)
                    try tx.journal(type: Queues.joinedType, payload: ["room_id": "r1"], at: 1)
                    throw Aborted()
                }
            }
            #expect(try await store.read { tx in try tx.settings(roomID: "r1") } == nil)
            #expect(try await store.read { tx in try tx.gameAccount(userID: "v1", game: "chess") } == nil)
            #expect(try await facts(Queues.joinedType).isEmpty)

            try await store.write { tx in
                try tx.bindGameAccount(userID: "v1", game: "chess", account: "acc-1", at: 1)
                try tx.journal(type: Queues.joinedType, payload: ["room_id": "r1"], at: 1)
            }
            try await store.write { tx in try tx.bindGameAccount(userID: "v1", game: "chess", account: "acc-2", at: 2) }
            #expect(try await store.read { tx in try tx.gameAccount(userID: "v1", game: "chess") } == "acc-2")
            #expect(try await store.read { tx in try tx.gameAccount(userID: "v1", game: "go") } == nil)
            #expect(try await facts(Queues.joinedType) == [#"{"room_id":"r1"}"#])
        }
    }

    @Test(arguments: backends)
    func aReadCannotWrite(_ backend: StoreBackend<any QueueStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (store, _) = try backend.open(tmp)
            await #expect(throws: (any Error).self) {
                try await store.read { tx in try tx.bindGameAccount(userID: "v1", game: "chess", account: "acc", at: 1) }
            }
            #expect(try await store.read { tx in try tx.gameAccount(userID: "v1", game: "chess") } == nil)
        }
    }
}
