import Foundation
import GRDB

/// The work of one gift send inside its transaction.
struct GiftPlan: Sendable {
    let request: GiftSendRequest
    let room: Room
    let generation: ScriptGeneration?
    let ledger: Ledger
    let now: Int64

    /// What the checks found, for `write`.
    struct Checked {
        let gift: Gift
        let price: Int64
        let total: Int64
    }

    /// Every check of the send, reading only: the gift, the count, the room's offer, the
    /// `validate` steps and the sender's available coins. A refusal thrown here is recorded
    /// under the send's key by `GiftSender`; nothing has been written yet.
    func check(_ db: Database) throws -> Checked {
        let r = request
        guard let gift = try GiftCatalog.gift(id: r.giftID, in: db) else { throw GiftError.notFound(id: r.giftID) }
        guard r.count <= gift.countMax else { throw GiftError.invalidCount(r.count, max: gift.countMax) }
        guard gift.isOffered(roomID: room.id, category: room.category, nowMillis: now) else {
            throw GiftError.notOffered(giftID: gift.id, roomID: room.id)
        }
        let price = try validatedPrice(db, gift)
        let total = price * r.count  // ≤ priceCoinsMax × countMaxLimit: no overflow
        let payer = AccountID.user(r.senderID, "coins")
        let available = try ledger.available(db, payer, now: now)
        guard available >= total else { throw LedgerError.insufficientFunds(payer, available: available, amount: total) }
        return Checked(gift: gift, price: price, total: total)
    }

    /// Writes the checked send: the combo count, the linked chain and the `gift` fact. An error
    /// here (a ledger refusal the checks could not foresee, such as a receiving account at its
    /// Int64 limit) is not recorded: it rolls the caller's operation back whole.
    func write(_ db: Database, _ checked: Checked) throws -> GiftReceipt {
        let r = request
        let gift = checked.gift
        let combo = try GiftCombos.next(db, r, windowSeconds: gift.comboWindowSeconds, now: now)
        let split = gift.split.amounts(of: checked.total)
        // `GiftSender` found this send's key unused, and the chain's ids live in its namespace;
        // the caller's operation is rolled back whole if the chain fails.
        let transfers = try ledger.apply(db, newKeys: chain(split: split), now: now, callerRollsBack: true)
        let balance = try ledger.balance(db, .user(r.senderID, "coins"))
        let receipt = GiftReceipt(
            sendID: r.idempotencyKey, roomID: room.id, senderID: r.senderID, streamerID: room.streamerID,
            giftID: gift.id, giftVersion: gift.version, count: r.count, priceCoins: checked.price, totalCoins: checked.total,
            streamerRevenue: split.streamer, guildShare: split.guild, platformFee: split.platform, combo: combo,
            balanceCoins: balance, transferIDs: transfers.map(\.id), ledgerTime: transfers.last?.ts ?? now * 1000)
        // `GiftSender` found this send's key unused, so the fact's key is new too.
        _ = try Journal.append(db, type: GiftSender.giftType, hostJSON: receipt.jsonText, newKey: GiftSends.factKey(r), at: now)
        return receipt
    }

    /// The linked chain: the viewer's coins to the platform (its fee) and to gift clearing (the
    /// part paid out as revenue), and revenue issued to the streamer and the guild pool.
    func chain(split: (streamer: Int64, guild: Int64, platform: Int64)) -> [TransferRequest] {
        let r = request
        let key = GiftSends.factKey(r)
        let memo = "\(r.count)x \(r.giftID) in \(room.id)"
        var chain: [TransferRequest] = []
        if split.streamer + split.guild > 0 {
            chain.append(TransferRequest(id: "\(key):paid", debit: .user(r.senderID, "coins"), credit: .system(.giftClearing, "coins"),
                asset: "coins", amount: split.streamer + split.guild, code: "gift", memo: memo))
        }
        if split.platform > 0 {
            chain.append(TransferRequest(id: "\(key):fee", debit: .user(r.senderID, "coins"), credit: .system(.platformFees, "coins"),
                asset: "coins", amount: split.platform, code: "gift_fee", memo: memo))
        }
        if split.streamer > 0 {
            chain.append(TransferRequest(id: "\(key):revenue", debit: .system(.revenueIssuance, "revenue"),
                credit: .user(room.streamerID, "revenue"), asset: "revenue", amount: split.streamer, code: "gift_revenue", memo: memo))
        }
        if split.guild > 0 {
            chain.append(TransferRequest(id: "\(key):guild", debit: .system(.revenueIssuance, "revenue"),
                credit: .system(.guildShares, "revenue"), asset: "revenue", amount: split.guild, code: "gift_guild", memo: memo))
        }
        return chain
    }

    /// Runs the `validate` steps in their declared order; a step may refuse, or lower the price
    /// (the host keeps it within 1...catalog price).
    func validatedPrice(_ db: Database, _ gift: Gift) throws -> Int64 {
        guard let generation else { return gift.priceCoins }
        var price = gift.priceCoins
        for step in GiftSteps.ordered(generation, handler: "validate", giftID: gift.id) {
            let event = event(gift, price: price)
            let ctx = CallContext(script: step.address, nowMillis: now, seed: UInt64(bitPattern: now),
                reads: LedgerReads(db: db, ledger: ledger), config: step.data.fields["config"]?.table ?? LuaTable())
            let out = try generation.withTransactionVM { vm in try vm.call(step.address, "validate", args: [event], context: ctx, results: 2) }
            switch out[0] {
            case .nil, .boolean(true): continue
            case .boolean(false): throw GiftError.refused(step: step.id, reason: out[1].string ?? "refused")
            case .table(let t):
                guard let p = t.fields["price_coins"]?.integer, (1...gift.priceCoins).contains(p) else {
                    throw ScriptFailure(.badResult, path: "Scripts/\(step.path)", detail: "validate may only lower price_coins to 1...\(gift.priceCoins)")
                }
                price = p
            default:
                throw ScriptFailure(.badResult, path: "Scripts/\(step.path)", detail: "validate returns nil, true, false and a reason, or { price_coins = n }")
            }
        }
        return price
    }

    func event(_ gift: Gift, price: Int64) -> LuaValue {
        .table(LuaTable(fields: [
            "sender_id": .string(request.senderID), "streamer_id": .string(room.streamerID), "room_id": .string(room.id),
            "category": .string(room.category), "gift_id": .string(gift.id), "count": .integer(request.count),
            "price_coins": .integer(price), "value_coins": .integer(price * request.count),
        ]))
    }
}

/// `ctx.balance` inside a transaction, over the ledger.
struct LedgerReads: ScriptReads {
    let db: Database
    let ledger: Ledger
    func balance(user: String, asset: String) throws -> Int64 { try ledger.balance(db, .user(user, asset)) }
    func follows(viewer: String, streamer: String) throws -> Bool { try Follows.isFollowing(db, viewer: viewer, streamer: streamer) }
}
