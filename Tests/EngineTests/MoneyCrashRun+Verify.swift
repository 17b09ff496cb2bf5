@testable import Books
import GRDB
@testable import Storage
import Testing
@testable import Engine

/// What the committed state must show after every step.
extension MoneyCrashRun {
    struct Snapshot: Sendable {
        var violations: [String] = []
        var balances: [String: Int64] = [:]
        var transfers: [String: Int64] = [:]
        var giftFacts: [String: Int] = [:]
        var topUpFacts: [String: Int] = [:]
        var refundRows: Set<Int64> = []
        var cursor: Int64 = 0
        var parked = 0
    }

    func snapshot() async throws -> Snapshot {
        try await engine.store.read { db in
            var s = Snapshot()
            s.violations = try Reconciliation().check(db).violations.map(\.description) + GiftReconciliation.check(db)
            for row in try Row.fetchAll(db, sql: "SELECT id, balance FROM ledger_accounts WHERE owner_kind = 'user'") {
                s.balances[row["id"]] = row["balance"]
            }
            for row in try Row.fetchAll(db, sql: "SELECT id, amount FROM ledger_transfers") { s.transfers[row["id"]] = row["amount"] }
            // A gift's legs live in its journal row.
            for row in try Row.fetchAll(db, sql: "SELECT offset, payload FROM journal WHERE payer IS NOT NULL") {
                for leg in GiftLegs.transfers(of: try GiftReceipt(jsonText: row["payload"]), offset: row["offset"]) {
                    #expect(s.transfers[leg.id] == nil, "leg \(leg.id) stored twice")
                    s.transfers[leg.id] = leg.amount
                }
            }
            // The gift keys' index agrees with the journal: every indexed key names the row
            // holding it, every refused key a refusal, and every gift row up to the mark is indexed.
            s.violations += try String.fetchAll(db, sql: """
                SELECT 'gift key ' || k.key || ' indexed at ' || k.offset || ', a row without it' FROM gift_keys AS k
                    LEFT JOIN journal AS j ON j.offset = k.offset
                    WHERE k.offset > 0 AND j.gift_key IS NOT k.key AND j.idempotency_key IS NOT k.key
                UNION ALL
                SELECT 'gift key ' || k.key || ' refused without its refusal' FROM gift_keys AS k
                    WHERE k.offset = 0 AND NOT EXISTS (SELECT 1 FROM gift_sends AS f
                        WHERE 'gift:' || f.sender_id || ':' || f.idempotency_key = k.key AND f.status = 'failed')
                UNION ALL
                SELECT 'refusal ' || f.sender_id || '/' || f.idempotency_key || ' not indexed' FROM gift_sends AS f
                    WHERE f.status = 'failed'
                    AND NOT EXISTS (SELECT 1 FROM gift_keys AS k WHERE k.key = 'gift:' || f.sender_id || ':' || f.idempotency_key AND k.offset = 0)
                UNION ALL
                SELECT 'gift row ' || j.offset || ' not indexed' FROM journal AS j
                    WHERE j.type = 'gift' AND j.gift_key IS NOT NULL AND j.offset <= (SELECT through FROM gift_keys_indexed)
                    AND NOT EXISTS (SELECT 1 FROM gift_keys AS k WHERE k.key = j.gift_key AND k.offset = j.offset)
                """)
            for row in try Row.fetchAll(db, sql: "SELECT type, COALESCE(idempotency_key, gift_key) AS idempotency_key FROM journal WHERE type IN ('gift', 'topup')") {
                let key: String = row["idempotency_key"]
                if row["type"] as String == "gift" { s.giftFacts[key, default: 0] += 1 } else { s.topUpFacts[key, default: 0] += 1 }
            }
            s.refundRows = Set(try Int64.fetchAll(db, sql: "SELECT gift_offset FROM gift_refunds"))
            s.cursor = try ConsumerRunner.cursor(of: "gift-steps", in: db)
            s.parked = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM parked_events") ?? 0
            return s
        }
    }

    /// Every invariant, every acknowledged request exactly once, nothing of an unacknowledged
    /// one, and every after_commit effect exactly once up to the consumer's cursor.
    func verify(_ context: String) async throws {
        let s = try await snapshot()
        #expect(s.violations == [], "\(context)")
        #expect(s.parked == 0, "\(context): parked events")
        let tickets = model.tickets(cursor: s.cursor)
        for viewer in MoneyModel.viewers {
            #expect(s.balances["user:\(viewer):coins", default: 0] == model.coins[viewer, default: 0], "\(context): coins of \(viewer)")
            #expect(s.balances["user:\(viewer):tickets", default: 0] == tickets[viewer, default: 0], "\(context): tickets of \(viewer)")
        }
        for streamer in MoneyModel.streamers.values {
            #expect(s.balances["user:\(streamer):revenue", default: 0] == model.revenue[streamer, default: 0], "\(context): revenue of \(streamer)")
        }
        let (chains, reversals) = s.grouped()
        for gift in model.gifts {
            let key = "gift:\(gift.receipt.senderID):\(gift.receipt.sendID)"
            #expect(s.giftFacts[key] == 1, "\(context): fact of \(key)")
            #expect(chains[key] == Set(gift.receipt.transferIDs), "\(context): transfers of \(key)")
            // The after_commit grant exists exactly when the consumer's cursor has passed the fact,
            // unless the gift was refunded before that: then its steps were skipped (the refund
            // neither reversed the grant nor left it for manual handling, for there was none).
            let refund = model.refunds[gift.offset]
            let skipped = refund.map {
                !$0.reversed.contains(MoneyModel.grantReversal(gift.offset)) && !$0.manual.contains(MoneyModel.grant(gift.offset))
            } ?? false
            #expect((s.transfers[MoneyModel.grant(gift.offset)] != nil) == (gift.offset <= s.cursor && !skipped), "\(context): grant of \(key)")
            #expect(s.refundRows.contains(gift.offset) == (refund != nil), "\(context): refund row of \(key)")
            #expect(reversals[gift.offset, default: []] == Set(refund?.reversed ?? []), "\(context): reversals of \(key)")
        }
        for (key, r) in model.sends where model.offsets[key] == nil {
            let chain = "gift:\(r.request.senderID):\(r.request.idempotencyKey)"
            #expect(s.giftFacts[chain] == nil && chains[chain] == nil, "\(context): refused \(key) left a fact or moved money")
        }
        for (key, r) in model.lostSends {
            let chain = "gift:\(r.senderID):\(r.idempotencyKey)"
            #expect(s.giftFacts[chain] == nil && chains[chain] == nil, "\(context): unacknowledged \(key) left a fact or moved money")
        }
        for order in model.topUps.keys {
            #expect(s.topUpFacts["topup:\(order)"] == 1 && s.transfers["topup:\(order)"] != nil, "\(context): top-up \(order)")
        }
        for order in model.lostTopUps.keys {
            #expect(s.topUpFacts["topup:\(order)"] == nil && s.transfers["topup:\(order)"] == nil, "\(context): unacknowledged top-up \(order)")
        }
        for offset in model.lostRefunds {
            #expect(!s.refundRows.contains(offset), "\(context): unacknowledged refund of \(offset)")
        }
        #expect(s.giftFacts.count == model.gifts.count, "\(context): gift facts nobody acknowledged")
        #expect(s.topUpFacts.count == model.topUps.count, "\(context): top-up facts nobody acknowledged")
    }
}

extension MoneyCrashRun.Snapshot {
    /// Gift chain transfers by `gift:<sender>:<key>`, and refund reversals by gift offset.
    func grouped() -> (chains: [String: Set<String>], reversals: [Int64: Set<String>]) {
        var chains: [String: Set<String>] = [:]
        var reversals: [Int64: Set<String>] = [:]
        for id in transfers.keys {
            let parts = id.split(separator: ":", maxSplits: 3)
            if id.hasPrefix("gift:v"), parts.count == 4 {
                chains[parts[0...2].joined(separator: ":"), default: []].insert(id)
            } else if id.hasPrefix("refund:"), let offset = Int64(parts[1]) {
                reversals[offset, default: []].insert(id)
            }
        }
        return (chains, reversals)
    }
}
