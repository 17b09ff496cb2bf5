import EngineTesting
@testable import Rooms
import Testing
@testable import Engine

extension PrivilegeStoreConformanceTests {
    @Test(arguments: backends)
    func guardsVipLinesAndActiveHoldingsAreReadAtATime(_ backend: StoreBackend<any PrivilegeStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (store, _) = try backend.open(tmp)
            try await store.write { tx in
                for (id, kind) in [("gold", PrivilegeProduct.Kind.vip), ("bond", .guard), ("bond2", .guard), ("car", .vehicle)] {
                    try tx.saveProduct(Self.product(id, kind), at: 1)
                }
                try tx.saveHolding(user: "u1", product: "bond", scope: "s0", tier: "t1", rank: 1, startedAt: 0, expiresAt: 500)
                try tx.saveHolding(user: "u1", product: "bond", scope: "s1", tier: "t2", rank: 2, startedAt: 0, expiresAt: 500)
                try tx.saveHolding(user: "u1", product: "bond2", scope: "s1", tier: "t3", rank: 3, startedAt: 0, expiresAt: 300)
                try tx.saveHolding(user: "u1", product: "gold", scope: "", tier: "t1", rank: 1, startedAt: 0, expiresAt: 1_000)
                try tx.saveHolding(user: "u1", product: "car", scope: "", tier: "t1", rank: 1, startedAt: 0, expiresAt: 1_000)
            }
            func guardHeld(_ streamer: String, _ now: Int64) async throws -> String {
                try await store.read { tx in try tx.guardHeld(viewer: "u1", streamer: streamer, now: now) }
                    .map { "\($0.tier):\($0.rank):\($0.product):\($0.expiresAt)" } ?? "none"
            }
            // The highest-ranked guard held now.
            #expect(try await guardHeld("s1", 0) == "t3:3:bond2:300")
            #expect(try await guardHeld("s1", 300) == "t2:2:bond:500")
            #expect(try await guardHeld("s1", 500) == "none")
            #expect(try await guardHeld("s9", 0) == "none")
            func vip(_ line: String, _ now: Int64) async throws -> String {
                try await store.read { tx in try tx.vipHeld(user: "u1", line: line, now: now) }
                    .map { "\($0.tier):\($0.rank):\($0.expiresAt)" } ?? "none"
            }
            #expect(try await vip("gold", 999) == "t1:1:1000")
            #expect(try await vip("gold", 1_000) == "none")
            #expect(try await vip("car", 0) == "none", "a vehicle is not a VIP line")
            let otherUser = try await store.read { tx in try tx.vipHeld(user: "u2", line: "gold", now: 0) }
            #expect(otherUser == nil)
            func kinds(_ now: Int64) async throws -> [String] {
                try await store.read { tx in try tx.activeHoldingKinds(user: "u1", now: now) }
                    .map { "\($0.product):\($0.kind):\($0.tier):\($0.rank):\($0.scope):\($0.expiresAt)" }
            }
            // By product, then scope.
            #expect(try await kinds(0) == [
                "bond:guard:t1:1:s0:500", "bond:guard:t2:2:s1:500", "bond2:guard:t3:3:s1:300", "car:vehicle:t1:1::1000", "gold:vip:t1:1::1000",
            ])
            #expect(try await kinds(500) == ["car:vehicle:t1:1::1000", "gold:vip:t1:1::1000"])
            let none = try await store.read { tx in try tx.activeHoldingKinds(user: "u2", now: 0) }
            #expect(none.isEmpty)
        }
    }

    @Test(arguments: backends)
    func medalsListMostPointsFirstWithTheDaysPointsAndOneIsWorn(_ backend: StoreBackend<any PrivilegeStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (store, _) = try backend.open(tmp)
            let (d1, d2) = ("2026-03-01", "2026-03-02")
            func medal(_ streamer: String, _ day: String) async throws -> FanMedals.Medal? {
                try await store.read { tx in try tx.medal(viewer: "v1", streamer: streamer, day: day) }
            }
            func medals(_ limit: Int, _ day: String) async throws -> [FanMedals.Medal] {
                try await store.read { tx in try tx.medals(viewer: "v1", limit: limit, day: day) }
            }
            func worn(_ viewer: String) async throws -> WornMedal? { try await store.read { tx in try tx.wornMedal(viewer: viewer) } }
            #expect(try await medal("s1", d1) == nil)
            #expect(try await medals(10, d1) == [])
            try await store.write { tx in
                let rule = FanMedals.Rule(dailyCap: 100, levels: [10, 20, 60])
                try tx.fanMedals.add(viewer: "v1", streamer: "s1", points: 10, rule: rule, day: d1, now: 100)
                try tx.fanMedals.add(viewer: "v1", streamer: "s1", points: 20, rule: rule, day: d2, now: 200)
                try tx.fanMedals.add(viewer: "v1", streamer: "s2", points: 30, rule: rule, day: d2, now: 210)
                try tx.fanMedals.add(viewer: "v1", streamer: "s3", points: 50, rule: rule, day: d1, now: 220)
                try tx.fanMedals.add(viewer: "v1", streamer: "s4", points: 5, rule: rule, day: d2, now: 230)
                try tx.fanMedals.add(viewer: "v2", streamer: "s1", points: 1, rule: rule, day: d2, now: 240)
            }
            let s1 = FanMedals.Medal(
                viewerID: "v1", streamerID: "s1", level: 2, points: 30, todayPoints: 20, firstAt: 100, updatedAt: 200, worn: false)
            #expect(try await medal("s1", d2) == s1)
            #expect(try await medal("s1", d1)?.todayPoints == 0, "another day's points are not today's")
            #expect(try await medal("s9", d2) == nil)
            // Most points first; s1 and s2 tie at 30 and come by streamer.
            let four = try await medals(4, d2)
            #expect(four.map(\.streamerID) == ["s3", "s1", "s2", "s4"] && four.map(\.todayPoints) == [0, 20, 30, 5] && four[1] == s1)
            #expect(try await medals(3, d2).map(\.streamerID) == ["s3", "s1", "s2"])

            #expect(try await worn("v1") == nil)
            try await store.write { tx in
                try tx.wear(viewer: "v1", streamer: "s1", at: 300)
                try tx.wear(viewer: "v2", streamer: "s1", at: 300)
            }
            #expect(try await worn("v1") == WornMedal(streamerID: "s1", level: 2))
            #expect(try await medal("s1", d2)?.worn == true)
            try await store.write { tx in try tx.wear(viewer: "v1", streamer: "s3", at: 400) }
            #expect(try await worn("v1") == WornMedal(streamerID: "s3", level: 2))
            #expect(try await medals(4, d2).map(\.worn) == [true, false, false, false])
            let takenOff = try await store.write { tx in [try tx.takeOff(viewer: "v1"), try tx.takeOff(viewer: "v1")] }
            #expect(takenOff == [true, false], "the second finds none worn")
            #expect(try await worn("v1") == nil)
            #expect(try await worn("v2") == WornMedal(streamerID: "s1", level: 0), "another viewer's stays")
        }
    }
}
