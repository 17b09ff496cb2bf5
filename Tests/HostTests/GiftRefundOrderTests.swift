@testable import Books
import Engine
import EngineTesting
import Foundation
import GRDB
@testable import Showrunner
import Testing
@testable import Host

/// A refund and the gift's `after_commit` steps (run later, from the journal) in either order.
@Suite("Gift refunds before and after the gift's steps")
struct GiftRefundOrderTests {
    /// A ticket exchange that declares `on_refund`, and a lucky refund that does not.
    static let scripts = [
        "gifts/tickets.lua": """
            return gift_step { id = 'tickets', order = 1,
              after_commit = function(ctx, g) ctx.grant(g.sender_id, 'tickets', g.count * 10, 'exchange') end,
              on_refund = function() return true end }
            """,
        "gifts/lucky.lua": """
            return gift_step { id = 'lucky', order = 2,
              after_commit = function(ctx, g)
                ctx.grant(g.sender_id, 'coins', 5, 'lucky')
                ctx.broadcast(g.room_id, { kind = 'lucky' })
              end }
            """,
    ]

    func send(_ e: EngineHost, key: String) async throws -> Int64 {
        let receipt = try await e.engine.giftSender.send(GiftSendRequest(roomID: "r1", senderID: "v1", giftID: "rose", count: 2, idempotencyKey: key))
        let offset = try await e.engine.store.read { db in
            try Int64.fetchOne(db, sql: "SELECT offset FROM journal WHERE type = 'gift' AND json_extract(payload, '$.send_id') = ?",
                arguments: [receipt.sendID])
        }
        return try #require(offset)
    }

    func skipped(_ e: EngineHost) async throws -> [GiftStepsSkipped] {
        try await e.engine.store.read { db in
            try String.fetchAll(db, sql: "SELECT payload FROM journal WHERE type = ? ORDER BY offset", arguments: [GiftStepsConsumer.skippedType])
        }.map { try JSONDecoder().decode(GiftStepsSkipped.self, from: Data($0.utf8)) }
    }

    func clean(_ e: EngineHost) async throws -> Bool {
        try await e.engine.store.read { db in try Reconciliation().check(db).isClean && GiftReconciliation.check(db).isEmpty }
    }

    @Test("refund first: the steps of the refunded gift never run, the skip is recorded, nothing is left for manual handling")
    func refundBeforeSteps() async throws {
        let e = try await moneyHost(scripts: Self.scripts)
        defer { e.folder.remove() }
        let refunded = try await send(e, key: "a")
        let kept = try await send(e, key: "b")
        let refund = try await e.engine.giftRefunds.refund(offset: refunded, reason: "chargeback", by: "ops")
        #expect(refund.manual.isEmpty)
        #expect(refund.reversed.allSatisfy { !$0.contains(":tickets:") && !$0.contains(":lucky:") })
        _ = try await e.engine.consumers.drain()
        _ = try await e.engine.consumers.drain()
        // Only the gift that was not refunded got its tickets, its lucky coins and its broadcast.
        let b = try await e.engine.ledger.balances(user: "v1")
        #expect(b["tickets"] == 20)
        let coins: Int64 = 1_000 - 20 + 5
        #expect(b["coins"] == coins)
        #expect(try await skipped(e) == [GiftStepsSkipped(giftOffset: refunded, sendID: "a", steps: ["tickets", "lucky"], reason: "refunded")])
        let grants = try await e.engine.store.read { db in
            try String.fetchAll(db, sql: "SELECT id FROM ledger_transfers WHERE code = 'grant' ORDER BY seq")
        }
        #expect(grants == ["gift:\(kept):tickets:0", "gift:\(kept):lucky:0"])
        let broadcasts = try await e.engine.store.read { db in try String.fetchAll(db, sql: "SELECT payload FROM journal WHERE type = 'room_event'") }
        #expect(broadcasts.count == 1)
        // Keys sorted at every level: the same effect journals the same bytes on every run.
        if let payload = broadcasts.first {
            let object = try JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: Any]
            #expect(object != nil)
            #expect(payload == String(decoding: try JSONSerialization.data(withJSONObject: object ?? [:], options: [.sortedKeys, .withoutEscapingSlashes]), as: UTF8.self))
        }
        #expect(try await clean(e))
    }

    @Test("steps first: the refund reverses what on_refund agrees to and lists the rest for manual handling")
    func stepsBeforeRefund() async throws {
        let e = try await moneyHost(scripts: Self.scripts)
        defer { e.folder.remove() }
        let offset = try await send(e, key: "a")
        _ = try await e.engine.consumers.drain()
        #expect(try await e.engine.ledger.balances(user: "v1")["tickets"] == 20)
        let refund = try await e.engine.giftRefunds.refund(offset: offset, reason: "chargeback", by: "ops")
        #expect(refund.reversed.contains("refund:\(offset):gift:\(offset):tickets:0"))
        #expect(refund.manual == ["gift:\(offset):lucky:0"])
        _ = try await e.engine.consumers.drain()
        let b = try await e.engine.ledger.balances(user: "v1")
        #expect(b["tickets"] == 0)
        // The lucky coins stay with the viewer until an operator handles them.
        let coins: Int64 = 1_000 + 5
        #expect(b["coins"] == coins)
        #expect(try await skipped(e).isEmpty)
        #expect(try await clean(e))
    }

    @Test("a refund replayed from the journal after a restart still skips the steps once")
    func refundBeforeStepsAcrossRestart() async throws {
        let e = try await moneyHost(scripts: Self.scripts)
        defer { e.folder.remove() }
        let offset = try await send(e, key: "a")
        _ = try await e.engine.giftRefunds.refund(offset: offset, reason: "chargeback", by: "ops")
        try e.engine.store.close()
        let reopened = try EngineParts.open(databasePath: e.database.path, scriptsPath: e.folder.path, synchronous: .normal, logger: .quiet())
        try await reopened.loadScripts()
        _ = try await reopened.consumers.drain()
        _ = try await reopened.consumers.drain()
        let b = try await reopened.ledger.balances(user: "v1")
        #expect(b["tickets"] == 0 && b["coins"] == 1_000)
        let facts = try await reopened.store.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM journal WHERE type = ?", arguments: [GiftStepsConsumer.skippedType])
        }
        #expect(facts == 1)
    }
}
