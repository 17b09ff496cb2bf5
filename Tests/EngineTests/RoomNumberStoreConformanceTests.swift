@testable import Books
import EngineTesting
@testable import Rooms
@testable import Storage
import Testing
@testable import Engine

/// The rooms a room-number transaction checks, on the database of the store under test.
protocol RoomNumberStoreNeighbours: Sendable {
    var roomStore: any RoomStore { get }
}

extension SQLiteRoomNumberStore: RoomNumberStoreNeighbours {
    var roomStore: any RoomStore { SQLiteRoomStore(store) }
}

/// What every `RoomNumberStore` backend must do (see the protocols' doc comments).
@Suite("RoomNumberStore conformance")
struct RoomNumberStoreConformanceTests {
    static let backends: [StoreBackend<any RoomNumberStore>] = [.sqlite { SQLiteRoomNumberStore($0, ledger: Ledger(store: $0)) }]

    /// A stored row as text to compare (`-` for nil).
    static func text(_ r: RoomNumbers.Record?) -> String {
        guard let r else { return "none" }
        let times = [r.assignedAt, r.releasedAt, r.priceCoins].map { $0.map(String.init) ?? "-" }
        return ([r.number, r.roomID ?? "-"] + times).joined(separator: ":")
    }

    static func text(_ a: (roomID: String?, releasedAt: Int64?, priceCoins: Int64?)?) -> String {
        guard let a else { return "none" }
        return [a.roomID ?? "-", a.releasedAt.map(String.init) ?? "-", a.priceCoins.map(String.init) ?? "-"].joined(separator: ":")
    }

    @Test(arguments: backends)
    func aNumberIsHeldReleasedListedAndUnlisted(_ backend: StoreBackend<any RoomNumberStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (store, _) = try backend.open(tmp)
            /// The room holding `number`, the number `room` holds, what an assignment checks and the listed price.
            func seen(_ number: String, room: String) async throws -> [String] {
                try await store.read { tx in
                    [try tx.roomID(holding: number) ?? "-", try tx.number(ofRoom: room) ?? "-", Self.text(try tx.assignability(of: number)),
                        try tx.listedPrice(of: number).map(String.init) ?? "-"]
                }
            }
            func record(_ number: String) async throws -> RoomNumbers.Record? { try await store.read { tx in try tx.record(of: number) } }
            func unlist(_ number: String) async throws -> Bool { try await store.write { tx in try tx.unlist(number) } }
            #expect(try await seen("888", room: "r1") == ["-", "-", "none", "-"])
            #expect(Self.text(try await record("888")) == "none")

            try await store.write { tx in try tx.saveAssignment("888", roomID: "r1", at: 10) }
            #expect(try await seen("888", room: "r1") == ["r1", "888", "r1:-:-", "-"])
            #expect(Self.text(try await record("888")) == "888:r1:10:-:-")

            try await store.write { tx in try tx.markReleased("888", at: 20) }
            #expect(try await seen("888", room: "r1") == ["-", "-", "-:20:-", "-"])
            let released = try #require(try await record("888"))
            #expect(released.roomID == nil && released.releasedAt == 20 && released.priceCoins == nil)

            // A listing stores a number never stored; an assignment ends it.
            try await store.write { tx in try tx.saveListing("777", priceCoins: 500, at: 30) }
            #expect(try await seen("777", room: "r2") == ["-", "-", "-:-:500", "500"])
            #expect(Self.text(try await record("777")) == "777:-:-:-:500")
            try await store.write { tx in try tx.saveListing("777", priceCoins: 600, at: 31) }
            #expect(try await seen("777", room: "r2") == ["-", "-", "-:-:600", "600"])
            try await store.write { tx in try tx.saveAssignment("777", roomID: "r2", at: 40) }
            #expect(try await seen("777", room: "r2") == ["r2", "777", "r2:-:-", "-"])
            #expect(Self.text(try await record("777")) == "777:r2:40:-:-")

            try await store.write { tx in try tx.saveListing("555", priceCoins: 100, at: 50) }
            #expect(try await unlist("555"))
            #expect(try await seen("555", room: "r3") == ["-", "-", "-:-:-", "-"])
            #expect(try await unlist("555") == false, "no longer listed")
            #expect(try await unlist("444") == false, "never stored")
            #expect(try await unlist("777") == false, "held, not listed")
        }
    }

    @Test(arguments: backends)
    func roomsAreCheckedInTheStoresOwnDatabase(_ backend: StoreBackend<any RoomNumberStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (store, _) = try backend.open(tmp)
            let rooms = try #require(store as? any RoomNumberStoreNeighbours).roomStore
            func exist() async throws -> [Bool] { try await store.read { tx in [try tx.roomExists(id: "r1"), try tx.roomExists(id: "r2")] } }
            #expect(try await exist() == [false, false])
            _ = try await rooms.insert(Room(id: "r1", streamerID: "s1", title: "T", category: "games", createdAt: 1))
            #expect(try await exist() == [true, false])
        }
    }

    @Test(arguments: backends)
    func recordsListHeldListedAndCoolingNumbersInNumericOrder(_ backend: StoreBackend<any RoomNumberStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (store, _) = try backend.open(tmp)
            try await store.write { tx in
                try tx.saveAssignment("9", roomID: "r1", at: 1)
                try tx.saveListing("10", priceCoins: 50, at: 2)
                try tx.saveAssignment("100", roomID: "r2", at: 3)
                try tx.markReleased("100", at: 1_000)
                try tx.saveAssignment("11", roomID: "r3", at: 4)
                try tx.markReleased("11", at: 500)
                try tx.saveListing("20", priceCoins: 70, at: 5)
                _ = try tx.unlist("20")
            }
            func numbers(after: String? = nil, limit: Int = 10, now: Int64 = 1_100) async throws -> [String] {
                try await store.read { tx in try tx.records(after: after, limit: limit, coolDownMillis: 600, now: now) }.map(\.number)
            }
            // "11" was released exactly 600 ms before: no longer cooling. "20" is stored but free.
            #expect(try await numbers() == ["9", "10", "100"])
            #expect(try await numbers(now: 1_099) == ["9", "10", "11", "100"])
            #expect(try await numbers(limit: 3) == ["9", "10", "100"])
            #expect(try await numbers(limit: 2) == ["9", "10"])
            #expect(try await numbers(after: "9") == ["10", "100"])
            #expect(try await numbers(after: "10", limit: 1) == ["100"])
            #expect(try await numbers(after: "100") == [])
            let rows = try await store.read { tx in try tx.records(after: nil, limit: 10, coolDownMillis: 600, now: 1_100) }.map(Self.text)
            #expect(rows == ["9:r1:1:-:-", "10:-:-:-:50", "100:-:-:1000:-"])
        }
    }

    @Test(arguments: backends)
    func purchasesAreRecordedPerBuyerAndKey(_ backend: StoreBackend<any RoomNumberStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (store, _) = try backend.open(tmp)
            func record(_ buyer: String, _ key: String) async throws -> String {
                try await store.read { tx in
                    try tx.purchaseRecord(buyer: buyer, key: key).map { "\($0.bodyHash)|\($0.status)|\($0.outcomeJSON)" } ?? "none"
                }
            }
            #expect(try await record("u1", "k1") == "none")
            try await store.write { tx in
                try tx.recordPurchase(buyer: "u1", key: "k1", bodyHash: "h1", status: "ok", outcomeJSON: #"{"number":"888"}"#, at: 1)
                try tx.recordPurchase(buyer: "u1", key: "k2", bodyHash: "h2", status: "failed", outcomeJSON: #"{"error":"x"}"#, at: 2)
            }
            #expect(try await record("u1", "k1") == #"h1|ok|{"number":"888"}"#)
            #expect(try await record("u1", "k2") == #"h2|failed|{"error":"x"}"#)
            #expect(try await record("u2", "k1") == "none", "another buyer's keys are their own")
        }
    }

    @Test(arguments: backends)
    func aThrowRollsBackEveryWriteLedgerAndJournalIncluded(_ backend: StoreBackend<any RoomNumberStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (store, facts) = try backend.open(tmp)
            let error = await thrown {
                try await store.write { tx in
                    try tx.saveAssignment("888", roomID: "r1", at: 1)
                    try tx.saveListing("777", priceCoins: 5, at: 1)
                    try tx.recordPurchase(buyer: "u1", key: "k1", bodyHash: "h", status: "ok", outcomeJSON: "{}", at: 1)
                    _ = try tx.ledger.apply([coinsTopUp("t1", "u1", 50)], now: 1)
                    try tx.journal.append(type: RoomNumbers.assignedType, payload: ["number": "888"], at: 1)
                    throw Aborted()
                }
            }
            #expect(error is Aborted)
            let (records, purchase, moved, balance) = try await store.read { tx in
                ([Self.text(try tx.record(of: "888")), Self.text(try tx.record(of: "777"))], try tx.purchaseRecord(buyer: "u1", key: "k1") == nil,
                    try tx.ledger.transferExists(id: "t1"), try tx.ledger.balance(.user("u1", "coins")))
            }
            #expect(records == ["none", "none"] && purchase && !moved && balance == 0)
            #expect(try await facts(RoomNumbers.assignedType).isEmpty)
        }
    }

    @Test(arguments: backends)
    func aReadSeesOneSnapshotAndCannotWrite(_ backend: StoreBackend<any RoomNumberStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (store, _) = try backend.open(tmp)
            try await store.write { tx in try tx.saveAssignment("888", roomID: "r1", at: 1) }
            let seen = try await snapshotReads(
                { body in try await store.read(body) }, value: { (tx: any RoomNumberTransaction) in try tx.roomID(holding: "888") ?? "-" },
                during: { try await store.write { tx in try tx.markReleased("888", at: 2) } })
            #expect(seen.first == "r1" && seen.second == "r1" && seen.after == "-")
            let refused = await thrown { try await store.read { tx in try tx.saveListing("777", priceCoins: 5, at: 3) } }
            #expect(refused != nil)
            let price = try await store.read { tx in try tx.listedPrice(of: "777") }
            #expect(price == nil)
        }
    }
}
