import EngineTesting
import GRDB
@testable import LiveOps
@testable import Storage
import Testing
@testable import Engine

@Suite("chest progress kept in memory between batches")
struct ChestProgressTests {
    static func key(_ owner: String) -> ChestProgress.Key { ChestProgress.Key(activity: "a", chest: "gold", owner: owner) }

    @Test("with room for one row, changed rows wait for the flush and unchanged ones are forgotten", arguments: [1, 2, 100])
    func limitKeepsUnflushedRows(knownMax: Int) async throws {
        let tmp = try TemporaryDatabase()
        let store = try tmp.openStore()
        let book = ChestProgress(knownMax: knownMax)
        try await store.write { db in
            try db.execute(sql: "INSERT INTO chest_progress (activity, chest, owner, progress, opened) VALUES ('a', 'gold', 'x', 30, 2)")
            #expect(try book.value(Self.key("x"), in: db) == .init(progress: 30, opened: 2))
            for owner in ["u", "v", "w"] {
                let before = try book.value(Self.key(owner), in: db)
                #expect(before == .init(progress: 0, opened: 0))
                book.set(Self.key(owner), to: .init(progress: 5, opened: 0), before: before)
            }
            // The three changed rows stay however small the limit; a read row may be dropped.
            #expect(book.count >= 3 && book.count <= max(knownMax, 3) + 1)
            #expect(try book.value(Self.key("x"), in: db) == .init(progress: 30, opened: 2))
            try book.flush(db)
        }
        let rows = try await store.read { db in
            try Row.fetchAll(db, sql: "SELECT owner, progress FROM chest_progress ORDER BY owner").map { "\($0[0] as String)=\($0[1] as Int64)" }
        }
        #expect(rows == ["u=5", "v=5", "w=5", "x=30"])
        withExtendedLifetime(tmp) {}
    }

    @Test("rolling back to a mark undoes later changes only; discarding forgets everything")
    func rollbackAndDiscard() async throws {
        let tmp = try TemporaryDatabase()
        let store = try tmp.openStore()
        let book = ChestProgress()
        try await store.write { db in
            let k = Self.key("u")
            book.set(k, to: .init(progress: 5, opened: 0), before: try book.value(k, in: db))
            let mark = book.mark()
            book.set(k, to: .init(progress: 12, opened: 1), before: try book.value(k, in: db))
            book.set(k, to: .init(progress: 20, opened: 2), before: try book.value(k, in: db))
            book.rollback(to: mark)
            #expect(try book.value(k, in: db) == .init(progress: 5, opened: 0))
            book.rollback(to: 0)
            #expect(try book.value(k, in: db) == .init(progress: 0, opened: 0))
            book.set(k, to: .init(progress: 7, opened: 0), before: try book.value(k, in: db))
            book.discard()
            #expect(book.count == 0)
            try book.flush(db)
        }
        #expect(try await store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM chest_progress") } == 0)
        withExtendedLifetime(tmp) {}
    }

    @Test("a sealed batch's rows stay in memory until the next seal, however small the limit, and are written as sealed")
    func sealedRowsOutliveTheLimit() async throws {
        let tmp = try TemporaryDatabase()
        let store = try tmp.openStore()
        let book = ChestProgress(knownMax: 1)
        // Batch 1 changes u on a snapshot and is sealed; its write has not run when batch 2 is
        // prepared (the runner commits one batch while it prepares the next).
        let first = try await store.read { db in
            let before = try book.value(Self.key("u"), in: db)
            book.set(Self.key("u"), to: .init(progress: 5, opened: 0), before: before)
            return book.seal()
        }
        // Batch 2 reads v, which would push u out of a full memory, then u again.
        let second = try await store.read { db in
            let v = try book.value(Self.key("v"), in: db)
            book.set(Self.key("v"), to: .init(progress: 1, opened: 0), before: v)
            let u = try book.value(Self.key("u"), in: db)
            #expect(u == .init(progress: 5, opened: 0), "batch 1's row is read from memory, not from a snapshot without it")
            book.set(Self.key("u"), to: .init(progress: 9, opened: 1), before: u)
            // Changing memory after a seal does not change what that seal writes.
            return book.seal()
        }
        try await store.write { db in
            try first(db)
            #expect(try Int64.fetchOne(db, sql: "SELECT progress FROM chest_progress WHERE owner = 'u'") == 5)
            try second(db)
        }
        let rows = try await store.read { db in
            try Row.fetchAll(db, sql: "SELECT owner, progress, opened FROM chest_progress ORDER BY owner")
                .map { "\($0[0] as String)=\($0[1] as Int64)/\($0[2] as Int64)" }
        }
        #expect(rows == ["u=9/1", "v=1/0"])
        // Nothing left to write, and a discard forgets the pins too.
        book.discard()
        #expect(book.count == 0)
        withExtendedLifetime(tmp) {}
    }
}
