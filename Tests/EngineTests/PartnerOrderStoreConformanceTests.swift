@testable import Books
import EngineTesting
@testable import Rooms
@testable import Storage
import Testing
@testable import Engine

/// The rooms and partners a partner-order transaction reads, on the database of the store under test.
protocol PartnerOrderStoreNeighbours: Sendable {
    var roomStore: any RoomStore { get }
    var partnerStore: any PartnerStore { get }
}

extension SQLitePartnerOrderStore: PartnerOrderStoreNeighbours {
    var roomStore: any RoomStore { SQLiteRoomStore(store) }
    var partnerStore: any PartnerStore { SQLitePartnerStore(store) }
}

/// What every `PartnerOrderStore` backend must do (see the protocols' doc comments).
@Suite("PartnerOrderStore conformance")
struct PartnerOrderStoreConformanceTests {
    static let backends: [StoreBackend<any PartnerOrderStore>] = [.sqlite { SQLitePartnerOrderStore($0, ledger: Ledger(store: $0)) }]

    static func debit(_ partner: String, _ order: String, room: String? = "r1", share: Int64? = 30, at: Int64 = 10) -> PartnerDebit {
        PartnerDebit(
            partnerID: partner, partnerOrderID: order, userID: "u1", amountCoins: 100, memo: "game \(order)",
            transferID: "partner:\(partner):\(order)", debitedAt: at, roomID: room, streamerID: room == nil ? nil : "s1",
            streamerShare: room == nil ? nil : share)
    }

    static func refund(
        _ partner: String, _ id: String, of order: String, amount: Int64, at: Int64, user: String = "u1", share: Int64? = 3
    ) -> PartnerRefund {
        PartnerRefund(
            partnerID: partner, refundID: id, partnerOrderID: order, userID: user, amountCoins: amount, transferID: "partner:\(partner):refund:\(id)",
            refundedAt: at, streamerID: share == nil ? nil : "s1", streamerShare: share)
    }

    @Test(arguments: backends)
    func debitsAreKeyedByPartnerAndOrderAndKeepTheirRoomAndShare(_ backend: StoreBackend<any PartnerOrderStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (store, _) = try backend.open(tmp)
            func debit(_ partner: String, _ order: String) async throws -> PartnerDebit? {
                try await store.read { tx in try tx.debit(partner: partner, orderID: order) }
            }
            #expect(try await debit("p1", "o1") == nil)
            let inRoom = Self.debit("p1", "o1")
            let noRoom = Self.debit("p1", "o2", room: nil)
            let otherPartner = Self.debit("p2", "o1", share: 0, at: 11)
            try await store.write { tx in
                try tx.insert(inRoom)
                try tx.insert(noRoom)
                try tx.insert(otherPartner)
            }
            #expect(try await debit("p1", "o1") == inRoom)
            #expect(try await debit("p2", "o1") == otherPartner)
            // Without a room there is no streamer and no share.
            let plain = try #require(try await debit("p1", "o2"))
            #expect(plain == noRoom && plain.roomID == nil && plain.streamerID == nil && plain.streamerShare == nil)
            #expect(try await debit("p1", "o3") == nil)
            #expect(try await debit("p3", "o1") == nil)
        }
    }

    @Test(arguments: backends)
    func refundsListOldestFirstThenByIdAndAnswerTheirOrdersUserAndStreamer(_ backend: StoreBackend<any PartnerOrderStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (store, _) = try backend.open(tmp)
            try await store.write { tx in
                try tx.insert(Self.debit("p1", "o1"))
                try tx.insert(Self.debit("p1", "o2", room: nil))
                try tx.insert(Self.debit("p2", "o1"))
            }
            func refunds(_ partner: String, _ order: String) async throws -> [PartnerRefund] {
                try await store.read { tx in try tx.refunds(partner: partner, orderID: order) }
            }
            func refund(_ partner: String, _ id: String) async throws -> PartnerRefund? {
                try await store.read { tx in try tx.refund(partner: partner, refundID: id) }
            }
            #expect(try await refunds("p1", "o1") == [])
            try await store.write { tx in
                try tx.insert(Self.refund("p1", "rf2", of: "o1", amount: 10, at: 30))
                try tx.insert(Self.refund("p1", "rf1", of: "o1", amount: 20, at: 30))
                try tx.insert(Self.refund("p1", "rf0", of: "o1", amount: 5, at: 20))
                try tx.insert(Self.refund("p1", "rf9", of: "o2", amount: 7, at: 40, share: nil))
                try tx.insert(Self.refund("p2", "rf1", of: "o1", amount: 1, at: 50))
            }
            #expect(try await refunds("p1", "o1") == [
                Self.refund("p1", "rf0", of: "o1", amount: 5, at: 20), Self.refund("p1", "rf1", of: "o1", amount: 20, at: 30),
                Self.refund("p1", "rf2", of: "o1", amount: 10, at: 30),
            ])
            #expect(try await refund("p1", "rf1") == Self.refund("p1", "rf1", of: "o1", amount: 20, at: 30))
            #expect(try await refund("p2", "rf1") == Self.refund("p2", "rf1", of: "o1", amount: 1, at: 50))
            // Of any order: without a room, no streamer and no share.
            let noRoom = try #require(try await refund("p1", "rf9"))
            #expect(noRoom == Self.refund("p1", "rf9", of: "o2", amount: 7, at: 40, share: nil))
            #expect(try await refunds("p1", "o2") == [noRoom])
            #expect(try await refund("p1", "rf8") == nil)
            #expect(try await refunds("p3", "o1") == [])
        }
    }

    @Test(arguments: backends)
    func aRefundAnswersItsOrdersUserNotItsOwn(_ backend: StoreBackend<any PartnerOrderStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (store, _) = try backend.open(tmp)
            try await store.write { tx in
                try tx.insert(Self.debit("p1", "o1"))
                try tx.insert(Self.refund("p1", "rf1", of: "o1", amount: 5, at: 20, user: "someone-else"))
            }
            let users = try await store.read { tx in
                [try tx.refund(partner: "p1", refundID: "rf1")?.userID] + (try tx.refunds(partner: "p1", orderID: "o1").map(\.userID))
            }
            #expect(users == ["u1", "u1"])
        }
    }

    @Test(arguments: backends)
    func roomsStreamersAndPartnersSharesAreRead(_ backend: StoreBackend<any PartnerOrderStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (store, _) = try backend.open(tmp)
            let neighbours = try #require(store as? any PartnerOrderStoreNeighbours)
            func streamers() async throws -> [String?] {
                try await store.read { tx in [try tx.streamer(ofRoom: "r1"), try tx.streamer(ofRoom: "r2")] }
            }
            func shares() async throws -> [Int64?] {
                try await store.read { tx in try ["p1", "p2", "p3"].map { try tx.streamerShareBP(partner: $0) } }
            }
            #expect(try await streamers() == [nil, nil])
            #expect(try await shares() == [nil, nil, nil])
            _ = try await neighbours.roomStore.insert(Room(id: "r1", streamerID: "s1", title: "T", category: "games", createdAt: 1))
            _ = try await neighbours.partnerStore.register(
                Partners.Partner(id: "p1", name: "P1", createdBy: "op", createdAt: 1, streamerShareBP: 2_500), secret: "s", registrationJSON: "{}")
            _ = try await neighbours.partnerStore.register(
                Partners.Partner(id: "p2", name: "P2", createdBy: "op", createdAt: 1), secret: "s", registrationJSON: "{}")
            #expect(try await streamers() == ["s1", nil])
            #expect(try await shares() == [2_500, 0, nil])
        }
    }

    @Test(arguments: backends)
    func aThrowRollsBackEveryWriteLedgerAndJournalIncluded(_ backend: StoreBackend<any PartnerOrderStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (store, facts) = try backend.open(tmp)
            let error = await thrown {
                try await store.write { tx in
                    try tx.insert(Self.debit("p1", "o1"))
                    try tx.insert(Self.refund("p1", "rf1", of: "o1", amount: 5, at: 20))
                    _ = try tx.ledger.apply([coinsTopUp("t1", "u1", 50)], now: 1)
                    try tx.journal.append(type: PartnerOrders.debitType, payload: ["partner_order_id": "o1"], at: 1)
                    throw Aborted()
                }
            }
            #expect(error is Aborted)
            let (debit, refund, moved, balance) = try await store.read { tx in
                (try tx.debit(partner: "p1", orderID: "o1"), try tx.refund(partner: "p1", refundID: "rf1"), try tx.ledger.transferExists(id: "t1"),
                    try tx.ledger.balance(.user("u1", "coins")))
            }
            #expect(debit == nil && refund == nil && !moved && balance == 0)
            #expect(try await facts(PartnerOrders.debitType).isEmpty)
        }
    }

    @Test(arguments: backends)
    func aReadSeesOneSnapshotAndCannotWrite(_ backend: StoreBackend<any PartnerOrderStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (store, _) = try backend.open(tmp)
            try await store.write { tx in try tx.insert(Self.debit("p1", "o1")) }
            let seen = try await snapshotReads(
                { body in try await store.read(body) },
                value: { (tx: any PartnerOrderTransaction) in try tx.refunds(partner: "p1", orderID: "o1").count },
                during: { try await store.write { tx in try tx.insert(Self.refund("p1", "rf1", of: "o1", amount: 5, at: 20)) } })
            #expect(seen.first == 0 && seen.second == 0 && seen.after == 1)
            let refused = await thrown { try await store.read { tx in try tx.insert(Self.debit("p1", "o2")) } }
            #expect(refused != nil)
            let debit = try await store.read { tx in try tx.debit(partner: "p1", orderID: "o2") }
            #expect(debit == nil)
        }
    }
}
