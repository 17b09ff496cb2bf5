import Books
import EngineCore
import Foundation
import Rooms
import Scripting

/// The work of one gift send inside its group commit. It is made on the sender's task, before
/// the send reaches the one writer, with everything that depends on the request alone (the key
/// and the legs' names), so the writer does only what needs the batch's state.
struct GiftPlan: Sendable {
    let request: GiftSendRequest
    let room: Room
    let generation: ScriptGeneration?
    let calendar: OperationsCalendar
    let now: Int64
    /// The send's key and its legs' names.
    let names: GiftLegs.Names
    /// The gift's `validate` steps in their declared order, found here rather than on the writer.
    let validateSteps: [Declaration]
    /// The receipt's JSON pieces that depend on the send alone.
    let receiptParts: GiftReceiptJSONParts

    init(request: GiftSendRequest, room: Room, generation: ScriptGeneration?, calendar: OperationsCalendar, now: Int64) {
        self.request = request
        self.room = room
        self.generation = generation
        self.calendar = calendar
        self.now = now
        names = GiftLegs.Names(
            senderID: request.senderID, sendID: request.idempotencyKey, streamerID: room.streamerID, giftID: request.giftID,
            count: request.count, roomID: room.id)
        receiptParts = GiftReceiptJSONParts(
            roomID: room.id, senderID: request.senderID, sendID: request.idempotencyKey, streamerID: room.streamerID,
            giftID: request.giftID, count: request.count, names: names)
        validateSteps = generation.map { GiftSteps.validateSteps($0, giftID: request.giftID) } ?? []
    }

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
    func check(_ tx: any GiftSendTransaction) throws -> Checked {
        let r = request
        guard let gift = try tx.gift(id: r.giftID) else { throw GiftError.notFound(id: r.giftID) }
        guard r.count <= gift.countMax else { throw GiftError.invalidCount(r.count, max: gift.countMax) }
        guard gift.isOffered(roomID: room.id, category: room.category, nowMillis: now) else {
            throw GiftError.notOffered(giftID: gift.id, roomID: room.id)
        }
        let payer = names.payer
        if try tx.account(payer).pendingDebits > 0 {
            try tx.expireDue(debiting: payer, now: now)
        }
        let price = try validatedPrice(tx, gift)
        let total = price * r.count  // ≤ priceCoinsMax × countMaxLimit: no overflow
        let account = try tx.account(payer)
        let available = account.balance - account.pendingDebits
        guard available >= total else { throw LedgerError.insufficientFunds(payer, available: available, amount: total) }
        return Checked(gift: gift, price: price, total: total)
    }

    /// Writes the checked send: its one journal row (the `gift` fact, which carries the legs),
    /// then the balances and the combo streak in the batch's overlays. Every leg is checked
    /// before the row is written, so an error here (a receiving account at its Int64 limit,
    /// which the checks could not foresee) leaves nothing behind and is not recorded.
    /// The caller has looked the send's key up first (`GiftSendTransaction.prior`).
    /// - Returns: the receipt with its JSON text (the row's payload).
    func write(_ tx: any GiftSendTransaction, _ checked: Checked) throws -> SentGift {
        let r = request
        let gift = checked.gift
        let combo = try tx.comboPeek(r, windowSeconds: gift.comboWindowSeconds, now: now)
        // The streamer's guild contract of the day, if any, divides the streamer and guild parts.
        let contract = try tx.guildContract(streamer: room.streamerID, day: calendar.key(.daily, at: now))
        let split = gift.split.amounts(of: checked.total, guildShareBP: contract?.shareBP)
        var receipt = GiftReceipt(
            sendID: r.idempotencyKey, roomID: room.id, senderID: r.senderID, streamerID: room.streamerID,
            giftID: gift.id, giftVersion: gift.version, count: r.count, priceCoins: checked.price, totalCoins: checked.total,
            streamerRevenue: split.streamer, guildShare: split.guild, platformFee: split.platform, combo: combo,
            balanceCoins: 0, transferIDs: [], ledgerTime: 0, guildID: contract?.guildID)
        let legs = GiftLegs.of(receipt, names)
        let moves = try tx.check(legs)
        receipt.transferIDs = legs.map(\.id)
        receipt.balanceCoins = moves.balance(of: names.payer) ?? 0
        receipt.ledgerTime = try tx.nextLedgerTime(now: now)
        // The pieces were made from the request and the room; the catalog's gift is the one the
        // request names (`check` found it by that id).
        let json = gift.id == r.giftID ? receipt.jsonText(receiptParts) : receipt.jsonText
        assert(json == receipt.jsonText, "a receipt's JSON from its pieces differs from the one written whole")
        try tx.appendGift(json: json, key: names.key, payer: names.payer, payee: split.streamer > 0 ? names.streamerRevenue : nil, moves: moves,
            at: now)
        tx.apply(moves, at: now)
        tx.comboCount(r, combo: combo, windowSeconds: gift.comboWindowSeconds, now: now)
        return SentGift(receipt: receipt, jsonText: json)
    }

    /// Runs the `validate` steps in their declared order; a step may refuse, or lower the price
    /// (the host keeps it within 1...catalog price).
    func validatedPrice(_ tx: any GiftSendTransaction, _ gift: Gift) throws -> Int64 {
        guard let generation else { return gift.priceCoins }
        var price = gift.priceCoins
        // The catalog's gift is the one the request names (`gift(id:)` found it by that id).
        for step in validateSteps {
            let event = event(gift, price: price)
            let ctx = CallContext(script: step.address, nowMillis: now, seed: UInt64(bitPattern: now),
                reads: tx.scriptReads, config: step.data.fields["config"]?.table ?? LuaTable())
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
