import EngineTesting
import Testing
@testable import Engine

extension SettlementStoreConformanceTests {
    /// What the withdrawal reads answer at one moment, by month.
    struct WithdrawalView: Equatable {
        var withdrawn: [String: Int64]
        var pending: [Int64]
        var pendingCount: Int
    }

    @Test(arguments: backends)
    func withdrawalsMoveFromPendingToImportedOrExpiredAndCountByMonth(_ backend: StoreBackend<any SettlementStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (store, _) = try backend.open(tmp)
            let id = try await store.write { tx in
                [
                    try tx.insertWithdrawal(streamer: "s1", month: "2026-02", amount: 10, transferID: "w-a", now: 1),
                    try tx.insertWithdrawal(streamer: "s2", month: "2026-03", amount: 20, transferID: "w-b", now: 2),
                    try tx.insertWithdrawal(streamer: "s1", month: "2026-03", amount: 30, transferID: "w-c", now: 3),
                    try tx.insertWithdrawal(streamer: "s1", month: "2026-03", amount: 40, transferID: "w-d", now: 4),
                    try tx.insertWithdrawal(streamer: "s1", month: "2026-04", amount: 50, transferID: "w-e", now: 5),
                ]
            }
            #expect(id == id.sorted() && Set(id).count == 5)
            func view(_ month: String) async throws -> WithdrawalView {
                try await store.read { tx in
                    WithdrawalView(
                        withdrawn: try tx.withdrawn(month: month), pending: try tx.pendingWithdrawals(month: month).map(\.id),
                        pendingCount: try tx.pendingWithdrawalCount(month: month))
                }
            }
            func through(_ last: String, limit: Int) async throws -> [Int64] {
                try await store.read { tx in try tx.pendingWithdrawals(through: last, limit: limit).map(\.id) }
            }
            func has(through last: String) async throws -> Bool { try await store.read { tx in try tx.hasPendingWithdrawals(through: last) } }
            func withdrawal(_ transferID: String) async throws -> Withdrawal? {
                try await store.read { tx in try tx.withdrawal(transferID: transferID) }
            }

            let c = Withdrawal(
                id: id[2], streamerID: "s1", month: "2026-03", amount: 30, transferID: "w-c", state: "pending", requestedAt: 3, importedAt: nil,
                reason: nil)
            #expect(try await withdrawal("w-c") == c)
            #expect(try await withdrawal("w-x") == nil)
            #expect(try await view("2026-03") == WithdrawalView(withdrawn: ["s1": 70, "s2": 20], pending: [id[1], id[2], id[3]], pendingCount: 3))
            #expect(try await view("2026-05") == WithdrawalView(withdrawn: [:], pending: [], pendingCount: 0))
            #expect(try await has(through: "2026-01") == false)
            #expect(try await has(through: "2026-02"))
            // Oldest first, months through `last`, at most `limit`.
            #expect(try await through("2026-03", limit: 5) == Array(id[0...3]))
            #expect(try await through("2026-03", limit: 4) == Array(id[0...3]))
            #expect(try await through("2026-03", limit: 3) == Array(id[0...2]))

            try await store.write { tx in
                try tx.markImported(withdrawal: id[2], now: 9)
                try tx.markExpired(withdrawal: id[3], reason: "hold expired")
                try tx.markExpired(withdrawal: id[4], reason: nil)
            }
            var imported = c
            imported.state = "imported"
            imported.importedAt = 9
            #expect(try await withdrawal("w-c") == imported)
            let expired = Withdrawal(
                id: id[3], streamerID: "s1", month: "2026-03", amount: 40, transferID: "w-d", state: "expired", requestedAt: 4, importedAt: nil,
                reason: "hold expired")
            #expect(try await withdrawal("w-d") == expired)
            #expect(try await withdrawal("w-e")?.state == "expired")
            #expect(try await withdrawal("w-e")?.reason == nil)
            // Imported counts as withdrawn, expired does not.
            #expect(try await view("2026-03") == WithdrawalView(withdrawn: ["s1": 30, "s2": 20], pending: [id[1]], pendingCount: 1))
            #expect(try await view("2026-04") == WithdrawalView(withdrawn: [:], pending: [], pendingCount: 0))
            #expect(try await through("2026-12", limit: 10) == [id[0], id[1]])
            try await store.write { tx in try tx.markImported(withdrawal: id[0], now: 10) }
            #expect(try await has(through: "2026-02") == false)
            // Newest first, every state.
            let (s1, s3) = try await store.read { tx in (try tx.withdrawals(streamer: "s1").map(\.id), try tx.withdrawals(streamer: "s3")) }
            #expect(s1 == [id[4], id[3], id[2], id[0]] && s3 == [])
        }
    }

    @Test(arguments: backends)
    func aStreamersWithdrawalsListAtMostTheNewestHundred(_ backend: StoreBackend<any SettlementStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (store, _) = try backend.open(tmp)
            let ids = try await store.write { tx in
                try (1...100).map { i in
                    try tx.insertWithdrawal(streamer: "s1", month: "2026-03", amount: Int64(i), transferID: "w-\(i)", now: Int64(i))
                }
            }
            let hundred = try await store.read { tx in try tx.withdrawals(streamer: "s1").map(\.id) }
            #expect(hundred == ids.reversed())
            let newest = try await store.write { tx in
                try tx.insertWithdrawal(streamer: "s1", month: "2026-03", amount: 1, transferID: "w-101", now: 101)
            }
            let listed = try await store.read { tx in try tx.withdrawals(streamer: "s1").map(\.id) }
            #expect(listed.count == 100 && listed.first == newest && listed.last == ids[1])
        }
    }
}
