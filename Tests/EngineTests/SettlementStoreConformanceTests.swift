@testable import Books
import EngineTesting
@testable import Storage
import Testing
@testable import Engine

/// What every `SettlementStore` backend must do (see the protocols' doc comments). The facts a
/// run reads, which other parts write, are in `SettlementStoreConformanceTests+Facts.swift`.
@Suite("SettlementStore conformance")
struct SettlementStoreConformanceTests {
    static let backends: [StoreBackend<any SettlementStore>] = [.sqlite { SQLiteSettlementStore($0, ledger: Ledger(store: $0)) }]

    static func statement(_ kind: String, _ owner: String, total: Int64, month: String = "2026-03") -> SettlementStatement {
        SettlementStatement(
            month: month, ownerKind: kind, ownerID: owner, guildID: kind == "streamer" ? "g1" : nil, revenue: 10,
            parts: ["bonus": total - 1, "adjustments": 1], total: total, payout: total - 10, note: kind == "guild" ? "split" : nil,
            memberParts: kind == "guild" ? ["s1": 3, "s2": 4] : nil, withdrawn: kind == "streamer" ? 2 : nil, inputsHash: "h-\(owner)",
            policyGeneration: "gen")
    }

    static func adjustment(_ kind: String, _ owner: String, _ amount: Int64, _ reason: String) -> SettlementAdjustmentRequest {
        SettlementAdjustmentRequest(ownerKind: kind, ownerID: owner, amount: amount, reason: reason)
    }

    @Test(arguments: backends)
    func monthsStartOpenAndKeepTheirGenerationAndHashUntilReplaced(_ backend: StoreBackend<any SettlementStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (store, _) = try backend.open(tmp)
            let (state, empty) = try await store.read { tx in (try tx.state(month: "2026-03"), try tx.settlementMonth("2026-03")) }
            #expect(state == .open)
            #expect(empty == SettlementMonth(month: "2026-03", state: .open, policyGeneration: nil, inputsHash: nil, statements: []))

            func month(after change: @escaping @Sendable (any SettlementTransaction) throws -> Void) async throws -> [String] {
                try await store.write { tx in try change(tx) }
                return try await store.read { tx in
                    let m = try tx.settlementMonth("2026-03")
                    return [try tx.state(month: "2026-03").rawValue, m.state.rawValue, m.policyGeneration ?? "-", m.inputsHash ?? "-"]
                }
            }
            var seen = try await month { tx in try tx.setState(month: "2026-03", .calculating, by: "op", now: 1, generation: "gen1", hash: nil) }
            #expect(seen == ["calculating", "calculating", "gen1", "-"])
            // nil keeps what is stored; a value replaces it.
            seen = try await month { tx in try tx.setState(month: "2026-03", .pendingReview, by: nil, now: 2, generation: nil, hash: "h1") }
            #expect(seen == ["pending_review", "pending_review", "gen1", "h1"])
            seen = try await month { tx in try tx.setState(month: "2026-03", .confirmed, by: "fin", now: 3, generation: "gen2", hash: "h2") }
            #expect(seen == ["confirmed", "confirmed", "gen2", "h2"])
            seen = try await month { tx in try tx.setState(month: "2026-03", .paid, by: "fin", now: 4, generation: nil, hash: nil) }
            #expect(seen == ["paid", "paid", "gen2", "h2"])
            let april = try await store.read { tx in try tx.state(month: "2026-04") }
            #expect(april == .open, "another month keeps its own state")
        }
    }

    @Test(arguments: backends)
    func statementsAreReplacedWholeAndListedStreamersFirstThenGuildsByOwner(_ backend: StoreBackend<any SettlementStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (store, _) = try backend.open(tmp)
            let s1 = Self.statement("streamer", "s1", total: 100)
            let s2 = Self.statement("streamer", "s2", total: 200)
            let g1 = Self.statement("guild", "g1", total: 30)
            let g2 = Self.statement("guild", "g2", total: 40)
            let april = Self.statement("streamer", "s1", total: 5, month: "2026-04")
            func statements() async throws -> [[SettlementStatement]] {
                try await store.read { tx in [try tx.settlementMonth("2026-03").statements, try tx.settlementMonth("2026-04").statements] }
            }
            try await store.write { tx in
                try tx.replaceStatements(month: "2026-03", [(g2, "{}"), (s2, #"{"n":2}"#), (g1, "{}"), (s1, #"{"n":1}"#)])
                try tx.replaceStatements(month: "2026-04", [(april, "{}")])
            }
            #expect(try await statements() == [[s1, s2, g1, g2], [april]])
            // Replacing drops what the new list does not hold, in that month only.
            try await store.write { tx in try tx.replaceStatements(month: "2026-03", [(g1, "{}"), (s2, "{}")]) }
            #expect(try await statements() == [[s2, g1], [april]])
            try await store.write { tx in try tx.replaceStatements(month: "2026-03", []) }
            #expect(try await statements() == [[], [april]])
            let state = try await store.read { tx in try tx.state(month: "2026-03") }
            #expect(state == .open, "statements set no state")
        }
    }

    @Test(arguments: backends)
    func adjustmentsCountInTheirMonthByIdAndSumPerOwner(_ backend: StoreBackend<any SettlementStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (store, _) = try backend.open(tmp)
            func read(_ month: String) async throws -> (adjustments: [SettlementAdjustment], sums: [String]) {
                try await store.read { tx in
                    let sums = try tx.adjustmentSums(month: month).map { "\($0.ownerKind):\($0.ownerID):\($0.amount)" }
                    return (try tx.adjustments(month: month), sums.sorted())
                }
            }
            let before = try await read("2026-03")
            #expect(before.adjustments == [] && before.sums == [])
            let ids = try await store.write { tx in
                [
                    try tx.insertAdjustment(month: "2026-03", Self.adjustment("streamer", "s1", 100, "bonus"), by: "fin", refersTo: nil, now: 1),
                    try tx.insertAdjustment(month: "2026-03", Self.adjustment("guild", "g1", 50, "g"), by: "fin", refersTo: nil, now: 2),
                    try tx.insertAdjustment(month: "2026-03", Self.adjustment("streamer", "s1", -30, "fix"), by: "fin2", refersTo: "2026-02", now: 3),
                    try tx.insertAdjustment(month: "2026-04", Self.adjustment("streamer", "s1", 7, "later"), by: "fin", refersTo: nil, now: 4),
                ]
            }
            #expect(ids == ids.sorted() && Set(ids).count == 4)
            let march = try await read("2026-03")
            #expect(march.adjustments == [
                SettlementAdjustment(
                    id: ids[0], month: "2026-03", ownerKind: "streamer", ownerID: "s1", amount: 100, reason: "bonus", createdBy: "fin",
                    refersToMonth: nil, createdAt: 1),
                SettlementAdjustment(
                    id: ids[1], month: "2026-03", ownerKind: "guild", ownerID: "g1", amount: 50, reason: "g", createdBy: "fin", refersToMonth: nil,
                    createdAt: 2),
                SettlementAdjustment(
                    id: ids[2], month: "2026-03", ownerKind: "streamer", ownerID: "s1", amount: -30, reason: "fix", createdBy: "fin2",
                    refersToMonth: "2026-02", createdAt: 3),
            ])
            #expect(march.sums == ["guild:g1:50", "streamer:s1:70"])
            let april = try await read("2026-04")
            #expect(april.adjustments.map(\.id) == [ids[3]] && april.sums == ["streamer:s1:7"])
        }
    }

    @Test(arguments: backends)
    func aThrowRollsBackEveryWriteLedgerAndJournalIncluded(_ backend: StoreBackend<any SettlementStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (store, facts) = try backend.open(tmp)
            let error = await thrown {
                try await store.write { tx in
                    try tx.setState(month: "2026-03", .calculating, by: "op", now: 1, generation: "gen", hash: "h")
                    try tx.replaceStatements(month: "2026-03", [(Self.statement("streamer", "s1", total: 1), "{}")])
                    _ = try tx.insertAdjustment(month: "2026-03", Self.adjustment("streamer", "s1", 1, "r"), by: "f", refersTo: nil, now: 1)
                    _ = try tx.insertWithdrawal(streamer: "s1", month: "2026-03", amount: 5, transferID: "w-1", now: 1)
                    _ = try tx.ledger.apply([coinsTopUp("t1", "s1", 50)], now: 1)
                    try tx.journal.append(type: "settlement_test", payload: ["month": "2026-03"], at: 1)
                    throw Aborted()
                }
            }
            #expect(error is Aborted)
            let (month, adjustments, withdrawal, moved, balance) = try await store.read { tx in
                (try tx.settlementMonth("2026-03"), try tx.adjustments(month: "2026-03"), try tx.withdrawal(transferID: "w-1"),
                    try tx.ledger.transferExists(id: "t1"), try tx.ledger.balance(.user("s1", "coins")))
            }
            #expect(month == SettlementMonth(month: "2026-03", state: .open, policyGeneration: nil, inputsHash: nil, statements: []))
            #expect(adjustments == [] && withdrawal == nil && !moved && balance == 0)
            #expect(try await facts("settlement_test").isEmpty)
        }
    }

    @Test(arguments: backends)
    func aReadSeesOneSnapshotAndCannotWrite(_ backend: StoreBackend<any SettlementStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (store, _) = try backend.open(tmp)
            _ = try await store.write { tx in try tx.insertWithdrawal(streamer: "s1", month: "2026-03", amount: 5, transferID: "w-1", now: 1) }
            let seen = try await snapshotReads(
                { body in try await store.read(body) }, value: { (tx: any SettlementTransaction) in try tx.pendingWithdrawalCount(month: "2026-03") },
                during: {
                    _ = try await store.write { tx in
                        try tx.insertWithdrawal(streamer: "s2", month: "2026-03", amount: 5, transferID: "w-2", now: 2)
                    }
                })
            #expect(seen.first == 1 && seen.second == 1 && seen.after == 2)
            let refused = await thrown {
                try await store.read { tx in try tx.setState(month: "2026-03", .calculating, by: nil, now: 3, generation: nil, hash: nil) }
            }
            #expect(refused != nil)
            let state = try await store.read { tx in try tx.state(month: "2026-03") }
            #expect(state == .open)
        }
    }
}
