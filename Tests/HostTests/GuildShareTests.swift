@testable import Books
import Engine
import EngineTesting
import Foundation
import Testing
@testable import Host

/// A contract's share rate decides a gift's guild share: `share_bp` of the gift's streamer and
/// guild parts (rounded down), the streamer keeping the rest and the platform fee unchanged.
@Suite("Settlement: a contract's rate splits the gift")
struct GuildShareTests {
    typealias S = SettlementTests

    /// A host on 5 October 2026 with guild `g` signing s1 at `bp` from 1 October, and a gift
    /// `odd` (999 coins, the standard 50/10/40 split) besides the rose (1,000 coins).
    static func host(bp: Int64, clock: ManualClock) async throws -> EngineHost {
        let e = try await S.host(clock: clock)
        _ = try await e.engine.gifts.put(id: "odd", GiftEdit(name: "Odd", priceCoins: 999, comboWindowSeconds: 10, countMax: 100))
        _ = try await e.engine.guilds.create(GuildEdit(id: "g", name: "Guild", shareBP: 1000))
        _ = try await e.engine.guilds.sign(guild: "g", GuildContractRequest(streamerID: "s1", startsOn: "2026-10-01", shareBP: bp), by: "fin")
        return e
    }

    static func send(_ e: EngineHost, room: String = "r1", gift: String, count: Int64, key: String) async throws -> GiftReceipt {
        try await e.engine.giftSender.send(GiftSendRequest(roomID: room, senderID: "v1", giftID: gift, count: count, idempotencyKey: key))
    }

    @Test("rates 0, 1, 9,999 and 10,000 bp and awkward rounding: the receipt, the ledger and the earnings agree; a refund returns exactly what was split",
          arguments: [
            // (share_bp, gift, count, streamer, guild, platform)
            (Int64(0), "rose", Int64(7), Int64(4200), Int64(0), Int64(2800)),
            (1, "rose", 7, 4200, 0, 2800),
            (1, "rose", 100, 59_994, 6, 40_000),
            (9_999, "rose", 7, 1, 4199, 2800),
            (10_000, "rose", 7, 0, 4200, 2800),
            (3_333, "odd", 3, 1199, 598, 1200),
          ])
    func rates(bp: Int64, gift: String, count: Int64, streamer: Int64, guild: Int64, platform: Int64) async throws {
        let clock = ManualClock()
        clock.set(millis: S.ms("2026-10-05T12:00:00Z"))
        let e = try await Self.host(bp: bp, clock: clock)
        defer { e.folder.remove() }
        let r = try await Self.send(e, gift: gift, count: count, key: "a")
        #expect(r.streamerRevenue == streamer && r.guildShare == guild && r.platformFee == platform, "\(r)")
        #expect(r.streamerRevenue + r.guildShare + r.platformFee == r.totalCoins)
        #expect(r.guildID == "g", "the contract's guild, whatever its rate")
        let ledger = e.engine.ledger
        #expect(try await ledger.balance(.user("s1", "revenue")) == streamer)
        #expect(try await ledger.balance(.guild("g", "revenue")) == guild)
        #expect(try await ledger.balance(.system(.guildShares, "revenue")) == 0, "nothing to the unassigned pool")
        #expect(try await ledger.balance(.system(.platformFees, "coins")) == platform)
        #expect(r.transferIDs.contains("gift:v1:a:guild") == (guild > 0) && r.transferIDs.contains("gift:v1:a:revenue") == (streamer > 0))
        #expect(try await S.clean(e) == [])
        let earned = try await e.engine.earnings.month(streamer: "s1", month: "2026-10")
        #expect(earned.total == streamer)
        // The refund reverses every leg: each account is back where it was.
        let offset = try await S.lastGiftOffset(e)
        _ = try await e.engine.giftRefunds.refund(offset: offset, reason: "test", by: "ops")
        #expect(try await ledger.balance(.user("s1", "revenue")) == 0)
        #expect(try await ledger.balance(.guild("g", "revenue")) == 0)
        #expect(try await ledger.balance(.system(.platformFees, "coins")) == 0)
        #expect(try await ledger.balance(.user("v1", "coins")) == 1_000_000)
        #expect(try await S.clean(e) == [])
        #expect(try await e.engine.earnings.month(streamer: "s1", month: "2026-10").total == 0)
    }

    @Test("a contract change mid-month changes later gifts only; a guild's default rate does not touch running contracts; no contract is the catalog's split")
    func changeMidMonth() async throws {
        let clock = ManualClock()
        clock.set(millis: S.ms("2026-10-05T12:00:00Z"))
        let e = try await Self.host(bp: 1000, clock: clock)
        defer { e.folder.remove() }
        _ = try await e.engine.guilds.create(GuildEdit(id: "h", name: "Other", shareBP: 1000))
        // A rose: 600 to divide; g's 1,000 bp → 60 to g, 540 to s1.
        let before = try await Self.send(e, gift: "rose", count: 1, key: "a")
        #expect(before.guildID == "g" && before.guildShare == 60 && before.streamerRevenue == 540)
        // Signed on the 12th to take effect on the 16th with h at 5,000 bp: the 15th is still g's.
        clock.set(millis: S.ms("2026-10-12T12:00:00Z"))
        _ = try await e.engine.guilds.sign(guild: "h", GuildContractRequest(streamerID: "s1", startsOn: "2026-10-16", shareBP: 5000), by: "fin")
        clock.set(millis: S.ms("2026-10-15T23:59:59Z") + 999)
        let last = try await Self.send(e, gift: "rose", count: 1, key: "b")
        #expect(last.guildID == "g" && last.guildShare == 60 && last.streamerRevenue == 540)
        clock.set(millis: S.ms("2026-10-16T00:00:00Z"))
        let after = try await Self.send(e, gift: "rose", count: 1, key: "c")
        #expect(after.guildID == "h" && after.guildShare == 300 && after.streamerRevenue == 300 && after.platformFee == 400)
        // Changing h's default rate leaves the running contract's rate as signed.
        _ = try await e.engine.guilds.update(id: "h", GuildEdit(name: "Other", shareBP: 100))
        let still = try await Self.send(e, gift: "rose", count: 1, key: "d")
        #expect(still.guildShare == 300)
        // The contract ends on the 20th: from then the catalog's split, its guild part to the pool.
        _ = try await e.engine.guilds.end(guild: "h", streamer: "s1", GuildContractEnd(endsOn: "2026-10-20"))
        clock.set(millis: S.ms("2026-10-20T00:00:00Z"))
        let none = try await Self.send(e, gift: "rose", count: 1, key: "e")
        #expect(none.guildID == nil && none.guildShare == 100 && none.streamerRevenue == 500)
        // What was sent before the change kept its split (the journal holds the receipts).
        let receipts = try await e.engine.store.read { db in
            try String.fetchAll(db, sql: "SELECT payload FROM journal WHERE type = 'gift' ORDER BY offset").map { try GiftReceipt(jsonText: $0) }
        }
        #expect(receipts.map(\.guildShare) == [60, 60, 300, 300, 100])
        #expect(receipts.map(\.guildID) == ["g", "g", "h", "h", nil])
        // Every key those receipts carry (the body the gift routes answer), with a guild or
        // without, is a property of the API's GiftReceipt schema.
        let payloads = try await e.engine.store.read { db in
            try String.fetchAll(db, sql: "SELECT payload FROM journal WHERE type = 'gift' ORDER BY offset")
        }
        var keys: Set<String> = []
        for payload in payloads {
            let object = try JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: Any]
            keys.formUnion(object?.keys.map { $0 } ?? [])
        }
        let documented = OpenAPISchemaProperties.read(OpenAPIDocument.text, schema: "GiftReceipt")
        #expect(keys.contains("guild_id") && keys.contains("send_id"))
        #expect(keys.subtracting(documented).isEmpty, "undocumented receipt keys: \(keys.subtracting(documented).sorted())")
        let ledger = e.engine.ledger
        #expect(try await ledger.balance(.guild("g", "revenue")) == 120)
        #expect(try await ledger.balance(.guild("h", "revenue")) == 600)
        #expect(try await ledger.balance(.system(.guildShares, "revenue")) == 100)
        #expect(try await ledger.balance(.user("s1", "revenue")) == 540 + 540 + 300 + 300 + 500)
        #expect(try await S.clean(e) == [])
        let earned = try await e.engine.earnings.month(streamer: "s1", month: "2026-10")
        #expect(earned.total == 2180)
    }
}
