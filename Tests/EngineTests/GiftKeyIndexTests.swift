@testable import Books
import EngineTesting
import Foundation
import GRDB
@testable import Storage
import Synchronization
import Testing
@testable import Engine

/// A gift's idempotency key is indexed off the send path (`GiftKeyIndex`): the writer holds the
/// newest keys in memory and writes them into `gift_keys` once it holds `giftKeysFlushAt` of
/// them (3 in the money engine), spread over the next commits, a sixteenth of them (here one
/// key) in each. Wherever a key is (memory, the index, a tail read again after
/// a failed batch, another connection's commit or a restart), its retry answers the first
/// receipt, and one key never gets a second row.
@Suite struct GiftKeyIndexTests {
    static func send(_ engine: MoneyEngine, _ key: String, count: Int64 = 1) async throws -> GiftReceipt {
        try await engine.sender.send(GiftSendRequest(roomID: "r0", senderID: "v", giftID: "rose", count: count, idempotencyKey: key))
    }

    /// Rows of `gift_keys`, the indexed mark, and the number of journal rows per key of `keys`.
    static func state(_ store: Store, _ keys: [String]) async throws -> (indexed: [String], through: Int64, rows: [Int]) {
        try await store.read { db in
            let indexed = try String.fetchAll(db, sql: "SELECT key FROM gift_keys WHERE offset > 0 ORDER BY key")
            let through = try SQLiteGiftKeys.indexedThrough(db)
            let rows = try keys.map { key in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM journal WHERE gift_key = ?", arguments: ["gift:v:\(key)"]) ?? 0
            }
            return (indexed, through, rows)
        }
    }

    /// A money engine on `database` and `folder`, seeded, viewer `v` holding `coins`.
    static func seeded(_ database: TemporaryDatabase, _ folder: ScriptFolder, coins: Int64) async throws -> MoneyEngine {
        let engine = try await MoneyEngine.open(path: database.path, scriptsPath: folder.path, clock: ManualClock())
        try await engine.seed()
        try await KeptBalancesTests.fund(engine.ledger, "fund-1", coins)
        return engine
    }

    /// The refusal recorded for a send of 500 roses under `key` (more than viewer `v` holds).
    static func refusal(_ engine: MoneyEngine, _ key: String) async throws -> String? {
        do {
            _ = try await send(engine, key, count: 500)
            return nil
        } catch let refusal as RecordedFailure {
            return refusal.message
        }
    }

    /// A scratch database at the latest schema, for the index alone (no store, no writer).
    static func migratedQueue() throws -> (TemporaryDatabase, DatabaseQueue) {
        let tmp = try TemporaryDatabase()
        let queue = try DatabaseQueue(path: tmp.path)
        try Migrations.migrator().migrate(queue)
        return (tmp, queue)
    }

    /// The offset the readers' statement finds for `key`.
    static func found(_ store: Store, _ key: String) async throws -> Int64? {
        try await store.read { db in try SQLiteGiftKeys.offset(db, key: "gift:v:\(key)") }
    }

    @Test("below giftKeysFlushAt keys stay in memory; at it they are indexed in key order, a chunk a commit, and the mark moves to the last row with the last chunk")
    func flushEdge() async throws {
        try await KeptBalancesTests.withEngine { engine, _ in
            let a = try await Self.send(engine, "a")
            let b = try await Self.send(engine, "b")
            var s = try await Self.state(engine.store, ["a", "b"])
            #expect(s.indexed.isEmpty, "two keys of three: none indexed yet")
            #expect(s.through == 0)
            #expect(s.rows == [1, 1])
            // Retries answer from the writer's memory.
            #expect(try await Self.send(engine, "a") == a)
            #expect(try await Self.send(engine, "b") == b)
            // Readers find the tail's keys by SQL alone.
            let tailA = try await Self.found(engine.store, "a")
            #expect(tailA != nil)
            let c = try await Self.send(engine, "c")
            s = try await Self.state(engine.store, ["a", "b", "c"])
            #expect(s.indexed == ["gift:v:a"], "the third key starts the flush: its commit writes the first chunk, one key")
            #expect(s.through == 0, "the mark waits for the last chunk")
            // Every commit that touches the keys writes the next chunk; a retry's does too.
            #expect(try await Self.send(engine, "c") == c)
            s = try await Self.state(engine.store, ["a", "b", "c"])
            #expect(s.indexed == ["gift:v:a", "gift:v:b"] && s.through == 0)
            let d = try await Self.send(engine, "d")
            s = try await Self.state(engine.store, ["a", "b", "c", "d"])
            #expect(s.indexed == ["gift:v:a", "gift:v:b", "gift:v:c"], "the flush took the keys it began with, not d")
            let offsetC = try await Self.found(engine.store, "c")
            #expect(s.through == offsetC)
            #expect(s.rows == [1, 1, 1, 1])
            #expect(try await Self.send(engine, "b") == b)
            #expect(try await Self.send(engine, "c") == c)
            #expect(try await Self.send(engine, "d") == d)
            let foundA = try await Self.found(engine.store, "a")
            #expect(foundA == tailA, "indexed at the row it had in the tail")
            let missing = try await Self.found(engine.store, "never")
            #expect(missing == nil)
            // The same key with another body is a conflict, wherever the key is.
            await #expect(throws: LedgerError.self) { _ = try await Self.send(engine, "a", count: 2) }
        }
    }

    @Test("a flush writes each chunk 32 keys a statement, then the rest in one; a key found at its own row is left, at another row fails the flush")
    func flushStatements() throws {
        let (tmp, queue) = try Self.migratedQueue()
        defer { tmp.remove() }
        func key(_ i: Int) -> String { "gift:v:" + String(repeating: "0", count: 4 - String(i).count) + String(i) }
        // 600 keys: a chunk is 38 (32 + 6), and the last of 16 is 30.
        let index = GiftKeyIndex(flushAt: 600)
        try queue.write { db in
            let none = try index.record(of: key(0), db)
            #expect(none == nil)
            for i in 0..<600 { index.added(key(i), offset: Int64(i + 1)) }
            // A key already at its own row (a chunk that committed before the tail was read again).
            try db.execute(sql: "INSERT INTO gift_keys (key, offset) VALUES (?, 4)", arguments: [key(3)])
            try index.flush(db)
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM gift_keys") == 38)
            #expect(try String.fetchOne(db, sql: "SELECT MAX(key) FROM gift_keys") == key(37), "in key order")
            #expect(try SQLiteGiftKeys.indexedThrough(db) == 0)
            for _ in 1..<16 { try index.flush(db) }
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM gift_keys WHERE offset = CAST(substr(key, 8) AS INTEGER) + 1") == 600)
            #expect(try SQLiteGiftKeys.indexedThrough(db) == 600, "the mark moved with the last chunk")
            let flushed = try index.record(of: key(599), db)
            #expect(flushed == .sent(offset: 600), "from gift_keys, no longer in memory")
        }
        // A key at another row, in the second statement of a chunk (its 6 keys), fails the flush.
        let other = GiftKeyIndex(flushAt: 600)
        #expect(throws: DatabaseError.self) {
            try queue.write { db in
                _ = try other.record(of: "gift:w:none", db)
                for i in 0..<600 { other.added("gift:w:" + key(i).dropFirst(7), offset: Int64(1_000 + i)) }
                try db.execute(sql: "INSERT INTO gift_keys (key, offset) VALUES ('gift:w:0035', 7)")
                try other.flush(db)
            }
        }
        let rolledBack = try queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM gift_keys WHERE key LIKE 'gift:w:%'") }
        #expect(rolledBack == 0, "the failed transaction wrote nothing")
    }

    @Test("keys another connection wrote into gift_keys are never ruled out: its commit resets the filter, which is built again from after it")
    func filterAfterAnotherWriter() async throws {
        let (database, folder) = (try TemporaryDatabase(), try ScriptFolder(MoneyEngine.scripts))
        defer { folder.remove() }
        let engine = try await Self.seeded(database, folder, coins: 1_000)
        _ = try await Self.send(engine, "first")
        var lookups = try await engine.store.giftKeyLookups()
        for _ in 0..<200 where !lookups.filter {
            try await Task.sleep(for: .milliseconds(10))
            lookups = try await engine.store.giftKeyLookups()
        }
        #expect(lookups.filter)
        // Another engine on the same file sends six gifts: its flushes write their keys into
        // gift_keys and move the mark past them, so the first engine finds them in neither its
        // tail nor its filter.
        let other = try await MoneyEngine.open(path: database.path, scriptsPath: folder.path, clock: ManualClock())
        var theirs: [String: GiftReceipt] = [:]
        for key in ["o1", "o2", "o3", "o4", "o5", "o6"] { theirs[key] = try await Self.send(other, key) }
        let indexed = try await Self.state(other.store, ["o1"]).indexed
        #expect(indexed.contains("gift:v:o1"), "flushed into gift_keys by the other engine")
        try other.store.close()
        for key in theirs.keys.sorted() { #expect(try await Self.send(engine, key) == theirs[key], "\(key), sent by the other engine") }
        let rows = try await Self.state(engine.store, ["o1", "o2", "o3", "o4", "o5", "o6"]).rows
        #expect(rows == [1, 1, 1, 1, 1, 1], "charged once")
        try engine.store.close()
    }

    @Test("a flush whose chunk's commit was slow (random keys, a page each) writes the rest a sixty-fourth a commit; a fast one keeps a sixteenth")
    func slowCommitsShrinkTheChunks() throws {
        let (tmp, queue) = try Self.migratedQueue()
        defer { tmp.remove() }
        let index = GiftKeyIndex(flushAt: 640)
        func count(_ db: Database) throws -> Int { try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM gift_keys") ?? -1 }
        try queue.write { db in
            _ = try index.record(of: "gift:v:none", db)
            for i in 0..<640 { index.added("gift:v:k\(100_000 + i)", offset: Int64(i + 1)) }
            try index.flush(db)
            #expect(try count(db) == 40, "a sixteenth")
            index.committed(nanos: GiftKeyIndex.slowCommitNanos)
            try index.flush(db)
            #expect(try count(db) == 80, "a commit at the limit is not slow")
            index.committed(nanos: GiftKeyIndex.slowCommitNanos + 1)
            try index.flush(db)
            #expect(try count(db) == 90, "a sixty-fourth from the commit after a slow one on")
            index.committed(nanos: 0)
            try index.flush(db)
            #expect(try count(db) == 100, "for the rest of the flush")
            index.committed(nanos: 10_000_000)
            for _ in 0..<54 { try index.flush(db) }
            #expect(try count(db) == 640 && SQLiteGiftKeys.indexedThrough(db) == 640)
            // The next flush starts at a sixteenth again.
            for i in 640..<1_280 { index.added("gift:v:k\(100_000 + i)", offset: Int64(i + 1)) }
            try index.flush(db)
            #expect(try count(db) == 680)
        }
    }

    @Test("the keys' filter never forgets a key it was given, and says yes for about 1% of others at its capacity")
    func filterHasNoFalseNo() {
        var filter = GiftKeyFilter(capacity: 0)
        #expect(filter.capacity == GiftKeyFilter.capacityMin)
        let added = (0..<filter.capacity).map { "gift:v\($0 % 97):k-\($0)" }
        for key in added { filter.add(key) }
        #expect(filter.count == added.count)
        #expect(added.allSatisfy(filter.mayContain), "no key given is ever ruled out")
        let others = (0..<100_000).map { "gift:w\($0 % 89):other-\($0)" }
        let yes = others.count(where: filter.mayContain)
        #expect(yes < others.count * 3 / 100, "\(yes) false yeses in \(others.count)")
    }

    @Test("a filter built off the writer takes the keys written while it was built; a key it rules out is not searched for, any other is")
    func filterBuiltWhileKeysAreWritten() throws {
        let (tmp, queue) = try Self.migratedQueue()
        defer { tmp.remove() }
        final class Box: Sendable { let delivery = Mutex<GiftKeyFilterDelivery?>(nil) }
        let box = Box()
        let index = GiftKeyIndex(flushAt: 2)
        try queue.write { db in
            try db.execute(sql: "INSERT INTO gift_keys (key, offset) VALUES ('gift:v:old', 1), ('gift:v:refused', 0)")
            index.keepFilter { delivery in box.delivery.withLock { $0 = delivery } }
            // The build's snapshot: the two keys above, not the ones written next.
            let snapshot = try GiftKeyFilter.build(db)
            #expect(box.delivery.withLock { $0 } == nil, "no build before the first lookup")
            #expect(try index.record(of: "gift:v:a", db) == nil)
            #expect(box.delivery.withLock { $0 } != nil, "the first lookup begins one")
            index.added("gift:v:a", offset: 2)
            index.added("gift:v:b", offset: 3)
            try index.flush(db)
            try index.flush(db)
            #expect(try SQLiteGiftKeys.indexedThrough(db) == 3, "a and b are in gift_keys, no longer in memory")
            // c's row is written during the build too, but stays in the tail until after it.
            index.added("gift:v:c", offset: 4)
            #expect(index.filterInUse() == false && index.indexSearches == 1)
            box.delivery.withLock { $0 }!.deliver(.built(snapshot))
            #expect(index.filterInUse())
            // d is given to the filter in use as its row is written; e's row comes while the
            // flush of c and d is under way (a key a commit), and stays in the tail after it.
            index.added("gift:v:d", offset: 5)
            try index.flush(db)
            index.added("gift:v:e", offset: 6)
            try index.flush(db)
            #expect(try SQLiteGiftKeys.indexedThrough(db) == 5, "c and d are in gift_keys, no longer in memory")
            let before = index.indexSearches
            #expect(try index.record(of: "gift:v:e", db) == .sent(offset: 6), "from the tail")
            #expect(index.indexSearches == before, "the tail answers without a search")
            #expect(try index.record(of: "gift:v:c", db) == .sent(offset: 4), "in the tail when the filter arrived: given to it")
            #expect(try index.record(of: "gift:v:d", db) == .sent(offset: 5), "given to the filter as its row was written")
            #expect(index.indexSearches == before + 2, "c and d searched for: the filter did not rule them out")
            #expect(try index.record(of: "gift:v:a", db) == .sent(offset: 2), "written during the build: given to the new filter")
            #expect(try index.record(of: "gift:v:b", db) == .sent(offset: 3))
            #expect(try index.record(of: "gift:v:old", db) == .sent(offset: 1))
            #expect(try index.record(of: "gift:v:refused", db) == .refused)
            #expect(index.filterInUse())
            let searched = index.indexSearches
            #expect(try index.record(of: "gift:v:never", db) == nil)
            #expect(index.filterAnswers == 1 && index.indexSearches == searched, "ruled out by the filter, not searched for")
            // A refusal written now goes into the filter before its row.
            try index.refused("gift:v:poor", db)
            #expect(try index.record(of: "gift:v:poor", db) == .refused)
        }
    }

    @Test("a filter built from the first lookup after a restart answers for every key written before, sent or refused, and rules out a new key without a search")
    func filterOnOpen() async throws {
        let (database, folder) = (try TemporaryDatabase(), try ScriptFolder(MoneyEngine.scripts))
        defer { folder.remove() }
        var engine = try await Self.seeded(database, folder, coins: 1_000)
        var sent: [String: GiftReceipt] = [:]
        for key in ["a", "b", "c", "d", "e", "f", "g"] { sent[key] = try await Self.send(engine, key) }
        let refusal = try await Self.refusal(engine, "too-many")
        #expect(refusal != nil)
        try engine.store.close()
        engine = try await MoneyEngine.open(path: database.path, scriptsPath: folder.path, clock: ManualClock())
        var lookups = try await engine.store.giftKeyLookups()
        #expect(!lookups.filter, "none is built before a key is looked up")
        // The first lookup (a retry, answered from the index) begins the build, off the writer.
        #expect(try await Self.send(engine, "a") == sent["a"])
        lookups = try await engine.store.giftKeyLookups()
        for _ in 0..<200 where !lookups.filter {
            try await Task.sleep(for: .milliseconds(10))
            lookups = try await engine.store.giftKeyLookups()
        }
        #expect(lookups.filter, "built off the writer")
        for key in sent.keys.sorted() { #expect(try await Self.send(engine, key) == sent[key], "\(key) after the restart") }
        #expect(try await Self.refusal(engine, "too-many") == refusal)
        let before = try await engine.store.giftKeyLookups()
        let fresh = try await Self.send(engine, "fresh")
        #expect(fresh.balanceCoins == sent["g"]!.balanceCoins - 10, "charged once")
        let after = try await engine.store.giftKeyLookups()
        #expect(after.filterAnswers == before.filterAnswers + 1 && after.indexSearches == before.indexSearches, "a new key is not searched for")
        let rows = try await Self.state(engine.store, ["a", "fresh"]).rows
        #expect(rows == [1, 1])
        try engine.store.close()
    }

    @Test("a key in the tail survives a failed batch, another connection's commit and a restart; a failed send's key is free")
    func tailReadAgain() async throws {
        let (database, folder) = (try TemporaryDatabase(), try ScriptFolder(MoneyEngine.scripts))
        defer { folder.remove() }
        var engine = try await Self.seeded(database, folder, coins: 100)
        let a = try await Self.send(engine, "a")
        // A batch failing at COMMIT: the writer reads its tail again; "a" is still there and
        // the doomed send's key was never written.
        try await KeptBalancesTests.sendInFailedBatch(
            engine, GiftSendRequest(roomID: "r0", senderID: "v", giftID: "rose", count: 1, idempotencyKey: "doomed"))
        #expect(try await Self.send(engine, "a") == a)
        var s = try await Self.state(engine.store, ["a", "doomed"])
        #expect(s.rows == [1, 0])
        let doomed = try await Self.send(engine, "doomed")
        #expect(doomed.balanceCoins == 80, "charged once, when it was sent again")
        // Another connection commits: the writer forgets and reads its tail again.
        let other = try Store(StoreConfiguration(path: database.path))
        try await KeptBalancesTests.spend(Ledger(store: other), "spend-1", 1)
        try other.close()
        #expect(try await Self.send(engine, "a") == a)
        #expect(try await Self.send(engine, "doomed") == doomed)
        // A restart: the tail is read from the journal.
        try engine.store.close()
        engine = try await MoneyEngine.open(path: database.path, scriptsPath: folder.path, clock: ManualClock())
        #expect(try await Self.send(engine, "a") == a)
        #expect(try await Self.send(engine, "doomed") == doomed)
        s = try await Self.state(engine.store, ["a", "doomed"])
        #expect(s.rows == [1, 1])
        #expect(s.indexed.isEmpty, "two keys: still below the flush")
        let clean = try await engine.store.read { db in try Reconciliation().check(db).isClean && GiftReconciliation.check(db).isEmpty }
        #expect(clean)
        try engine.store.close()
    }

    @Test("a flush cut short by a restart or a failed batch is finished after it; the keys it wrote stay as they are, and every retry answers its first receipt")
    func flushCutShort() async throws {
        let (database, folder) = (try TemporaryDatabase(), try ScriptFolder(MoneyEngine.scripts))
        defer { folder.remove() }
        var engine = try await Self.seeded(database, folder, coins: 1_000)
        var sent: [String: GiftReceipt] = [:]
        for key in ["a", "b", "c"] { sent[key] = try await Self.send(engine, key) }
        var s = try await Self.state(engine.store, ["a", "b", "c"])
        #expect(s.indexed == ["gift:v:a"] && s.through == 0, "the flush began: one key of three written")
        // A restart: the tail is read again from the journal (a, b and c: the mark did not move).
        try engine.store.close()
        engine = try await MoneyEngine.open(path: database.path, scriptsPath: folder.path, clock: ManualClock())
        for key in ["a", "b", "c"] { #expect(try await Self.send(engine, key) == sent[key], "\(key) after the restart") }
        // The three retries' commits ran a new flush of a, b and c (a written anew at its own
        // row), one key each, and the last moved the mark. Then a batch fails.
        s = try await Self.state(engine.store, ["a", "b", "c"])
        let offsetC = try await Self.found(engine.store, "c")
        #expect(s.indexed == ["gift:v:a", "gift:v:b", "gift:v:c"] && s.through == offsetC)
        try await KeptBalancesTests.sendInFailedBatch(
            engine, GiftSendRequest(roomID: "r0", senderID: "v", giftID: "rose", count: 1, idempotencyKey: "doomed"))
        for key in ["d", "e", "f", "g"] { sent[key] = try await Self.send(engine, key) }
        for key in sent.keys.sorted() { #expect(try await Self.send(engine, key) == sent[key], "\(key)") }
        s = try await Self.state(engine.store, ["a", "b", "c", "d", "e", "f", "g", "doomed"])
        #expect(s.rows == [1, 1, 1, 1, 1, 1, 1, 0], "one row a key; the failed batch's send wrote none")
        #expect(s.through > 0, "a flush ended and moved the mark")
        // Every key up to the mark is indexed at its own row.
        let unindexed = try await engine.store.read { db in
            try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM journal AS j WHERE j.type = 'gift' AND j.offset <= (SELECT through FROM gift_keys_indexed)
                    AND NOT EXISTS (SELECT 1 FROM gift_keys AS k WHERE k.key = j.gift_key AND k.offset = j.offset)
                """)
        }
        #expect(unindexed == 0)
        for key in sent.keys.sorted() {
            let found = try await Self.found(engine.store, key)
            #expect(found != nil, "readers find \(key)")
        }
        let clean = try await engine.store.read { db in try Reconciliation().check(db).isClean && GiftReconciliation.check(db).isEmpty }
        #expect(clean)
        try engine.store.close()
    }

    @Test("a refused send's key is indexed at once, as refused: its retries get the refusal, before and after a restart, even with funds back")
    func refusedKeys() async throws {
        let (database, folder) = (try TemporaryDatabase(), try ScriptFolder(MoneyEngine.scripts))
        defer { folder.remove() }
        var engine = try await Self.seeded(database, folder, coins: 5)
        let refusal = try await KeptBalancesTests.refusedAt(engine, "poor")
        #expect(refusal != nil)
        let refused = try await engine.store.read { db in
            try Int64.fetchOne(db, sql: "SELECT offset FROM gift_keys WHERE key = 'gift:v:poor'")
        }
        #expect(refused == 0, "indexed at once, as refused")
        let readers = try await Self.found(engine.store, "poor")
        #expect(readers == nil, "no gift row holds a refused key")
        try await KeptBalancesTests.fund(engine.ledger, "fund-2", 100)
        #expect(try await KeptBalancesTests.refusedAt(engine, "poor") == refusal)
        await #expect(throws: LedgerError.self) { _ = try await Self.send(engine, "poor", count: 2) }
        try engine.store.close()
        engine = try await MoneyEngine.open(path: database.path, scriptsPath: folder.path, clock: ManualClock())
        #expect(try await KeptBalancesTests.refusedAt(engine, "poor") == refusal)
        let sent = try await Self.send(engine, "rich")
        #expect(sent.balanceCoins == 95)
        let rows = try await Self.state(engine.store, ["poor", "rich"]).rows
        #expect(rows == [0, 1])
        try engine.store.close()
    }

    @Test("a key sent twice in one batch gets one row and one charge, the retry the first receipt; every key is found at its own row, before and after a restart")
    func keysWithinOneBatch() async throws {
        let (database, folder) = (try TemporaryDatabase(), try ScriptFolder(MoneyEngine.scripts))
        defer { folder.remove() }
        var engine = try await Self.seeded(database, folder, coins: 100)
        let first = try await Self.send(engine, "before")
        let keys = ["x", "y", "x", "z", "x", "y"]
        // Queued behind a blocked write, so that the next batch holds them all.
        let (outcomes, _) = await engine.burst(
            keys.map { .send(GiftSendRequest(roomID: "r0", senderID: "v", giftID: "rose", count: 1, idempotencyKey: $0)) },
            doomed: false, withConsumers: false)
        let receipts = outcomes.compactMap { if case .sent(let receipt) = $0 { receipt } else { nil } }
        #expect(receipts.count == keys.count, "every send answered with a receipt: \(outcomes)")
        var byKey: [String: GiftReceipt] = [:]
        for (key, receipt) in zip(keys, receipts) {
            if let earlier = byKey[key] { #expect(receipt == earlier, "a retry in the same batch answers the first receipt of \(key)") }
            byKey[key] = receipt
        }
        #expect(Set(byKey.values.map(\.balanceCoins)) == [70, 80, 60], "three gifts of 10 after the first: charged once a key")
        #expect(try await engine.ledger.balance(.user("v", "coins")) == 60)
        let s = try await Self.state(engine.store, ["before", "x", "y", "z"])
        #expect(s.rows == [1, 1, 1, 1])
        // Each key is found at its own row, whose payload is the receipt it answered.
        let expected = byKey.merging(["before": first]) { a, _ in a }
        func rowsMatch(_ engine: MoneyEngine) async throws -> Bool {
            try await engine.store.read { db in
                try ["before", "x", "y", "z"].allSatisfy { key in
                    guard let offset = try SQLiteGiftKeys.offset(db, key: "gift:v:\(key)"),
                          let row = try Row.fetchOne(db, sql: "SELECT gift_key, payload FROM journal WHERE offset = ?", arguments: [offset])
                    else { return false }
                    let receipt = try GiftReceipt(jsonText: row["payload"])
                    return row["gift_key"] == "gift:v:\(key)" && receipt == expected[key]
                }
            }
        }
        #expect(try await rowsMatch(engine))
        let offsets = try await engine.store.read { db in
            try Int64.fetchAll(db, sql: "SELECT offset FROM journal WHERE type = 'gift' ORDER BY offset")
        }
        #expect(offsets.count == 4 && zip(offsets, offsets.dropFirst()).allSatisfy { $1 == $0 + 1 }, "\(offsets)")
        // The retries after the batch, in memory and after a restart, answer the same receipts.
        for key in ["x", "y", "z"] { #expect(try await Self.send(engine, key) == byKey[key]) }
        try engine.store.close()
        engine = try await MoneyEngine.open(path: database.path, scriptsPath: folder.path, clock: ManualClock())
        for key in ["x", "y", "z"] { #expect(try await Self.send(engine, key) == byKey[key]) }
        #expect(try await rowsMatch(engine))
        #expect(try await engine.ledger.balance(.user("v", "coins")) == 60)
        let clean = try await engine.store.read { db in try Reconciliation().check(db).isClean && GiftReconciliation.check(db).isEmpty }
        #expect(clean)
        try engine.store.close()
    }

    @Test("v19 indexes the gift keys already in the journal and the refused sends' keys")
    func migratedKeys() async throws {
        try await TemporaryDatabase.with { tmp in
            let v18 = try DatabaseQueue(path: tmp.path)
            try Migrations.migrator().migrate(v18, upTo: "v18_account_history")
            try await v18.write { db in
                try JournalMigrationTests.seedAccounts(db, ["user:v1:coins", "user:s1:revenue", "user:v2:coins"])
                try db.execute(sql: """
                    INSERT INTO gift_sends (sender_id, idempotency_key, body_hash, status, outcome, created_at) VALUES
                        ('v3', 'no', 'h', 'failed', '{}', 1), ('v1', 'k', 'h', 'ok', '', 1)
                    """)
                try db.execute(sql: """
                    INSERT INTO journal (offset, type, payload, created_at, idempotency_key, payer, payee) VALUES
                        (1, 'gift', '{}', 11, 'gift:v1:k', 'user:v1:coins', 'user:s1:revenue'),
                        (2, 'enter', '{}', 12, NULL, NULL, NULL),
                        (4, 'gift', '{}', 13, 'gift:v2:k', 'user:v2:coins', NULL),
                        (5, 'topup', '{}', 14, 'topup:x', NULL, NULL)
                    """)
            }
            try v18.close()
            let store = try tmp.openStore()
            let (indexed, through, k1, k2) = try await store.read { db in
                (try Row.fetchAll(db, sql: "SELECT key, offset FROM gift_keys ORDER BY key").map { "\($0[0] as String) \($0[1] as Int64)" },
                 try SQLiteGiftKeys.indexedThrough(db),
                 try SQLiteGiftKeys.offset(db, key: "gift:v1:k"), try SQLiteGiftKeys.offset(db, key: "gift:v2:k"))
            }
            #expect(indexed == ["gift:v1:k 1", "gift:v2:k 4", "gift:v3:no 0"], "a refusal indexed as refused; an old ok row's key names its fact")
            #expect(through == 5)
            #expect(k1 == 1 && k2 == 4)
            try store.close()
        }
    }
}
