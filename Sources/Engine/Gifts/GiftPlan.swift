import Foundation
import GRDB

/// The work of one gift send inside its group commit.
struct GiftPlan: Sendable {
    let request: GiftSendRequest
    let room: Room
    let generation: ScriptGeneration?
    let ledger: Ledger
    let calendar: OperationsCalendar
    let now: Int64
    /// The streamers' guild contracts: whose guild account a guild share credits, and at what
    /// rate; nil: the catalog's split, the guild part to the unassigned pool.
    var guilds: Guilds? = nil

    /// What the checks found, for `write`.
    struct Checked {
        let gift: Gift
        let price: Int64
        let total: Int64
    }

    /// Every check of the send, reading only: the gift, the count, the room's offer, the
    /// `validate` steps and the sender's available coins (as this batch has them). A refusal
    /// thrown here is recorded under the send's key by `GiftSender`; nothing has been written,
    /// except that due reservations on the sender's coins expire first (an expiry stands on its
    /// own, as in a ledger chain).
    func check(_ db: Database, _ batch: WriteBatch) throws -> Checked {
        let r = request
        guard let gift = try batch.overlay(GiftCatalogBatch.self, make: GiftCatalogBatch.init).gift(id: r.giftID, in: db) else { throw GiftError.notFound(id: r.giftID) }
        guard r.count <= gift.countMax else { throw GiftError.invalidCount(r.count, max: gift.countMax) }
        guard gift.isOffered(roomID: room.id, category: room.category, nowMillis: now) else {
            throw GiftError.notOffered(giftID: gift.id, roomID: room.id)
        }
        let payer = AccountID.user(r.senderID, "coins")
        var accounts = batch.kept(AccountOverlay.self) { AccountOverlay() }
        if try accounts.entry(db, payer).pendingDebits > 0 {
            // Reservations may be due: expire them in SQL, over rows the overlay has written.
            try batch.flush(db)
            try ledger.expireDue(db, debiting: payer, nowMillis: now)
            accounts = batch.kept(AccountOverlay.self) { AccountOverlay() }
        }
        let price = try validatedPrice(db, gift, accounts)
        let total = price * r.count  // ≤ priceCoinsMax × countMaxLimit: no overflow
        let available = try accounts.entry(db, payer).available
        guard available >= total else { throw LedgerError.insufficientFunds(payer, available: available, amount: total) }
        return Checked(gift: gift, price: price, total: total)
    }

    /// Writes the checked send: its one journal row (the `gift` fact, which carries the legs),
    /// then the balances and the combo streak in the batch's overlays. Every leg is checked
    /// before the row is written, so an error here (a receiving account at its Int64 limit,
    /// which the checks could not foresee) leaves nothing behind and is not recorded.
    /// The caller has looked the send's key up first (`GiftSends.prior`): the row's key
    /// goes into the writer's `GiftKeyIndex` with it.
    /// - Returns: the receipt with its JSON text (the row's payload).
    func write(_ db: Database, _ batch: WriteBatch, _ checked: Checked) throws -> SentGift {
        let r = request
        let gift = checked.gift
        let accounts = batch.kept(AccountOverlay.self) { AccountOverlay() }
        let combos = batch.kept(GiftCombos.self) { GiftCombos() }
        let combo = try combos.peek(db, r, windowSeconds: gift.comboWindowSeconds, now: now)
        // The streamer's guild contract of the day, if any, divides the streamer and guild parts.
        let contract = try guilds?.contract(db, streamer: room.streamerID, day: calendar.key(.daily, at: now))
        let split = gift.split.amounts(of: checked.total, guildShareBP: contract?.shareBP)
        var receipt = GiftReceipt(
            sendID: r.idempotencyKey, roomID: room.id, senderID: r.senderID, streamerID: room.streamerID,
            giftID: gift.id, giftVersion: gift.version, count: r.count, priceCoins: checked.price, totalCoins: checked.total,
            streamerRevenue: split.streamer, guildShare: split.guild, platformFee: split.platform, combo: combo,
            balanceCoins: 0, transferIDs: [], ledgerTime: 0, guildID: contract?.guildID)
        let legs = GiftLegs.of(receipt)
        let moves = try accounts.check(db, legs)
        receipt.transferIDs = legs.map(\.id)
        receipt.balanceCoins = moves.balance(of: .user(r.senderID, "coins")) ?? 0
        receipt.ledgerTime = try ledger.store.ledgerClock.next(db, nowMillis: now)
        let key = GiftSends.factKey(r)
        let (json, offset) = try Journal.appendGift(db, receipt, key: key, payer: GiftLegs.payer(receipt), payee: GiftLegs.payee(receipt), at: now)
        batch.giftKeys.added(key, offset: offset)
        accounts.apply(moves, at: now)
        combos.count(r, combo: combo, windowSeconds: gift.comboWindowSeconds, now: now)
        return SentGift(receipt: receipt, jsonText: json)
    }

    /// Runs the `validate` steps in their declared order; a step may refuse, or lower the price
    /// (the host keeps it within 1...catalog price).
    func validatedPrice(_ db: Database, _ gift: Gift, _ accounts: AccountOverlay) throws -> Int64 {
        guard let generation else { return gift.priceCoins }
        var price = gift.priceCoins
        for step in GiftSteps.ordered(generation, handler: "validate", giftID: gift.id) {
            let event = event(gift, price: price)
            let ctx = CallContext(script: step.address, nowMillis: now, seed: UInt64(bitPattern: now),
                reads: BatchReads(db: db, accounts: accounts, calendar: calendar), config: step.data.fields["config"]?.table ?? LuaTable())
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

/// `ctx.balance` inside a group commit, over the balances as the batch has them.
struct BatchReads: StoreScriptReads {
    let db: Database
    let accounts: AccountOverlay
    let calendar: OperationsCalendar
    func balance(user: String, asset: String) throws -> Int64 { try accounts.entry(db, .user(user, asset)).balance }
    func follows(viewer: String, streamer: String) throws -> Bool { try SQLiteFollowStore.isFollowing(db, viewer: viewer, streamer: streamer) }
}

/// `ctx.balance` inside a transaction, over the ledger.
struct LedgerReads: StoreScriptReads {
    let db: Database
    let ledger: Ledger
    let calendar: OperationsCalendar
    func balance(user: String, asset: String) throws -> Int64 { try ledger.balance(db, .user(user, asset)) }
    func follows(viewer: String, streamer: String) throws -> Bool { try SQLiteFollowStore.isFollowing(db, viewer: viewer, streamer: streamer) }
}
