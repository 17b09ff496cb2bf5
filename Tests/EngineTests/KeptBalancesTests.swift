@testable import Books
import EngineTesting
import Foundation
import GRDB
@testable import Storage
import Testing
@testable import Engine

/// The writer keeps the balances and combo streaks gift sends touch from one group commit to the
/// next (`AccountOverlay` and `GiftCombos`, kept overlays). Whatever else changes them, on the
/// writer or from another connection to the file, the next send sees it.
@Suite struct KeptBalancesTests {
    static func fund(_ ledger: Ledger, _ id: String, _ amount: Int64) async throws {
        _ = try await ledger.transfer([TransferRequest(
            id: id, debit: .system(.promotions, "coins"), credit: .user("v", "coins"), asset: "coins", amount: amount, code: "grant")])
    }

    static func spend(_ ledger: Ledger, _ id: String, _ amount: Int64) async throws {
        _ = try await ledger.transfer([TransferRequest(
            id: id, debit: .user("v", "coins"), credit: .system(.promotions, "coins"), asset: "coins", amount: amount, code: "grant")])
    }

    static func rose(_ engine: MoneyEngine, _ key: String) async throws -> GiftReceipt {
        try await engine.sender.send(GiftSendRequest(roomID: "r0", senderID: "v", giftID: "rose", count: 1, idempotencyKey: key))
    }

    /// A send refused for want of coins, with the available balance it was refused at.
    static func refusedAt(_ engine: MoneyEngine, _ key: String) async throws -> String? {
        do {
            _ = try await rose(engine, key)
            return nil
        } catch let refusal as RecordedFailure {
            #expect(refusal.code == "insufficient_funds")
            return refusal.message
        }
    }

    /// Sends in one batch with a write that breaks a deferred key at COMMIT (the crash test's
    /// burst): the send is not acknowledged.
    static func sendInFailedBatch(_ engine: MoneyEngine, _ request: GiftSendRequest) async throws {
        let (outcomes, _) = await engine.burst([.send(request)], doomed: true, withConsumers: false)
        #expect(outcomes == [.unacknowledged])
    }

    /// Runs `body` on a fresh money engine with viewer `v` holding 100 coins.
    static func withEngine(_ body: (MoneyEngine, TemporaryDatabase) async throws -> Void) async throws {
        let database = try TemporaryDatabase()
        let folder = try ScriptFolder(MoneyEngine.scripts)
        let engine = try await MoneyEngine.open(path: database.path, scriptsPath: folder.path, clock: ManualClock())
        try await engine.seed()
        try await fund(engine.ledger, "fund-1", 100)
        try await body(engine, database)
    }

    @Test("a transfer on the writer between two sends: the second send sees the balance it left")
    func writerTransfer() async throws {
        try await Self.withEngine { engine, _ in
            #expect(try await Self.rose(engine, "a").balanceCoins == 90)
            try await Self.spend(engine.ledger, "spend-1", 85)
            let refusal = try await Self.refusedAt(engine, "b")
            #expect(refusal?.contains("5") == true, "refused at the balance the transfer left: \(refusal ?? "sent")")
            try await Self.fund(engine.ledger, "fund-2", 100)
            #expect(try await Self.rose(engine, "c").balanceCoins == 95)
            #expect(try await engine.ledger.balance(.user("v", "coins")) == 95)
        }
    }

    @Test("a write alone on the writer that changes a balance and then fails: the next send sees the balance from before it")
    func loneFailedWrite() async throws {
        try await Self.withEngine { (engine: MoneyEngine, _: TemporaryDatabase) async throws in
            #expect(try await Self.rose(engine, "a").balanceCoins == 90)
            await #expect(throws: Boom.self) {
                try await engine.store.write { db -> Int in
                    try db.execute(sql: "UPDATE ledger_accounts SET balance = 0, pending_debits = pending_debits WHERE id = 'user:v:coins'")
                    throw Boom()
                }
            }
            #expect(try await Self.rose(engine, "b").balanceCoins == 80)
            #expect(try await engine.ledger.balance(.user("v", "coins")) == 80)
        }
    }

    @Test("a commit from another connection to the file (another process) between two sends: the second send sees it")
    func outsideCommit() async throws {
        try await Self.withEngine { engine, database in
            #expect(try await Self.rose(engine, "a").balanceCoins == 90)
            let other = try Store(StoreConfiguration(path: database.path))
            let outside = Ledger(store: other)
            try await Self.spend(outside, "spend-1", 85)
            let refusal = try await Self.refusedAt(engine, "b")
            #expect(refusal?.contains("5") == true, "refused at the balance the other connection left: \(refusal ?? "sent")")
            try await Self.fund(outside, "fund-2", 100)
            #expect(try await Self.rose(engine, "c").balanceCoins == 95)
            try other.close()
            let clean = try await engine.store.read { db in try Reconciliation().check(db).isClean && GiftReconciliation.check(db).isEmpty }
            #expect(clean, "balances equal what the transfers and the gifts' legs sum to")
        }
    }

    @Test("a batch that fails at COMMIT: the next send starts from the committed balance")
    func failedBatch() async throws {
        try await Self.withEngine { engine, _ in
            #expect(try await Self.rose(engine, "a").balanceCoins == 90)
            // The send shares a batch with a doomed write: it fails at COMMIT after the send's
            // balance was flushed.
            try await Self.sendInFailedBatch(engine, GiftSendRequest(roomID: "r0", senderID: "v", giftID: "rose", count: 1, idempotencyKey: "b"))
            #expect(try await Self.rose(engine, "c").balanceCoins == 80)
            #expect(try await engine.ledger.balance(.user("v", "coins")) == 80)
        }
    }

    @Test("every statement in the sources that sets a balance sets a watched column too, but the overlay's own flush")
    func balanceWritesAreWatched() throws {
        // The kept balances hear of an UPDATE only when it sets a column other than `balance`
        // (`AccountOverlay.unwatchedColumns`): a statement setting the balance alone would
        // change a row behind the overlay's back.
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources")
        let files = try #require(FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil))
        // A plain UPDATE, or an upsert's DO UPDATE (within one string literal).
        let update = try Regex(#"(?is)(?:UPDATE\s+ledger_accounts\s+SET\s+([^"]*?)\s+WHERE|INSERT\s+INTO\s+ledger_accounts\b[^"]*?DO\s+UPDATE\s+SET\s+([^"]*?)(?:\s+WHERE|\s*$|\s*"))"#)
        let setsBalance = try Regex(#"(?i)(^|[\s,])balance\s*="#)
        let watched = try Regex(#"(?i)(^|[\s,])(num|id|asset|owner_kind|owner|pending_debits|created_at)\s*="#)
        var checked = 0
        var flushes = 0
        for case let file as URL in files where file.pathExtension == "swift" && !file.lastPathComponent.hasPrefix("Migrations") {
            let text = try String(contentsOf: file, encoding: .utf8)
            for match in text.matches(of: update) {
                let assignments = String(match.output[1].substring ?? match.output[2].substring ?? "")
                guard assignments.contains(setsBalance) else { continue }
                if file.lastPathComponent == "AccountOverlay.swift", assignments.trimmingCharacters(in: .whitespaces) == "balance = ?" {
                    flushes += 1
                    continue
                }
                checked += 1
                #expect(assignments.contains(watched), "\(file.lastPathComponent): UPDATE ledger_accounts SET \(assignments) sets no watched column")
            }
        }
        #expect(flushes == 1, "the overlay's flush statement")
        #expect(checked >= 3, "the ledger's withdraw, deposit and save statements were found")
    }

    @Test("a streamer's first gift numbers the revenue account; in a batch that fails, nothing of it stays, and the next gift numbers it again")
    func firstGiftNumbersTheAccount() async throws {
        try await Self.withEngine { engine, _ in
            func revenueRow() async throws -> Int64? {
                try await engine.store.read { db in try Int64.fetchOne(db, sql: "SELECT num FROM ledger_accounts WHERE id = 'user:s1:revenue'") }
            }
            #expect(try await revenueRow() == nil, "s1 has had no gift yet")
            try await Self.sendInFailedBatch(engine, GiftSendRequest(roomID: "r1", senderID: "v", giftID: "rose", count: 1, idempotencyKey: "a"))
            #expect(try await revenueRow() == nil, "the row made for the failed batch's gift went with it")
            let receipt = try await engine.sender.send(GiftSendRequest(roomID: "r1", senderID: "v", giftID: "rose", count: 1, idempotencyKey: "a"))
            let number = try #require(try await revenueRow())
            let (payee, payer, revenue) = try await engine.store.read { db in
                let row = try #require(try Row.fetchOne(db, sql: "SELECT payer, payee FROM journal WHERE gift_key = 'gift:v:a'"))
                return (row["payee"] as Int64?, row["payer"] as Int64?,
                        try Int64.fetchOne(db, sql: "SELECT balance FROM ledger_accounts WHERE num = ?", arguments: [number]))
            }
            #expect(payee == number && revenue == receipt.streamerRevenue && receipt.streamerRevenue > 0)
            let payerID = try await engine.store.read { db in try String.fetchOne(db, sql: "SELECT id FROM ledger_accounts WHERE num = ?", arguments: [payer]) }
            #expect(payerID == "user:v:coins")
            // A ledger write to the new account in the batch after: the overlay sees it.
            _ = try await engine.ledger.transfer([TransferRequest(
                id: "bonus", debit: .system(.promotions, "revenue"), credit: .user("s1", "revenue"), asset: "revenue", amount: 3, code: "grant")])
            _ = try await engine.sender.send(GiftSendRequest(roomID: "r1", senderID: "v", giftID: "rose", count: 1, idempotencyKey: "b"))
            #expect(try await engine.ledger.balance(.user("s1", "revenue")) == receipt.streamerRevenue * 2 + 3)
            let clean = try await engine.store.read { db in try Reconciliation().check(db).isClean && GiftReconciliation.check(db).isEmpty }
            #expect(clean, "balances equal what the transfers and the gifts' legs sum to")
        }
    }

    @Test("combo streaks kept between commits: counted on, forgotten when another statement, another connection or a failed batch changes them")
    func combos() async throws {
        try await Self.withEngine { engine, database in
            _ = try await GiftCatalog(store: SQLiteGiftCatalogStore(engine.store))
                .put(id: "kiss", GiftEdit(name: "Kiss", priceCoins: 1, comboWindowSeconds: 60))
            var n = 0
            func kiss() async throws -> Int64 {
                n += 1
                return try await engine.sender.send(GiftSendRequest(roomID: "r0", senderID: "v", giftID: "kiss", count: 1, idempotencyKey: "kiss-\(n)")).combo
            }
            #expect(try await kiss() == 1)
            #expect(try await kiss() == 2)
            #expect(try await kiss() == 3)
            // A statement on the writer that is not the overlay's flush.
            try await engine.store.write { db in try db.execute(sql: "UPDATE gift_combos SET combo = 10 WHERE sender_id = 'v'") }
            #expect(try await kiss() == 11)
            // Another connection to the file.
            let other = try Store(StoreConfiguration(path: database.path))
            try await other.write { db in try db.execute(sql: "DELETE FROM gift_combos") }
            try other.close()
            #expect(try await kiss() == 1)
            #expect(try await kiss() == 2)
            // A send whose batch fails at COMMIT counts nothing.
            try await Self.sendInFailedBatch(engine, GiftSendRequest(roomID: "r0", senderID: "v", giftID: "kiss", count: 1, idempotencyKey: "kiss-doomed"))
            #expect(try await kiss() == 3)
        }
    }

    @Test("past keptMax the overlays start over at their flush; up to it they keep every row")
    func keptMaxEdge() async throws {
        try await TemporaryDatabase.with { tmp in
            let store = try tmp.openStore()
            let counts = try await store.write { db -> [Int] in
                let accounts = AccountOverlay(keptMax: 3)
                let combos = GiftCombos(keptMax: 3)
                var counts: [Int] = []
                for n in 1...4 {
                    let viewer = "v\(n)"
                    let legs = [TransferRequest(id: "t\(n)", debit: .system(.promotions, "coins"), credit: .user(viewer, "coins"), asset: "coins", amount: 5, code: "grant")]
                    accounts.apply(try accounts.check(db, legs), at: 0)
                    let send = GiftSendRequest(roomID: "r", senderID: viewer, giftID: "g", count: 1, idempotencyKey: "k")
                    combos.count(send, combo: try combos.peek(db, send, windowSeconds: 60, now: 0), windowSeconds: 60, now: 0)
                    try accounts.flush(db)
                    try combos.flush(db)
                    counts += [accounts.keptCount, combos.keptCount]
                }
                return counts
            }
            // Accounts: 2, 3, then 4 (past 3: started over), then 2 again; streaks: 1, 2, 3 (at
            // the limit: kept), then 4 (past it: started over).
            #expect(counts == [2, 1, 3, 2, 0, 3, 2, 0])
            let balances = try await store.read { db in try Int64.fetchAll(db, sql: "SELECT balance FROM ledger_accounts WHERE id LIKE 'user:%' ORDER BY id") }
            #expect(balances == [5, 5, 5, 5], "what an overlay forgets at its limit was written first")
        }
    }
}
