@testable import Books
import EngineTesting
import Testing
@testable import Engine

extension LedgerRowsConformanceTests {
    /// A transfer row as the ledger would write it (its `seq` comes from `insertTransfer`).
    static func row(
        _ id: String, _ debit: AccountID, _ credit: AccountID, _ amount: Int64, ts: Int64, code: String = "gift", kind: Transfer.Kind = .posted,
        pendingID: String? = nil, reverses: String? = nil, expiresAt: Int64? = nil
    ) -> Transfer {
        Transfer(
            seq: 0, id: id, debit: debit, credit: credit, asset: "coins", amount: amount, code: code, memo: "memo \(id)", ts: ts, kind: kind,
            pendingID: pendingID, reverses: reverses, linkedBatch: id, expiresAt: expiresAt)
    }

    /// `t` as stored at `seq`.
    static func stored(_ t: Transfer, seq: Int64) -> Transfer {
        Transfer(
            seq: seq, id: t.id, debit: t.debit, credit: t.credit, asset: t.asset, amount: t.amount, code: t.code, memo: t.memo, ts: t.ts,
            kind: t.kind, pendingID: t.pendingID, reverses: t.reverses, linkedBatch: t.linkedBatch, expiresAt: t.expiresAt)
    }

    /// The history the transfer tests read: a top-up, a pending posted, a gift reversed, two
    /// top-ups whose ids test the prefix match, a pending left open, and one voided.
    static let history: [Transfer] = [
        row("t1", clearing, a, 100, ts: 1_001, code: "topup"),
        row("t2", a, b, 30, ts: 1_002, kind: .pending, expiresAt: 5_000),
        row("t3", a, b, 30, ts: 1_003, kind: .post, pendingID: "t2"),
        row("t4", b, a, 10, ts: 1_004),
        row("t5", a, b, 10, ts: 1_005, code: "reversal", reverses: "t4"),
        row("x_y", clearing, b, 5, ts: 1_006, code: "topup"),
        row("xzy", clearing, b, 1, ts: 1_007, code: "topup"),
        row("t8", a, b, 7, ts: 1_008, kind: .pending, expiresAt: 6_000),
        row("t9", a, b, 8, ts: 1_009, kind: .pending, expiresAt: 6_000),
        row("v9", a, b, 8, ts: 1_010, kind: .void, pendingID: "t9"),
    ]

    /// Writes `history` and answers each row's `seq`, by id.
    static func writeHistory(_ rows: any LedgerRowsStore) async throws -> [String: Int64] {
        try await rows.write { r in
            var seqs: [String: Int64] = [:]
            for t in Self.history { seqs[t.id] = try r.insertTransfer(t, bodyHash: "hash-\(t.id)") }
            return seqs
        }
    }

    @Test(arguments: backends)
    func transferRowsRoundTripAndAnswerTheirClosingAndReversal(_ backend: StoreBackend<any LedgerRowsStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (rows, _) = try backend.open(tmp)
            func transfer(_ id: String) async throws -> Transfer? { try await rows.read { r in try r.transfer(id: id) } }
            func closing(_ pendingID: String) async throws -> Transfer? { try await rows.read { r in try r.closing(pendingID: pendingID) } }
            #expect(try await transfer("t1") == nil)
            let seq = try await Self.writeHistory(rows)
            let order = Self.history.map { seq[$0.id]! }
            #expect(order == order.sorted() && Set(order).count == order.count, "history sequence numbers increase")
            for t in Self.history {
                let id = t.id
                #expect(try await transfer(id) == Self.stored(t, seq: seq[id]!))
            }
            let hashes = try await rows.read { r in try ["t1", "v9", "t6"].map { try r.transferWithHash(id: $0)?.bodyHash } }
            #expect(hashes == ["hash-t1", "hash-v9", nil])
            let exist = try await rows.read { r in [try r.transferExists(id: "t1"), try r.transferExists(id: "t6")] }
            #expect(exist == [true, false])
            #expect(try await closing("t2")?.id == "t3")
            #expect(try await closing("t9") == Self.stored(Self.history[9], seq: seq["v9"]!))
            #expect(try await closing("t8") == nil, "still open")
            #expect(try await closing("t1") == nil)
            let reversed = try await rows.read { r in try ["t4", "t5", "t1"].map { try r.isReversed($0) } }
            #expect(reversed == [true, false, false])
            let (t3, v9) = (seq["t3"]!, seq["v9"]!)
            let times = try await rows.read { r in [try r.transferTime(seq: t3), try r.transferTime(seq: v9 + 1)] }
            #expect(times == [1_003, nil])
        }
    }

    @Test(arguments: backends)
    func transfersAreFoundByPrefixByAccountAndByCodeInTheirOrders(_ backend: StoreBackend<any LedgerRowsStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (rows, _) = try backend.open(tmp)
            let seq = try await Self.writeHistory(rows)
            func prefixed(_ prefix: String) async throws -> [String] { try await rows.read { r in try r.transfers(idPrefix: prefix) }.map(\.id) }
            #expect(try await prefixed("t") == ["t1", "t2", "t3", "t4", "t5", "t8", "t9"])
            #expect(try await prefixed("x_") == ["x_y"], "`_` is a character, not a wildcard")
            #expect(try await prefixed("x%") == [])
            #expect(try await prefixed("") == Self.history.map(\.id))
            let whole = try await rows.read { r in try r.transfers(idPrefix: "t1") }
            #expect(whole == [Self.stored(Self.history[0], seq: seq["t1"]!)])

            func touching(_ accounts: [AccountID], before: Int64 = Int64.max, limit: Int = 100) async throws -> [String] {
                try await rows.read { r in try r.transfers(touching: accounts, beforeSeq: before, limit: limit) }.map(\.id)
            }
            // Newest first; every row names a or b but the clearing account's own top-ups of b.
            #expect(try await touching([Self.a]) == ["v9", "t9", "t8", "t5", "t4", "t3", "t2", "t1"])
            #expect(try await touching([Self.a], limit: 8) == ["v9", "t9", "t8", "t5", "t4", "t3", "t2", "t1"])
            #expect(try await touching([Self.a], limit: 3) == ["v9", "t9", "t8"])
            #expect(try await touching([Self.a], before: seq["t4"]!) == ["t3", "t2", "t1"], "before the seq, not at it")
            #expect(try await touching([Self.clearing]) == ["xzy", "x_y", "t1"])
            #expect(try await touching([Self.clearing, Self.a], limit: 4) == ["v9", "t9", "t8", "xzy"])
            #expect(try await touching([.user("u9", "coins")]) == [])

            let byCode = try await rows.read { r in
                [try r.transferIDs(codes: ["topup"]), try r.transferIDs(codes: ["reversal", "gift"]), try r.transferIDs(codes: ["none"])]
            }
            #expect(byCode == [["t1", "x_y", "xzy"], ["t2", "t3", "t4", "t5", "t8", "t9", "v9"], []])

            let cursorIDs = try await rows.read { r in
                let cursor = try r.transfersInOrder()
                var ids: [String] = []
                while let t = try cursor.next() { ids.append(t.id) }
                return [ids, [try cursor.next()?.id ?? "end"]]
            }
            #expect(cursorIDs == [Self.history.map(\.id), ["end"]])
        }
    }

    @Test(arguments: backends)
    func postedNetCountsMovedMoneyThroughASeq(_ backend: StoreBackend<any LedgerRowsStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (rows, _) = try backend.open(tmp)
            let seq = try await Self.writeHistory(rows)
            func net(_ account: AccountID, _ id: String) async throws -> Int64 {
                let through = seq[id]!
                return try await rows.read { r in try r.postedNet(account, throughSeq: through) }
            }
            let none = try await rows.read { r in try r.postedNet(Self.a, throughSeq: 0) }
            #expect(none == 0)
            #expect(try await net(Self.a, "t1") == 100)
            #expect(try await net(Self.a, "t2") == 100, "a pending moves nothing")
            #expect(try await net(Self.a, "t3") == 70, "its post does")
            #expect(try await net(Self.a, "t4") == 80)
            #expect(try await net(Self.a, "v9") == 70, "pending and void rows move nothing")
            #expect(try await net(Self.b, "v9") == 36)
            #expect(try await net(Self.clearing, "v9") == -106)
        }
    }
}
