@testable import Books
import Engine
@testable import EngineCore
import EngineTesting
import Foundation
import GRDB
@testable import Rooms
@testable import Showrunner
import Testing
@testable import Host

/// A gift is one journal row that carries its legs; balances and streaks are written once per
/// group commit. These tests hold the history, the refunds, the checks and the batches to the
/// same answers the transfer rows gave.
@Suite("Gift legs in the journal")
struct GiftLegsTests {
    func host(clock: ManualClock = ManualClock()) async throws -> EngineHost {
        let e = try await EngineHost(clock: clock)
        _ = try await e.engine.rooms.create(NewRoom(id: "r1", streamerID: "s1", title: "Room", category: "chat"))
        _ = try await e.engine.gifts.put(id: "rose", GiftEdit(name: "Rose", priceCoins: 10, comboWindowSeconds: 10, countMax: 100))
        _ = try await e.engine.ledger.transfer([TransferRequest(id: "seed:v1", debit: .system(.promotions, "coins"),
            credit: .user("v1", "coins"), asset: "coins", amount: 1_000, code: "seed")])
        return e
    }

    func gift(_ e: EngineHost, key: String, count: Int64 = 1, sender: String = "v1") async throws -> GiftReceipt {
        try await e.engine.giftSender.send(GiftSendRequest(roomID: "r1", senderID: sender, giftID: "rose", count: count, idempotencyKey: key))
    }

    /// `host()` where v1 also streams (room r2) and v2, seeded with 1,000 coins, gives there.
    func viewerWhoStreams() async throws -> EngineHost {
        let e = try await host()
        _ = try await e.engine.rooms.create(NewRoom(id: "r2", streamerID: "v1", title: "V1's room", category: "chat"))
        _ = try await e.engine.ledger.transfer([TransferRequest(id: "seed:v2", debit: .system(.promotions, "coins"),
            credit: .user("v2", "coins"), asset: "coins", amount: 1_000, code: "seed")])
        return e
    }

    func topUp(_ e: EngineHost, _ id: String, _ amount: Int64 = 7) async throws {
        _ = try await e.engine.ledger.transfer([TransferRequest(id: id, debit: .system(.promotions, "coins"),
            credit: .user("v1", "coins"), asset: "coins", amount: amount, code: "seed")])
    }

    func clean(_ e: EngineHost) async throws -> [String] {
        try await e.engine.store.read { db in
            try Reconciliation().check(db).violations.map(\.description) + GiftReconciliation.check(db)
        }
    }

    /// Every page of a history at `limit`, joined.
    func pages(limit: Int, _ read: (String?) async throws -> TransferPage) async throws -> [Transfer] {
        var all: [Transfer] = []
        var cursor: String?
        repeat {
            let page = try await read(cursor)
            #expect(page.transfers.count <= limit)
            #expect(!page.transfers.isEmpty)
            all += page.transfers
            cursor = page.nextCursor
        } while cursor != nil
        return all
    }

    @Test("a gift writes one journal row naming its payer and payee, no transfer rows, and one balance row per account per commit")
    func oneRowPerGift() async throws {
        let clock = ManualClock()
        let e = try await host(clock: clock)
        defer { e.folder.remove() }
        let first = try await gift(e, key: "a", count: 3)
        let second = try await gift(e, key: "b")
        #expect(first.transferIDs == ["gift:v1:a:paid", "gift:v1:a:fee", "gift:v1:a:revenue", "gift:v1:a:guild"])
        #expect(first.balanceCoins == 970 && second.balanceCoins == 960)
        // One clock for both histories: at the same wall millisecond, ledger time still steps.
        #expect(second.ledgerTime == first.ledgerTime + 1)
        #expect(second.combo == 2)
        let (payers, payees, giftTransfers) = try await e.engine.store.read { db in
            // The row names each account by its number: the streamer's revenue account, which had
            // no row before the first gift, got its number with that gift.
            let rows = try Row.fetchAll(db, sql: """
                SELECT pa.id AS payer, pe.id AS payee FROM journal j
                JOIN ledger_accounts pa ON pa.num = j.payer JOIN ledger_accounts pe ON pe.num = j.payee
                WHERE j.type = 'gift' ORDER BY j.offset
                """)
            return (rows.map { $0["payer"] as String? }, rows.map { $0["payee"] as String? },
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM ledger_transfers WHERE code LIKE 'gift%'") ?? -1)
        }
        #expect(giftTransfers == 0)
        #expect(payers == ["user:v1:coins", "user:v1:coins"])
        #expect(payees == ["user:s1:revenue", "user:s1:revenue"])
        #expect(try await e.engine.ledger.balances(user: "v1")["coins"] == 960)
        #expect(try await e.engine.ledger.balances(user: "s1")["revenue"] == 20)
        #expect(try await clean(e) == [])
    }

    @Test("history merges transfer rows and gift legs newest first, and every page size returns each exactly once")
    func historyPagesMergeBothStores() async throws {
        let clock = ManualClock()
        let e = try await host(clock: clock)
        defer { e.folder.remove() }
        _ = try await gift(e, key: "g1")
        try await topUp(e, "t1")
        _ = try await gift(e, key: "g2", count: 2)
        _ = try await gift(e, key: "g3")
        try await topUp(e, "t2")
        clock.advance(byMillis: 20_000)
        _ = try await gift(e, key: "g4")
        let ledger = e.engine.ledger
        let whole = try await ledger.transfers(user: "v1", limit: 200)
        #expect(whole.nextCursor == nil)
        #expect(whole.transfers.map(\.id) == [
            "gift:v1:g4:fee", "gift:v1:g4:paid", "t2", "gift:v1:g3:fee", "gift:v1:g3:paid", "gift:v1:g2:fee", "gift:v1:g2:paid",
            "t1", "gift:v1:g1:fee", "gift:v1:g1:paid", "seed:v1",
        ])
        #expect(zip(whole.transfers, whole.transfers.dropFirst()).allSatisfy { $0.ts >= $1.ts })
        #expect(whole.transfers.filter { $0.journalOffset != nil }.allSatisfy { $0.seq == 0 && $0.kind == .posted })
        for limit in 1...12 {
            let paged = try await pages(limit: limit) { try await ledger.transfers(user: "v1", cursor: $0, limit: limit) }
            #expect(paged == whole.transfers, "limit \(limit)")
        }
        // One account, the streamer's revenue, and a system account every gift touches.
        for account in [AccountID.user("v1", "coins"), .user("s1", "revenue"), .system(.guildShares, "revenue"), .system(.revenueIssuance, "revenue")] {
            let all = try await ledger.transfers(account: account, limit: 200).transfers
            #expect(!all.isEmpty && all.allSatisfy { $0.debit == account || $0.credit == account }, "\(account)")
            for limit in [1, 2, 3, 5] {
                let paged = try await pages(limit: limit) { try await ledger.transfers(account: account, cursor: $0, limit: limit) }
                #expect(paged == all, "\(account) at limit \(limit)")
            }
        }
        #expect(try await ledger.transfers(account: .user("s1", "revenue"), limit: 200).transfers.map(\.id)
            == ["gift:v1:g4:revenue", "gift:v1:g3:revenue", "gift:v1:g2:revenue", "gift:v1:g1:revenue"])
    }

    @Test("a viewer who also streams: the gifts they sent and the gifts they received merge into one history at every page size")
    func senderAndStreamerHistory() async throws {
        let e = try await viewerWhoStreams()
        defer { e.folder.remove() }
        for i in 0..<5 {
            _ = try await gift(e, key: "out\(i)")
            _ = try await e.engine.giftSender.send(GiftSendRequest(roomID: "r2", senderID: "v2", giftID: "rose", count: 1, idempotencyKey: "in\(i)"))
            if i == 2 { _ = try await gift(e, key: "extra") }
        }
        let ledger = e.engine.ledger
        let whole = try await ledger.transfers(user: "v1", limit: 200).transfers
        #expect(whole.filter { $0.code == "gift_revenue" }.count == 5)
        #expect(whole.filter { $0.code == "gift_fee" }.count == 6)
        #expect(zip(whole, whole.dropFirst()).allSatisfy { ($0.ts, $0.journalOffset ?? 0) >= ($1.ts, $1.journalOffset ?? 0) })
        for limit in 1...8 {
            let paged = try await pages(limit: limit) { try await ledger.transfers(user: "v1", cursor: $0, limit: limit) }
            #expect(paged == whole, "limit \(limit)")
        }
    }

    @Test("history is the same whether the account history projection holds none, some or all of the gifts, at every page size")
    func historyAcrossTheProjectionsCursor() async throws {
        let e = try await viewerWhoStreams()
        defer { e.folder.remove() }
        let ledger = e.engine.ledger
        let accounts: [AccountID] = [.user("v1", "coins"), .user("v1", "revenue"), .user("s1", "revenue"), .system(.guildShares, "revenue")]
        func histories() async throws -> [[Transfer]] {
            var out = [try await ledger.transfers(user: "v1", limit: 200).transfers]
            for account in accounts { out.append(try await ledger.transfers(account: account, limit: 200).transfers) }
            return out
        }
        func expectEveryPageSize(_ expected: [[Transfer]], _ label: String) async throws {
            #expect(try await histories() == expected, "\(label)")
            for limit in [1, 2, 3, 7] {
                let user = try await pages(limit: limit) { try await ledger.transfers(user: "v1", cursor: $0, limit: limit) }
                #expect(user == expected[0], "\(label) at \(limit)")
                for (i, account) in accounts.enumerated() {
                    let paged = try await pages(limit: limit) { try await ledger.transfers(account: account, cursor: $0, limit: limit) }
                    #expect(paged == expected[i + 1], "\(label): \(account) at \(limit)")
                }
            }
        }
        func send(_ round: Int) async throws {
            for i in 0..<3 {
                _ = try await gift(e, key: "out\(round)-\(i)")
                _ = try await e.engine.giftSender.send(GiftSendRequest(roomID: "r2", senderID: "v2", giftID: "rose", count: 1, idempotencyKey: "in\(round)-\(i)"))
            }
        }
        func projected() async throws -> Int {
            try await e.engine.store.read { db in try Int.fetchOne(db, sql: "SELECT COALESCE(SUM(length(offsets) - length(replace(offsets, ',', '')) + 1), 0) FROM account_history_pages") ?? 0 }
        }
        try await send(0)
        // Nothing projected yet: the whole history comes from the journal's rows after the cursor.
        #expect(try await projected() == 0)
        let first = try await histories()
        let expectedCount = 10  // three gifts sent (paid, fee), three received (revenue), the seed
        #expect(first[0].count == expectedCount)
        _ = try await e.engine.consumers.drain()
        #expect(try await projected() == 12, "six gifts, each its payer's and its payee's row")
        try await expectEveryPageSize(first, "all projected")
        // Some projected, some not.
        try await send(1)
        let mixed = try await histories()
        let grown = first[0].count + 9
        #expect(mixed[0].count == grown)
        let oldest: [Transfer] = Array(mixed[0].suffix(first[0].count))
        #expect(oldest == first[0])
        try await expectEveryPageSize(mixed, "half projected")
        _ = try await e.engine.consumers.drain()
        #expect(try await projected() == 24)
        try await expectEveryPageSize(mixed, "all projected again")
        #expect(try await clean(e) == [])
    }

    @Test("a cursor from before the legs moved still reads; a malformed one is invalid_cursor", arguments: [
        "ledger:1:2", "ledger:1:0:0", "ledger:1:5:5", "ledger:0:1:1", "ledger:x", "ledger:1:1:1:1", "ledger:1::1",
        "ledger:1:9223372036854775808:0", "other:1", "ledger:",
    ])
    func cursors(text: String) async throws {
        let e = try await host()
        defer { e.folder.remove() }
        _ = try await gift(e, key: "g1")
        let old = Base64URL.encode(Array("ledger:2".utf8))
        #expect(try await e.engine.ledger.transfers(user: "v1", cursor: old, limit: 10).transfers.map(\.id) == ["seed:v1"])
        // The edge of a leg position: GiftLegs.countMax is the last one accepted (every leg of
        // the row at that offset comes before it).
        let offset = try #require(try await e.engine.store.read { db in
            try Int64.fetchOne(db, sql: "SELECT offset FROM journal WHERE gift_key = 'gift:v1:g1'")
        })
        let edge = Base64URL.encode(Array("ledger:9:\(offset):\(GiftLegs.countMax)".utf8))
        #expect(try await e.engine.ledger.transfers(user: "v1", cursor: edge, limit: 10).transfers.map(\.id)
            == ["gift:v1:g1:fee", "gift:v1:g1:paid", "seed:v1"])
        await #expect(throws: LedgerError.self) {
            _ = try await e.engine.ledger.transfers(user: "v1", cursor: Base64URL.encode(Array(text.utf8)), limit: 10)
        }
    }

    @Test("a refund reverses each leg once; the ledger reverses a leg by its id and refuses to do it twice")
    func refundsAndReversalsOfLegs() async throws {
        let e = try await host()
        defer { e.folder.remove() }
        _ = try await gift(e, key: "a", count: 2)
        let offset = try #require(try await e.engine.store.read { db in
            try Int64.fetchOne(db, sql: "SELECT offset FROM journal WHERE gift_key = 'gift:v1:a'")
        })
        let refund = try await e.engine.giftRefunds.refund(offset: offset, reason: "chargeback", by: "ops")
        #expect(Set(refund.reversed) == ["refund:\(offset):gift:v1:a:paid", "refund:\(offset):gift:v1:a:fee",
            "refund:\(offset):gift:v1:a:revenue", "refund:\(offset):gift:v1:a:guild"])
        #expect(try await e.engine.ledger.balances(user: "v1")["coins"] == 1_000)
        #expect(try await e.engine.ledger.balances(user: "s1")["revenue"] == 0)
        await #expect(throws: LedgerError.self) {
            _ = try await e.engine.ledger.reverse("gift:v1:a:fee", reason: "again", id: "again")
        }
        _ = try await gift(e, key: "b")
        let reversal = try await e.engine.ledger.reverse("gift:v1:b:fee", reason: "goodwill", id: "goodwill:b")
        #expect(reversal.reverses == "gift:v1:b:fee" && reversal.credit == .user("v1", "coins") && reversal.amount > 0)
        await #expect(throws: LedgerError.self) {
            _ = try await e.engine.ledger.reverse("gift:v1:b:nothing", reason: "no such leg", id: "x")
        }
        #expect(try await clean(e) == [])
    }

    @Test("gifts, top-ups and reservations racing on one account in shared batches never overdraw it and reconcile")
    func batchesShareAccountsSafely() async throws {
        let e = try await host()
        defer { e.folder.remove() }
        let ledger = e.engine.ledger
        // 1,000 coins; 150 gifts of 10 and 40 reservations of 20 ask for 2,300.
        let outcomes = await withTaskGroup(of: (gifts: Int64, reserved: Int64).self) { group in
            for i in 0..<150 {
                group.addTask {
                    (try? await self.gift(e, key: "k\(i)")) != nil ? (10, 0) : (0, 0)
                }
            }
            for i in 0..<40 {
                group.addTask {
                    let request = TransferRequest(id: "hold\(i)", debit: .user("v1", "coins"), credit: .system(.partnerClearing, "coins"),
                        asset: "coins", amount: 20, code: "hold")
                    return (try? await ledger.pending(request, timeoutMillis: 60_000)) != nil ? (0, 20) : (0, 0)
                }
            }
            var total: (gifts: Int64, reserved: Int64) = (0, 0)
            for await o in group { total = (total.gifts + o.gifts, total.reserved + o.reserved) }
            return total
        }
        // The gifts alone ask for 1,500: while 10 coins were left, some gift took them.
        #expect(outcomes.gifts + outcomes.reserved == 1_000)
        let available = try await ledger.available(.user("v1", "coins"))
        #expect(available == 1_000 - outcomes.gifts - outcomes.reserved)
        #expect(try await ledger.balances(user: "v1")["coins"] == 1_000 - outcomes.gifts)
        #expect(try await clean(e) == [])
    }

    @Test("reconciliation reports a gift row whose payer, legs or split were altered")
    func tamperedGiftRowsAreReported() async throws {
        let e = try await host()
        defer { e.folder.remove() }
        _ = try await gift(e, key: "a")
        _ = try await gift(e, key: "b")
        _ = try await gift(e, key: "c")
        try await e.engine.store.write { db in
            try db.execute(sql: "UPDATE journal SET payer = (SELECT num FROM ledger_accounts WHERE id = 'user:s1:revenue') WHERE gift_key = 'gift:v1:a'")
            try db.execute(sql: """
                UPDATE journal SET payload = json_set(payload, '$.platform_fee', json_extract(payload, '$.platform_fee') + 1), payee = 999
                WHERE gift_key = 'gift:v1:b'
                """)
            try db.execute(sql: "UPDATE journal SET payload = json_set(payload, '$.transfer_ids', json('[]')) WHERE gift_key = 'gift:v1:c'")
        }
        let problems = try await clean(e)
        #expect(problems.contains { $0.contains("names payer user:s1:revenue") })
        #expect(problems.contains { $0.contains("names payer user:v1:coins and payee #999") }, "a number no account has")
        #expect(problems.contains { $0.contains("do not add up") })
        #expect(problems.contains { $0.contains("not its legs") })
        // The altered fee moved a coin the balances never saw.
        #expect(problems.contains { $0.contains("balance_mismatch") || $0.contains("unbalanced_asset") })
    }

    @Test("after a restart the ledger clock resumes after the newest gift, even one stamped ahead of the wall clock")
    func clockResumesFromTheJournal() async throws {
        let clock = ManualClock()
        let e = try await host(clock: clock)
        defer { e.folder.remove() }
        var last = try await gift(e, key: "a").ledgerTime
        for i in 0..<5 { last = try await gift(e, key: "n\(i)").ledgerTime }
        let reopened = try EngineParts.open(
            databasePath: e.database.path, scriptsPath: e.folder.path, synchronous: .normal, clock: clock, logger: .quiet())
        let after = try await reopened.ledger.transfer([TransferRequest(id: "later", debit: .system(.promotions, "coins"),
            credit: .user("v2", "coins"), asset: "coins", amount: 1, code: "seed")])
        #expect(after[0].ts == last + 1)
        try reopened.store.close()
    }
    func journalRows(_ e: EngineHost, key: String) async throws -> Int {
        try await e.engine.store.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM journal WHERE gift_key = ?", arguments: ["gift:v1:\(key)"]) ?? 0
        }
    }

    func errorCode(_ body: () async throws -> GiftReceipt) async -> String? {
        do {
            _ = try await body()
            return nil
        } catch let e as any ShowrunnerError {
            return e.code
        } catch {
            return "\(error)"
        }
    }

    @Test("a retry of a sent gift gets its first receipt even when the checks would now refuse; another body is a conflict")
    func retryAfterSuccess() async throws {
        let e = try await host()
        defer { e.folder.remove() }
        let first = try await gift(e, key: "a", count: 3)
        // Spend every coin left: the same send now would be refused for funds.
        _ = try await e.engine.ledger.transfer([TransferRequest(id: "spend", debit: .user("v1", "coins"),
            credit: .system(.promotions, "coins"), asset: "coins", amount: 970, code: "seed")])
        let again = try await gift(e, key: "a", count: 3)
        #expect(again == first)
        #expect(try await journalRows(e, key: "a") == 1)
        #expect(try await e.engine.ledger.balance(.user("v1", "coins")) == 0)
        // The same key with another body: a conflict, nothing written.
        #expect(await errorCode { try await gift(e, key: "a", count: 2) } == "idempotency_conflict")
        // A new key is refused for funds, and the refusal is what its retries get, even once funds are back.
        #expect(await errorCode { try await gift(e, key: "b") } == "insufficient_funds")
        try await topUp(e, "back", 100)
        #expect(await errorCode { try await gift(e, key: "b") } == "insufficient_funds")
        #expect(try await journalRows(e, key: "b") == 0)
        // A gift that left the catalog: its earlier sends still answer with their receipts.
        try await e.engine.store.write { db in try db.execute(sql: "DELETE FROM gifts WHERE id = 'rose'") }
        #expect(try await gift(e, key: "a", count: 3) == first)
        #expect(await errorCode { try await gift(e, key: "c") } == "gift_not_found")
        #expect(try await clean(e).isEmpty)
    }

    @Test("the same send 32 times at once (most meeting the first one's fact at its insert) is charged once and answered with one receipt")
    func concurrentDuplicates() async throws {
        let e = try await host()
        defer { e.folder.remove() }
        let receipts = try await withThrowingTaskGroup(of: GiftReceipt.self) { group in
            for _ in 0..<32 { group.addTask { try await self.gift(e, key: "same", count: 2) } }
            var all: [GiftReceipt] = []
            for try await r in group { all.append(r) }
            return all
        }
        #expect(receipts.count == 32)
        #expect(Set(receipts).count == 1)
        #expect(receipts[0].balanceCoins == 980)
        #expect(try await journalRows(e, key: "same") == 1)
        #expect(try await e.engine.ledger.balance(.user("v1", "coins")) == 980)
        #expect(try await clean(e).isEmpty)
    }
    @Test("a retry of a sent gift gets its receipt even when a validate step now fails; a new key fails and records nothing")
    func retryPastABrokenStep() async throws {
        let e = try await host()
        defer { e.folder.remove() }
        let first = try await gift(e, key: "a")
        try e.folder.write(["gifts/broken.lua": "return gift_step { id = 'broken', order = 1, validate = function(ctx, g) error('boom') end }"])
        let report = await e.engine.scripts.reload(trigger: "test")
        #expect(report.ok, "\(report.problems)")
        #expect(try await gift(e, key: "a") == first)
        #expect(await errorCode { try await gift(e, key: "b") } == "script_error")
        #expect(try await journalRows(e, key: "b") == 0)
        let refusals = try await e.engine.store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM gift_sends") ?? 0 }
        #expect(refusals == 0)
        #expect(try await e.engine.ledger.balance(.user("v1", "coins")) == 990)
    }
}


