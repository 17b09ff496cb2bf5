import EngineTesting
import GRDB
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
}
