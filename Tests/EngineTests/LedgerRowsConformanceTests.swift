@testable import Books
import EngineTesting
@testable import Storage
import Testing
@testable import Engine

/// A backend of the ledger's rows: a write or read transaction that hands `body` the rows.
protocol LedgerRowsStore: Sendable {
    func write<T: Sendable>(_ body: @escaping @Sendable (any LedgerRows) throws -> T) async throws -> T
    func read<T: Sendable>(_ body: @escaping @Sendable (any LedgerRows) throws -> T) async throws -> T
}

/// The ledger's rows on the SQLite store (`SQLiteTransaction`), opened as the ledger opens them.
struct SQLiteLedgerRowsStore: LedgerRowsStore {
    let store: Store
    let ledger: Ledger

    func write<T: Sendable>(_ body: @escaping @Sendable (any LedgerRows) throws -> T) async throws -> T { try await store.ledgerWrite(ledger, body) }
    func read<T: Sendable>(_ body: @escaping @Sendable (any LedgerRows) throws -> T) async throws -> T { try await store.ledgerRead(ledger, body) }
}

/// What every `LedgerRows` implementation must do (see the protocol's doc comments). Transfer
/// rows and their reads are in `LedgerRowsConformanceTests+Transfers.swift`.
@Suite("LedgerRows conformance")
struct LedgerRowsConformanceTests {
    static let backends: [StoreBackend<any LedgerRowsStore>] = [.sqlite { SQLiteLedgerRowsStore(store: $0, ledger: Ledger(store: $0)) }]

    static let a = AccountID.user("u1", "coins")
    static let b = AccountID.user("u2", "coins")
    static let clearing = AccountID.system(.paymentClearing, "coins")

    static func totals(_ t: (balance: Int64, pendingDebits: Int64)?) -> String { t.map { "\($0.balance)/\($0.pendingDebits)" } ?? "none" }

    /// A pending transfer to index as open: only its id, debit, amount and expiry matter.
    static func pending(_ id: String, _ debit: AccountID, _ amount: Int64, expiresAt: Int64) -> Transfer {
        Transfer(
            seq: 0, id: id, debit: debit, credit: clearing, asset: "coins", amount: amount, code: "hold", memo: "", ts: 1, kind: .pending,
            pendingID: nil, reverses: nil, linkedBatch: id, expiresAt: expiresAt)
    }

    @Test(arguments: backends)
    func anAccountIsCreatedAtZeroOnFirstUseAndOnlyThen(_ backend: StoreBackend<any LedgerRowsStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (rows, _) = try backend.open(tmp)
            func totals() async throws -> String { try await rows.read { r in Self.totals(try r.accountTotals(Self.a)) } }
            #expect(try await totals() == "none")
            // No row: a withdrawal changes nothing and creates none.
            let withdrew = try await rows.write { r in try r.withdraw(5, from: Self.clearing, mayGoNegative: true) }
            #expect(withdrew == false)
            #expect(try await rows.read { r in Self.totals(try r.accountTotals(Self.clearing)) } == "none")
            let created = try await rows.write { r in try r.account(Self.a, createdAt: 5) }
            #expect(created.id == Self.a && created.balance == 0 && created.pendingDebits == 0)
            #expect(try await totals() == "0/0")
            let deposited = try await rows.write { r in try r.deposit(100, to: Self.a, createdAt: 9) }
            #expect(deposited)
            let again = try await rows.write { r in try r.account(Self.a, createdAt: 9) }
            #expect(again.balance == 100 && again.pendingDebits == 0, "an existing row is read, not reset")
            try await rows.write { r in
                // A first deposit creates its row, holding the amount.
                #expect(try r.accountTotals(.user("u1", "tickets")) == nil)
                #expect(try r.deposit(3, to: .user("u1", "tickets"), createdAt: 1))
                #expect(Self.totals(try r.accountTotals(.user("u1", "tickets"))) == "3/0")
                _ = try r.account(.guild("u1", "coins"), createdAt: 1)
                _ = try r.account(Self.clearing, createdAt: 1)
            }
            let (u1, u9) = try await rows.read { r in
                (try r.userBalances("u1").map { "\($0.asset):\($0.balance)" }.sorted(), try r.userBalances("u9").count)
            }
            #expect(u1 == ["coins:100", "tickets:3"], "a guild of the same name is not the user")
            #expect(u9 == 0)
            let all = try await rows.read { r in try r.allAccounts() }.map { "\($0.id):\($0.asset):\($0.system):\($0.balance):\($0.pendingDebits)" }
            #expect(all.sorted() == [
                "guild:u1:coins:coins:false:0:0", "system:payment_clearing:coins:coins:true:0:0", "user:u1:coins:coins:false:100:0",
                "user:u1:tickets:tickets:false:3:0",
            ])
        }
    }

    @Test(arguments: backends)
    func guardedUpdatesChangeARowOnlyWhenTheirGuardHolds(_ backend: StoreBackend<any LedgerRowsStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (rows, _) = try backend.open(tmp)
            let promotions = AccountID.system(.promotions, "coins")
            try await rows.write { r in
                for id in [Self.a, Self.b, Self.clearing, promotions] { _ = try r.account(id, createdAt: 1) }
                _ = try r.deposit(100, to: Self.a, createdAt: 1)
            }
            func totals(_ id: AccountID) async throws -> String { try await rows.read { r in Self.totals(try r.accountTotals(id)) } }
            func save(over old: AccountState, _ balance: Int64, _ pending: Int64) async throws -> Bool {
                try await rows.write { r in try r.saveAccount(old, balance: balance, pendingDebits: pending) }
            }
            func withdraw(_ amount: Int64, from id: AccountID, mayGoNegative: Bool = false) async throws -> Bool {
                try await rows.write { r in try r.withdraw(amount, from: id, mayGoNegative: mayGoNegative) }
            }
            func deposit(_ amount: Int64, to id: AccountID) async throws -> Bool {
                try await rows.write { r in try r.deposit(amount, to: id, createdAt: 1) }
            }

            // saveAccount writes over the exact old totals only.
            #expect(try await save(over: AccountState(id: Self.a, balance: 90, pendingDebits: 0), 90, 40) == false)
            #expect(try await totals(Self.a) == "100/0")
            let current = AccountState(id: Self.a, balance: 100, pendingDebits: 0)
            #expect(try await save(over: current, 100, 40))
            #expect(try await totals(Self.a) == "100/40")
            #expect(try await save(over: current, 100, 0) == false, "the old totals are gone")

            // Available is 60: a withdrawal may take it all, not one more.
            #expect(try await withdraw(61, from: Self.a) == false)
            #expect(try await withdraw(60, from: Self.a))
            #expect(try await totals(Self.a) == "40/40")
            #expect(try await withdraw(1, from: Self.a) == false)
            #expect(try await withdraw(1, from: Self.clearing) == false, "a system account too")

            // May go negative: down to Int64.min, not past it.
            #expect(try await withdraw(Int64.max, from: Self.clearing, mayGoNegative: true))
            #expect(try await withdraw(2, from: Self.clearing, mayGoNegative: true) == false)
            #expect(try await withdraw(1, from: Self.clearing, mayGoNegative: true))
            #expect(try await totals(Self.clearing) == "\(Int64.min)/0")
            #expect(try await withdraw(1, from: Self.clearing, mayGoNegative: true) == false)
            #expect(try await totals(Self.clearing) == "\(Int64.min)/0")

            // Deposits up to Int64.max, not past it.
            #expect(try await deposit(Int64.max - 5, to: Self.b))
            #expect(try await deposit(6, to: Self.b) == false)
            #expect(try await deposit(5, to: Self.b))
            #expect(try await totals(Self.b) == "\(Int64.max)/0")
            #expect(try await deposit(1, to: Self.b) == false)
            #expect(try await deposit(Int64.max, to: promotions))
            #expect(try await totals(promotions) == "\(Int64.max)/0")
            // A first deposit may be the whole range; the row it creates holds it.
            let fresh = AccountID.user("u7", "coins")
            #expect(try await deposit(Int64.max, to: fresh))
            #expect(try await totals(fresh) == "\(Int64.max)/0")
            #expect(try await deposit(1, to: fresh) == false)
        }
    }

    @Test(arguments: backends)
    func refusalsAreRecordedUnderTheirKey(_ backend: StoreBackend<any LedgerRowsStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (rows, _) = try backend.open(tmp)
            /// Whether a refusal and a transfer exist under `id`, and the refusal.
            func seen(_ id: String) async throws -> (failed: Bool, moved: Bool, failure: String) {
                try await rows.read { r in
                    let failure = try r.failure(id: id).map { "\($0.code)|\($0.message)|\($0.bodyHash)" } ?? "none"
                    return (try r.failureExists(id: id), try r.transferExists(id: id), failure)
                }
            }
            let before = try await seen("k1")
            #expect(!before.failed && !before.moved && before.failure == "none")
            try await rows.write { r in try r.recordFailure(id: "k1", code: "insufficient_funds", message: "needs 5", bodyHash: "h1", at: 7) }
            let after = try await seen("k1")
            #expect(after.failed && after.failure == "insufficient_funds|needs 5|h1")
            #expect(!after.moved, "a refusal is not a transfer")
            let other = try await seen("k2")
            #expect(!other.failed && other.failure == "none")
        }
    }

    @Test(arguments: backends)
    func openPendingsAreDueByExpiryThenIdWithinTheirLimits(_ backend: StoreBackend<any LedgerRowsStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (rows, _) = try backend.open(tmp)
            func earliest() async throws -> Int64? { try await rows.read { r in try r.earliestPendingExpiry() } }
            func due(_ at: Int64, _ limit: Int) async throws -> [String] { try await rows.read { r in try r.duePending(at: at, limit: limit) } }
            #expect(try await earliest() == nil)
            #expect(try await due(Int64.max, 10) == [])
            try await rows.write { r in
                for p in [
                    Self.pending("p-b", Self.a, 10, expiresAt: 200), Self.pending("p-a", Self.b, 20, expiresAt: 200),
                    Self.pending("p-c", Self.a, 30, expiresAt: 100), Self.pending("p-d", Self.a, 40, expiresAt: 300),
                    Self.pending("p-e", Self.a, 5, expiresAt: 200),
                ] { try r.openPending(p) }
            }
            #expect(try await earliest() == 100)
            #expect(try await due(99, 10) == [])
            #expect(try await due(100, 10) == ["p-c"], "due at its expiry")
            #expect(try await due(200, 4) == ["p-c", "p-a", "p-b", "p-e"])
            #expect(try await due(200, 3) == ["p-c", "p-a", "p-b"])
            #expect(try await due(300, 5) == ["p-c", "p-a", "p-b", "p-e", "p-d"])
            let byID = try await rows.read { r in
                [try r.duePending(id: "p-b", at: 199), try r.duePending(id: "p-b", at: 200), try r.duePending(id: "p-z", at: 1_000)]
            }
            #expect(byID == [[], ["p-b"], []])
            let byAccount = try await rows.read { r in [try r.duePending(debiting: Self.a, at: 200), try r.duePending(debiting: Self.b, at: 199)] }
            #expect(byAccount == [["p-c", "p-b", "p-e"], []])
            let amounts = try await rows.read { r in
                [try r.dueAmount(debiting: Self.a, at: 200), try r.dueAmount(debiting: Self.a, at: 99),
                    try r.dueAmount(debiting: Self.clearing, at: 1_000)]
            }
            #expect(amounts == [45, 0, 0])

            try await rows.write { r in
                try r.closePending(id: "p-c")
                try r.closePending(id: "p-z")  // none such: nothing
            }
            #expect(try await earliest() == 200)
            #expect(try await due(200, 10) == ["p-a", "p-b", "p-e"])
            let open = try await rows.read { r in try r.allOpenPending() }.map { "\($0.id):\($0.amount)" }
            #expect(open.sorted() == ["p-a:20", "p-b:10", "p-d:40", "p-e:5"])
        }
    }

    @Test(arguments: backends)
    func theLedgerClockIsPeekedWithoutTakingAndTakenOnce(_ backend: StoreBackend<any LedgerRowsStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (rows, _) = try backend.open(tmp)
            let times = try await rows.write { r in
                [try r.ledgerNow(1_000), try r.ledgerNow(1_000), try r.nextLedgerTime(1_000), try r.ledgerNow(1_000), try r.nextLedgerTime(1_000),
                    try r.ledgerNow(2_000)]
            }
            #expect(times == [1_000_000, 1_000_000, 1_000_000, 1_000_001, 1_000_001, 2_000_000])
        }
    }

    @Test(arguments: backends)
    func aThrowRollsBackEveryRowLedgerAndJournalIncluded(_ backend: StoreBackend<any LedgerRowsStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (rows, facts) = try backend.open(tmp)
            let error = await thrown {
                try await rows.write { r in
                    _ = try r.account(Self.a, createdAt: 1)
                    _ = try r.deposit(10, to: Self.a, createdAt: 1)
                    _ = try r.insertTransfer(Self.row("t1", Self.clearing, Self.a, 10, ts: 1_000), bodyHash: "h")
                    try r.openPending(Self.pending("p1", Self.a, 5, expiresAt: 100))
                    try r.recordFailure(id: "f1", code: "c", message: "m", bodyHash: "h", at: 1)
                    _ = try r.ledger.apply([coinsTopUp("t2", "u2", 50)], now: 1)
                    try r.journal.append(type: "ledger_test", payload: ["n": 1], at: 1)
                    throw Aborted()
                }
            }
            #expect(error is Aborted)
            let (accounts, moved, earliest, failed) = try await rows.read { r in
                ([Self.totals(try r.accountTotals(Self.a)), Self.totals(try r.accountTotals(Self.b))],
                    [try r.transferExists(id: "t1"), try r.transferExists(id: "t2")], try r.earliestPendingExpiry(), try r.failureExists(id: "f1"))
            }
            #expect(accounts == ["none", "none"] && moved == [false, false] && earliest == nil && !failed)
            #expect(try await facts("ledger_test").isEmpty)
        }
    }

    @Test(arguments: backends)
    func aReadSeesOneSnapshotAndCannotWrite(_ backend: StoreBackend<any LedgerRowsStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (rows, _) = try backend.open(tmp)
            try await rows.write { r in
                _ = try r.account(Self.a, createdAt: 1)
                _ = try r.deposit(10, to: Self.a, createdAt: 1)
            }
            let seen = try await snapshotReads(
                { body in try await rows.read(body) }, value: { (r: any LedgerRows) in try r.accountTotals(Self.a)?.balance ?? -1 },
                during: { _ = try await rows.write { r in try r.deposit(5, to: Self.a, createdAt: 1) } })
            #expect(seen.first == 10 && seen.second == 10 && seen.after == 15)
            let refused = await thrown { try await rows.read { r in try r.recordFailure(id: "f1", code: "c", message: "m", bodyHash: "h", at: 1) } }
            #expect(refused != nil)
            let failed = try await rows.read { r in try r.failureExists(id: "f1") }
            #expect(failed == false)
        }
    }
}
