@testable import Books
@testable import Engine

/// One request of the money property run.
enum MoneyOp: Sendable {
    case send(GiftSendRequest)
    case topUp(PaymentCallback)
    case refund(offset: Int64)
}

/// What the engine answered to one request.
enum MoneyOutcome: Sendable, Equatable {
    case sent(GiftReceipt)
    case credited(TopUpReceipt)
    case refunded(GiftRefund)
    /// A typed refusal, by code.
    case refused(String)
    /// The commit failed: the caller got no receipt, only an error.
    case unacknowledged
}

/// What the engine must hold, derived only from the answers it gave: acknowledged requests
/// count, refusals stick to their key, unacknowledged ones must have left nothing.
struct MoneyModel {
    static let prices: [String: Int64] = ["rose": 10, "box": 100]
    static let streamers: [String: String] = ["r0": "s0", "r1": "s1"]
    static let viewers = (0..<6).map { "v\($0)" }
    /// Codes a gift send records against its key.
    static let stickyCodes: Set<String> = ["insufficient_funds", "gift_refused"]

    /// What to expect of a request.
    enum Expected: Equatable {
        case success
        case replay(MoneyOutcome)
        case refused(String)
    }

    var coins: [String: Int64] = [:]
    var revenue: [String: Int64] = [:]
    /// Acknowledged sends by `sender/key`: the body the key is bound to and its answer.
    var sends: [String: (request: GiftSendRequest, outcome: MoneyOutcome)] = [:]
    /// Journal offsets of acknowledged gifts, by `sender/key`.
    var offsets: [String: Int64] = [:]
    /// Sends whose every attempt went unacknowledged: their keys are still free.
    var lostSends: [String: GiftSendRequest] = [:]
    var topUps: [String: (body: PaymentCallback, receipt: TopUpReceipt)] = [:]
    var lostTopUps: [String: PaymentCallback] = [:]
    var refunds: [Int64: GiftRefund] = [:]
    var lostRefunds: Set<Int64> = []

    static func key(_ r: GiftSendRequest) -> String { "\(r.senderID)/\(r.idempotencyKey)" }

    /// Acknowledged gifts: key, receipt and offset.
    var gifts: [(key: String, receipt: GiftReceipt, offset: Int64)] {
        sends.compactMap { key, send in
            guard case .sent(let receipt) = send.outcome, let offset = offsets[key] else { return nil }
            return (key, receipt, offset)
        }.sorted { $0.offset < $1.offset }
    }

    func expect(_ op: MoneyOp) -> Expected {
        switch op {
        case .send(let r):
            if let prior = sends[Self.key(r)] {
                return prior.request == r ? .replay(prior.outcome) : .refused("idempotency_conflict")
            }
            if r.count == 7 { return .refused("gift_refused") }
            return coins[r.senderID, default: 0] < Self.prices[r.giftID]! * r.count ? .refused("insufficient_funds") : .success
        case .topUp(let c):
            guard let prior = topUps[c.orderID] else { return .success }
            return prior.body == c ? .replay(.credited(prior.receipt)) : .refused("idempotency_conflict")
        case .refund(let offset):
            if refunds[offset] != nil { return .refused("already_refunded") }
            return gifts.contains { $0.offset == offset } ? .success : .refused("gift_not_found")
        }
    }

    /// Records a request that went unacknowledged: a fresh key stays free, nothing moved.
    mutating func lose(_ op: MoneyOp) {
        switch op {
        case .send(let r): if sends[Self.key(r)] == nil { lostSends[Self.key(r)] = r }
        case .topUp(let c): if topUps[c.orderID] == nil { lostTopUps[c.orderID] = c }
        case .refund(let offset): if refunds[offset] == nil { lostRefunds.insert(offset) }
        }
    }

    mutating func sent(_ r: GiftSendRequest, _ receipt: GiftReceipt, offset: Int64) {
        coins[r.senderID, default: 0] -= receipt.totalCoins
        revenue[receipt.streamerID, default: 0] += receipt.streamerRevenue
        sends[Self.key(r)] = (r, .sent(receipt))
        offsets[Self.key(r)] = offset
        lostSends[Self.key(r)] = nil
    }

    mutating func refused(_ r: GiftSendRequest, _ code: String) {
        guard Self.stickyCodes.contains(code), sends[Self.key(r)] == nil else { return }
        sends[Self.key(r)] = (r, .refused(code))
        lostSends[Self.key(r)] = nil
    }

    mutating func credited(_ c: PaymentCallback, _ receipt: TopUpReceipt) {
        coins[c.userID, default: 0] += c.amountCoins
        topUps[c.orderID] = (c, receipt)
        lostTopUps[c.orderID] = nil
    }

    mutating func refunded(_ refund: GiftRefund, of receipt: GiftReceipt) {
        coins[receipt.senderID, default: 0] += receipt.totalCoins
        revenue[receipt.streamerID, default: 0] -= receipt.streamerRevenue
        refunds[refund.giftOffset] = refund
        lostRefunds.remove(refund.giftOffset)
    }

    /// Tickets each viewer must hold when the gift-steps cursor is at `cursor`: one grant per
    /// gift at or before it, except for refunded gifts, whose grant the refund reversed (steps
    /// ran first) or the consumer skipped (refund first); only a grant the refund left for
    /// manual handling stays.
    func tickets(cursor: Int64) -> [String: Int64] {
        var tickets: [String: Int64] = [:]
        for gift in gifts where gift.offset <= cursor {
            if let refund = refunds[gift.offset], !refund.manual.contains(Self.grant(gift.offset)) { continue }
            tickets[gift.receipt.senderID, default: 0] += gift.receipt.count
        }
        return tickets
    }

    /// The ledger id of the ticket grant of the gift at `offset`, and of its refund reversal.
    static func grant(_ offset: Int64) -> String { "gift:\(offset):t:0" }
    static func grantReversal(_ offset: Int64) -> String { "refund:\(offset):\(grant(offset))" }
}
