import Books
import Engine
import Rooms

/// The fields of a fake gift.
struct TestGift: Sendable {
    let sender: String
    let streamer: String
    let room: String
    let gift: String
    let count: Int64
    let price: Int64
    let combo: Int64
}

extension ScriptTestEngine {
    /// Appends a `gift` fact as a durable send writes it (the standard split, no ledger transfers).
    func gift(_ g: TestGift) async throws -> [ParkedEvent] {
        let n = serial()
        let total = g.count * g.price
        let split = GiftSplit.standard.amounts(of: total)
        let now = clock.nowMillis()
        let receipt = GiftReceipt(
            sendID: "test-\(n)", roomID: g.room, senderID: g.sender, streamerID: g.streamer, giftID: g.gift, giftVersion: 1,
            count: g.count, priceCoins: g.price, totalCoins: total, streamerRevenue: split.streamer, guildShare: split.guild,
            platformFee: split.platform, combo: g.combo, balanceCoins: 0, transferIDs: [], ledgerTime: now * 1000)
        return try await append(type: GiftSender.giftType, payload: receipt, idempotencyKey: "gift:\(g.sender):test-\(n)")
    }

    /// Appends an accepted `danmaku` fact.
    func danmaku(user: String, room: String, text: String) async throws -> [ParkedEvent] {
        let d = Danmaku(id: 0, room: room, userID: user, text: text, mode: .scroll, color: "#ffffff", score: 0, at: clock.nowMillis())
        return try await append(type: DanmakuService.journalType, payload: d)
    }
}
