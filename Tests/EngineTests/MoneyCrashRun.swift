@testable import Books
import EngineTesting
import GRDB
@testable import Scripting
@testable import Storage
import Testing
@testable import Engine

/// One seeded run of top-ups, gift sends, refunds, consumer passes and crashes against a real
/// engine on one database file, checked against `MoneyModel` after every step.
struct MoneyCrashRun {
    let seed: UInt64
    let database: TemporaryDatabase
    let folder: ScriptFolder
    let clock = ManualClock()
    var engine: MoneyEngine
    var model = MoneyModel()
    var rng: SeededRandom
    var counter = 0
    var stats: [String: Int] = [:]

    init(seed: UInt64) async throws {
        self.seed = seed
        database = try TemporaryDatabase()
        folder = try ScriptFolder(MoneyEngine.scripts)
        engine = try await MoneyEngine.open(path: database.path, scriptsPath: folder.path, clock: clock)
        try await engine.seed()
        rng = SeededRandom(seed: seed)
    }

    /// Advances the clock and runs one random action; returns its name.
    mutating func step() async throws -> String {
        clock.advance(byMillis: Int64.random(in: 0...1500, using: &rng))
        let roll = Int.random(in: 0..<100, using: &rng)
        let (name, op) = request(roll)
        if let op {
            try await single(op)
        } else {
            switch roll {
            case 56..<66: try await burst(doomed: false)
            case 66..<74: try await burst(doomed: true)
            case 74..<81: try await consumerPasses(crashAfter: false)
            case 81..<86: try await consumerPasses(crashAfter: true)
            case 86..<91: try await crashInsideConsumerBatch()
            case 91..<95: try await abandonConsumerTransaction()
            default: try await catchUp()
            }
        }
        stats[name, default: 0] += 1
        return name
    }

    /// The action a roll of 0..<100 picks, with its request when it is a single one.
    mutating func request(_ roll: Int) -> (String, MoneyOp?) {
        switch roll {
        case 0..<22: ("send", .send(newSend()))
        case 22..<28: ("send again", .send(usedSend(sameBody: true)))
        case 28..<32: ("send, key reused", .send(usedSend(sameBody: false)))
        case 32..<44: ("top-up", .topUp(newTopUp()))
        case 44..<47: ("top-up again", .topUp(usedTopUp()))
        case 47..<54: ("refund", .refund(offset: refundable() ?? 999_999))
        case 54..<56: ("refund, bad", .refund(offset: badRefund()))
        case 56..<66: ("burst", nil)
        case 66..<74: ("crash mid-batch", nil)
        case 74..<81: ("consumer passes", nil)
        case 81..<86: ("crash between consumer batches", nil)
        case 86..<91: ("crash inside a consumer batch", nil)
        case 91..<95: ("crash before a consumer commit", nil)
        default: ("catch up", nil)
        }
    }

    /// Runs one request alone and checks its answer.
    mutating func single(_ op: MoneyOp) async throws {
        let cursor = try await self.cursor()
        let expected = model.expect(op)
        let outcome = await engine.perform(op)
        try await check(op, outcome, expected, cursor: cursor)
    }

    /// Checks one answer against the model's expectation, then records it.
    mutating func check(_ op: MoneyOp, _ outcome: MoneyOutcome, _ expected: MoneyModel.Expected, cursor: Int64) async throws {
        let context = "seed \(seed): \(op) answered \(outcome), expected \(expected)"
        switch (expected, outcome, op) {
        case (.replay(let first), _, _):
            #expect(outcome == first, "\(context)")
        case (.refused(let code), .refused(let actual), _):
            #expect(actual == code, "\(context)")
            if case .send(let r) = op { model.refused(r, code) }
        case (.success, .sent(let receipt), .send(let r)):
            let total = MoneyModel.prices[r.giftID]! * r.count
            let split = GiftSplit.standard.amounts(of: total)
            #expect(receipt.sendID == r.idempotencyKey && receipt.senderID == r.senderID && receipt.count == r.count, "\(context)")
            #expect(receipt.streamerID == MoneyModel.streamers[r.roomID] && receipt.totalCoins == total, "\(context)")
            #expect(receipt.streamerRevenue == split.streamer && receipt.guildShare == split.guild && receipt.platformFee == split.platform)
            #expect(receipt.balanceCoins == model.coins[r.senderID, default: 0] - total, "\(context)")
            model.sent(r, receipt, offset: try await offset(of: r))
        case (.success, .credited(let receipt), .topUp(let c)):
            #expect(receipt.transferID == "topup:\(c.orderID)" && receipt.amountCoins == c.amountCoins, "\(context)")
            #expect(receipt.balanceCoins == model.coins[c.userID, default: 0] + c.amountCoins, "\(context)")
            model.credited(c, receipt)
        case (.success, .refunded(let refund), .refund(let offset)):
            let gift = try #require(model.gifts.first { $0.offset == offset }).receipt
            let chain = gift.transferIDs.reversed().map { "refund:\(offset):\($0)" }
            let grant = offset <= cursor ? [MoneyModel.grantReversal(offset)] : []
            #expect(refund.reversed == chain + grant && refund.manual.isEmpty, "\(context)")
            model.refunded(refund, of: gift)
        default:
            Issue.record("\(context)")
        }
    }

    /// The journal offset of an acknowledged gift's fact.
    func offset(of r: GiftSendRequest) async throws -> Int64 {
        let key = "gift:\(r.senderID):\(r.idempotencyKey)"
        let offset = try await engine.store.read { db in
            try Int64.fetchOne(db, sql: "SELECT offset FROM journal WHERE gift_key = ?", arguments: [key])
        }
        return try #require(offset, "seed \(seed): acknowledged gift \(key) has no fact")
    }

    /// The gift-steps consumer's durable cursor.
    func cursor() async throws -> Int64 {
        try await engine.store.read { db in try ConsumerRunner.cursor(of: "gift-steps", in: db) }
    }
}
