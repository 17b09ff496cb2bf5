@testable import Books
@testable import EngineCore
import EngineTesting
@testable import Storage
import Testing
@testable import Engine

/// What every `PrivilegeStore` backend must do (see the protocols' doc comments). The reads
/// of `PrivilegeReads` and the fan medals are in `PrivilegeStoreConformanceTests+Reads.swift`.
@Suite("PrivilegeStore conformance")
struct PrivilegeStoreConformanceTests {
    static let backends: [StoreBackend<any PrivilegeStore>] = [.sqlite { SQLitePrivilegeStore($0, ledger: Ledger(store: $0)) }]

    static func product(_ id: String, _ kind: PrivilegeProduct.Kind, title: String = "T", version: Int64 = 1) -> PrivilegeProduct {
        PrivilegeProduct(
            id: id, kind: kind, title: title, priority: 5, streamerShareBP: kind == .guard ? 3_000 : nil,
            tiers: [.init(id: "t1", title: "One", prices: [.init(days: 30, coins: 300)], badge: "b1")], version: version)
    }

    /// A holding as `holding` answers it, as text to compare.
    static func text(_ h: (tier: String, rank: Int64, startedAt: Int64, expiresAt: Int64, expiryJournaled: Bool)?) -> String {
        h.map { "\($0.tier):\($0.rank):\($0.startedAt):\($0.expiresAt):\($0.expiryJournaled)" } ?? "none"
    }

    @Test(arguments: backends)
    func productsAreStoredByIdAndReplacedWhole(_ backend: StoreBackend<any PrivilegeStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (store, _) = try backend.open(tmp)
            /// `gold`'s stored kind and version, and every product by id.
            func catalog() async throws -> (gold: String, all: [PrivilegeProduct]) {
                try await store.read { tx in
                    (try tx.productVersion(id: "gold").map { "\($0.kind):\($0.version)" } ?? "none", try tx.products().sorted { $0.id < $1.id })
                }
            }
            let empty = try await catalog()
            #expect(empty.gold == "none" && empty.all == [])
            let gold = Self.product("gold", .vip)
            let bond = Self.product("bond", .guard)
            try await store.write { tx in
                try tx.saveProduct(gold, at: 1)
                try tx.saveProduct(bond, at: 1)
            }
            let first = try await catalog()
            #expect(first.gold == "vip:1" && first.all == [bond, gold])
            let gold2 = Self.product("gold", .vip, title: "Gold", version: 2)
            try await store.write { tx in try tx.saveProduct(gold2, at: 2) }
            let second = try await catalog()
            #expect(second.gold == "vip:2" && second.all == [bond, gold2])
        }
    }

    @Test(arguments: backends)
    func aReplacedProductTakesItsNewKind(_ backend: StoreBackend<any PrivilegeStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (store, _) = try backend.open(tmp)
            try await store.write { tx in try tx.saveProduct(Self.product("ride", .vip), at: 1) }
            // `saveProduct` "creates or replaces `product` (its id, kind, version and body)". The domain
            // refuses a change of kind before it gets here (`kind_immutable`).
            try await store.write { tx in try tx.saveProduct(Self.product("ride", .vehicle, version: 2), at: 2) }
            let products = try await store.read { tx in try tx.products() }
            #expect(products == [Self.product("ride", .vehicle, version: 2)])
            let stored = try await store.read { tx in try tx.productVersion(id: "ride") }.map { "\($0.kind):\($0.version)" }
            #expect(stored == "vehicle:2")
        }
    }

    @Test(arguments: backends)
    func purchasesAreRecordedPerBuyerAndKeyAndHoldingsReplaced(_ backend: StoreBackend<any PrivilegeStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (store, _) = try backend.open(tmp)
            func record(_ buyer: String, _ key: String) async throws -> String {
                try await store.read { tx in try tx.purchaseRecord(buyer: buyer, key: key).map { "\($0.request)|\($0.outcomeJSON)" } ?? "none" }
            }
            func holding(_ scope: String) async throws -> String {
                try await store.read { tx in Self.text(try tx.holding(user: "u1", product: "bond", scope: scope)) }
            }
            #expect(try await record("u1", "k1") == "none")
            try await store.write { tx in try tx.recordPurchase(buyer: "u1", key: "k1", request: "gold\nt1\n30\n", outcomeJSON: #"{"a":1}"#, at: 1) }
            #expect(try await record("u1", "k1") == "gold\nt1\n30\n|" + #"{"a":1}"#)
            #expect(try await record("u2", "k1") == "none", "another buyer's keys are their own")
            #expect(try await record("u1", "k2") == "none")

            #expect(try await holding("s1") == "none")
            try await store.write { tx in
                try tx.saveHolding(user: "u1", product: "bond", scope: "s1", tier: "t1", rank: 1, startedAt: 10, expiresAt: 100)
                try tx.markExpiryJournaled(user: "u1", product: "bond", scope: "s1", expiresAt: 100)
            }
            #expect(try await holding("s1") == "t1:1:10:100:true")
            #expect(try await holding("s2") == "none")
            // A replacement takes every column and its expiry is not journaled.
            try await store.write { tx in
                try tx.saveHolding(user: "u1", product: "bond", scope: "s1", tier: "t2", rank: 2, startedAt: 20, expiresAt: 300)
            }
            #expect(try await holding("s1") == "t2:2:20:300:false")
        }
    }

    @Test(arguments: backends)
    func expiriesAreSweptEarliestFirstAndActiveHoldingsEndAtTheirTime(_ backend: StoreBackend<any PrivilegeStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (store, _) = try backend.open(tmp)
            try await store.write { tx in
                try tx.saveHolding(user: "u1", product: "gold", scope: "", tier: "t1", rank: 1, startedAt: 0, expiresAt: 100)
                try tx.saveHolding(user: "u2", product: "gold", scope: "", tier: "t2", rank: 2, startedAt: 0, expiresAt: 50)
                try tx.saveHolding(user: "u1", product: "bond", scope: "s1", tier: "t1", rank: 1, startedAt: 0, expiresAt: 200)
                try tx.saveHolding(user: "u3", product: "gold", scope: "", tier: "t1", rank: 1, startedAt: 0, expiresAt: 300)
            }
            func unswept(_ now: Int64, limit: Int = 10) async throws -> [String] {
                try await store.read { tx in try tx.unsweptExpiries(now: now, limit: limit) }
                    .map { "\($0.user):\($0.product):\($0.scope):\($0.tier):\($0.expiresAt)" }
            }
            #expect(try await unswept(49) == [])
            #expect(try await unswept(50) == ["u2:gold::t2:50"], "ended at `now` counts")
            #expect(try await unswept(200, limit: 3) == ["u2:gold::t2:50", "u1:gold::t1:100", "u1:bond:s1:t1:200"])
            #expect(try await unswept(200, limit: 2) == ["u2:gold::t2:50", "u1:gold::t1:100"])
            try await store.write { tx in
                try tx.markExpiryJournaled(user: "u2", product: "gold", scope: "", expiresAt: 50)
                try tx.markExpiryJournaled(user: "u1", product: "gold", scope: "", expiresAt: 99)  // not its end: nothing
            }
            #expect(try await unswept(200) == ["u1:gold::t1:100", "u1:bond:s1:t1:200"])
            // Renewed since: marking the old end does nothing.
            try await store.write { tx in
                try tx.saveHolding(user: "u1", product: "gold", scope: "", tier: "t1", rank: 1, startedAt: 0, expiresAt: 400)
                try tx.markExpiryJournaled(user: "u1", product: "gold", scope: "", expiresAt: 100)
            }
            #expect(try await unswept(400) == ["u1:bond:s1:t1:200", "u3:gold::t1:300", "u1:gold::t1:400"])

            func active(_ user: String, _ now: Int64) async throws -> [String] {
                try await store.read { tx in try tx.activeHoldings(user: user, now: now) }
                    .map { "\($0.product):\($0.scope):\($0.tier):\($0.rank):\($0.startedAt):\($0.expiresAt)" }.sorted()
            }
            #expect(try await active("u1", 199) == ["bond:s1:t1:1:0:200", "gold::t1:1:0:400"])
            #expect(try await active("u1", 200) == ["gold::t1:1:0:400"], "a holding ends at its expiry")
            #expect(try await active("u2", 0) == ["gold::t2:2:0:50"])
            #expect(try await active("u9", 0) == [])
        }
    }

    @Test(arguments: backends)
    func aThrowRollsBackEveryWriteLedgerAndJournalIncluded(_ backend: StoreBackend<any PrivilegeStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (store, facts) = try backend.open(tmp)
            let day = OperationsCalendar().key(.daily, at: 1)
            let error = await thrown {
                try await store.write { tx in
                    try tx.saveProduct(Self.product("gold", .vip), at: 1)
                    try tx.recordPurchase(buyer: "u1", key: "k1", request: "r", outcomeJSON: "{}", at: 1)
                    try tx.saveHolding(user: "u1", product: "gold", scope: "", tier: "t1", rank: 1, startedAt: 1, expiresAt: 100)
                    let rule = FanMedals.Rule(dailyCap: 10, levels: [1])
                    try tx.fanMedals.add(viewer: "u1", streamer: "s1", points: 5, rule: rule, day: day, now: 1)
                    try tx.wear(viewer: "u1", streamer: "s1", at: 1)
                    _ = try tx.ledger.apply([coinsTopUp("t1", "u1", 50)], now: 1)
                    try tx.journal.append(type: Privileges.boughtType, payload: ["buyer_id": "u1"], at: 1)
                    throw Aborted()
                }
            }
            #expect(error is Aborted)
            let (products, record, holding) = try await store.read { tx in
                (try tx.products(), try tx.purchaseRecord(buyer: "u1", key: "k1") == nil,
                    Self.text(try tx.holding(user: "u1", product: "gold", scope: "")))
            }
            #expect(products == [] && record && holding == "none")
            let (medal, worn, moved, balance) = try await store.read { tx in
                (try tx.medal(viewer: "u1", streamer: "s1", day: day), try tx.wornMedal(viewer: "u1"), try tx.ledger.transferExists(id: "t1"),
                    try tx.ledger.balance(.user("u1", "coins")))
            }
            #expect(medal == nil && worn == nil && !moved && balance == 0)
            #expect(try await facts(Privileges.boughtType).isEmpty)
        }
    }

    @Test(arguments: backends)
    func aReadSeesOneSnapshotAndCannotWrite(_ backend: StoreBackend<any PrivilegeStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (store, _) = try backend.open(tmp)
            try await store.write { tx in
                try tx.saveHolding(user: "u1", product: "gold", scope: "", tier: "t1", rank: 1, startedAt: 0, expiresAt: 100)
            }
            let seen = try await snapshotReads(
                { body in try await store.read(body) }, value: { (tx: any PrivilegeTransaction) in try tx.activeHoldings(user: "u1", now: 0).count },
                during: {
                    try await store.write { tx in
                        try tx.saveHolding(user: "u1", product: "bond", scope: "s1", tier: "t1", rank: 1, startedAt: 0, expiresAt: 100)
                    }
                })
            #expect(seen.first == 1 && seen.second == 1 && seen.after == 2)
            let refused = await thrown {
                try await store.read { tx in try tx.recordPurchase(buyer: "u1", key: "k1", request: "r", outcomeJSON: "{}", at: 1) }
            }
            #expect(refused != nil)
            let record = try await store.read { tx in try tx.purchaseRecord(buyer: "u1", key: "k1") }
            #expect(record == nil)
        }
    }
}
