@testable import Books
import EngineTesting
import GRDB
@testable import Storage
import Testing
@testable import Engine

/// The account history projection in pages (`account_history_pages`, v20): one row per account
/// and consumer batch. Reads give what a row per gift gave: newest first from any offset, or
/// oldest first, across pages and inside a page that straddles the bound.
@Suite struct AccountHistoryPagesTests {
    /// Gift rows at these offsets (far apart, so v20's ranges of 4,096 offsets split them) and
    /// the accounts each names.
    static let gifts: [(offset: Int64, payer: String, payee: String?)] = [
        (2, "user:v1:coins", "user:s1:revenue"), (5, "user:v2:coins", "user:s1:revenue"), (4_095, "user:v1:coins", nil),
        (4_096, "user:v1:coins", "user:s1:revenue"), (4_100, "user:v1:coins", "user:s1:revenue"), (9_000, "user:v1:coins", nil),
    ]

    static func expected(_ account: String) -> [Int64] {
        gifts.filter { $0.payer == account || $0.payee == account }.map(\.offset)
    }

    @Test("v20 packs an account's rows by ranges of 4,096 offsets, v21 numbers them; every read gives the rows a row per gift gave")
    func migratedPagesRead() async throws {
        try await TemporaryDatabase.with { tmp in
            let v19 = try DatabaseQueue(path: tmp.path)
            try Migrations.migrator().migrate(v19, upTo: "v19_gift_keys")
            try await v19.write { db in
                try JournalMigrationTests.seedAccounts(db, ["user:s1:revenue", "user:v1:coins", "user:v2:coins"])
                for g in Self.gifts {
                    try db.execute(
                        sql: "INSERT INTO journal (offset, type, payload, created_at, payer, payee) VALUES (?, 'gift', ?, 1, ?, ?)",
                        arguments: [g.offset, "{\"n\":\(g.offset)}", g.payer, g.payee])
                    for account in [g.payer, g.payee].compactMap({ $0 }) {
                        try db.execute(sql: "INSERT INTO account_history (account, offset) VALUES (?, ?)", arguments: [account, g.offset])
                    }
                }
                try db.execute(sql: "UPDATE consumer_cursors SET offset = 9000 WHERE name = 'account-history'")
            }
            try v19.close()
            let store = try tmp.openStore()
            try await store.read { db in
                let pages = try Row.fetchAll(db, sql: """
                    SELECT a.id, p.first, p.last, p.offsets FROM account_history_pages p JOIN ledger_accounts a ON a.num = p.account
                    ORDER BY a.id, p.last
                    """)
                    .map { "\($0[0] as String) \($0[1] as Int64)-\($0[2] as Int64)" }
                #expect(pages == [
                    "user:s1:revenue 2-5", "user:s1:revenue 4096-4100",
                    "user:v1:coins 2-4095", "user:v1:coins 4096-4100", "user:v1:coins 9000-9000",
                    "user:v2:coins 5-5",
                ])
                #expect(try Bool.fetchOne(db, sql: "SELECT COUNT(*) = 0 FROM sqlite_master WHERE name = 'account_history'") == true)
                for account in ["user:v1:coins", "user:s1:revenue", "user:v2:coins", "user:nobody:coins"] {
                    let all = Self.expected(account)
                    var oldest: [Int64] = []
                    try SQLiteAccountHistory.forEachOldestFirst(db, .account(account)) { offset, payload in
                        #expect(payload == "{\"n\":\(offset)}")
                        oldest.append(offset)
                        return true
                    }
                    #expect(oldest == all, "\(account) oldest first")
                    // Every bound (on a row, between rows, past the end), inclusive or not, every limit.
                    for upTo: Int64 in [0, 1, 2, 3, 5, 4_094, 4_095, 4_096, 4_097, 4_100, 8_999, 9_000, 9_001, .max] {
                        for inclusive in [true, false] {
                            for limit in [1, 2, 3, 10] {
                                let got = try SQLiteAccountHistory.newest(db, .account(account), upTo: upTo, inclusive: inclusive, limit: limit)
                                let want = Array(all.filter { inclusive ? $0 <= upTo : $0 < upTo }.reversed().prefix(limit))
                                #expect(got.map(\.offset) == want, "\(account) up to \(upTo) \(inclusive) \(limit)")
                                #expect(got.allSatisfy { $0.payload == "{\"n\":\($0.offset)}" })
                            }
                        }
                    }
                }
            }
        }
    }

    @Test("a page with a malformed offset list, or naming a row the journal lacks, is a storage_corrupt error, not a crash")
    func corruptPages() async throws {
        try await TemporaryDatabase.with { tmp in
            let store = try tmp.openStore()
            try await store.write { db in
                try db.execute(sql: """
                    INSERT INTO ledger_accounts (num, id, asset, owner_kind, owner, balance, created_at) VALUES
                        (1, 'user:v1:coins', 'coins', 'user', 'v1', 0, 1), (2, 'user:bad:coins', 'coins', 'user', 'bad', 0, 1),
                        (3, 'user:gone:coins', 'coins', 'user', 'gone', 0, 1)
                    """)
                try db.execute(sql: "INSERT INTO journal (offset, type, payload, created_at, payer) VALUES (1, 'gift', '{}', 1, 1)")
                try db.execute(sql: "UPDATE consumer_cursors SET offset = 9 WHERE name = 'account-history'")
                try db.execute(sql: """
                    INSERT INTO account_history_pages (account, last, first, offsets) VALUES (1, 1, 1, '1'), (2, 3, 2, '2,x3'), (3, 5, 5, '5')
                    """)
            }
            try await store.read { db in
                #expect(try SQLiteAccountHistory.newest(db, .account("user:v1:coins"), upTo: .max, inclusive: true, limit: 5).map(\.offset) == [1])
                for account in ["user:bad:coins", "user:gone:coins"] {
                    #expect(throws: StorageError.self) {
                        try SQLiteAccountHistory.newest(db, .account(account), upTo: .max, inclusive: true, limit: 5)
                    }
                    do {
                        try SQLiteAccountHistory.forEachOldestFirst(db, .account(account)) { _, _ in true }
                        Issue.record("\(account): read without an error")
                    } catch let error as StorageError {
                        #expect(error.code == "storage_corrupt", "\(account): \(error)")
                    }
                }
            }
        }
    }

    @Test("a batch's rows become one page per account, offsets ascending and once each")
    func pagesOfABatch() {
        let pages = AccountHistoryPage.pages([(20, 7), (10, 9), (20, 3), (10, 2), (10, 9)])
        #expect(pages == [AccountHistoryPage(account: 10, offsets: [2, 9]), AccountHistoryPage(account: 20, offsets: [3, 7])])
        #expect(AccountHistoryPage.pages([]).isEmpty)
    }
}
