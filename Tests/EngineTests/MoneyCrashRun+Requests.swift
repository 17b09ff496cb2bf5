@testable import Books
import Testing
@testable import Engine

/// Random requests: fresh ones, reuses of used keys, retries of unacknowledged ones.
extension MoneyCrashRun {
    mutating func fresh(_ prefix: String) -> String {
        counter += 1
        return "\(prefix)\(counter)"
    }

    mutating func newSend(from sender: String? = nil) -> GiftSendRequest {
        let sender = sender ?? MoneyModel.viewers.randomElement(using: &rng)!
        return GiftSendRequest(
            roomID: ["r0", "r1"].randomElement(using: &rng)!, senderID: sender,
            giftID: Int.random(in: 0..<4, using: &rng) == 0 ? "box" : "rose",
            count: Int64.random(in: 1...8, using: &rng), idempotencyKey: fresh("k"))
    }

    /// A used key: the same body (a replay, or a retry of an unacknowledged send), or another
    /// body (a conflict, unless the key was never acknowledged).
    mutating func usedSend(sameBody: Bool) -> GiftSendRequest {
        let used = model.sends.values.map(\.request) + model.lostSends.values
        guard var r = used.sorted(by: { $0.idempotencyKey < $1.idempotencyKey }).randomElement(using: &rng) else { return newSend() }
        if !sameBody { r.count = r.count % 8 + 1 }
        return r
    }

    mutating func newTopUp(for user: String? = nil) -> PaymentCallback {
        PaymentCallback(
            orderID: fresh("o"), userID: user ?? MoneyModel.viewers.randomElement(using: &rng)!,
            amountCoins: Int64.random(in: 1...40, using: &rng) * 10)
    }

    mutating func usedTopUp() -> PaymentCallback {
        let used = model.topUps.values.map(\.body) + model.lostTopUps.values
        guard var c = used.sorted(by: { $0.orderID < $1.orderID }).randomElement(using: &rng) else { return newTopUp() }
        if Bool.random(using: &rng) { c.amountCoins += 10 }
        return c
    }

    /// An acknowledged gift not yet refunded, if any.
    mutating func refundable(excluding senders: Set<String> = []) -> Int64? {
        model.gifts.filter { model.refunds[$0.offset] == nil && !senders.contains($0.receipt.senderID) }
            .randomElement(using: &rng)?.offset
    }

    /// A refunded gift, or an offset that is no gift.
    mutating func badRefund() -> Int64 {
        let refunded = model.refunds.keys.sorted()
        if let offset = refunded.randomElement(using: &rng), Bool.random(using: &rng) { return offset }
        return [1, 999_999].randomElement(using: &rng)!
    }

    /// Up to `count` requests whose outcomes do not depend on their order in a batch: each
    /// touches a viewer no other request of the burst touches.
    mutating func burstOps(_ count: Int) -> [MoneyOp] {
        var busy = Set<String>()
        var ops: [MoneyOp] = []
        while ops.count < count, busy.count < MoneyModel.viewers.count {
            let viewer = MoneyModel.viewers.filter { !busy.contains($0) }.randomElement(using: &rng)!
            switch Int.random(in: 0..<10, using: &rng) {
            case 0..<5:
                ops.append(.send(newSend(from: viewer)))
                busy.insert(viewer)
            case 5..<8:
                ops.append(.topUp(newTopUp(for: viewer)))
                busy.insert(viewer)
            default:
                // A refund touches the gift's sender.
                guard let offset = refundable(excluding: busy) else { continue }
                busy.insert(model.gifts.first { $0.offset == offset }!.receipt.senderID)
                ops.append(.refund(offset: offset))
            }
        }
        return ops
    }

    /// Unacknowledged requests, retried with the same body after the restart.
    func lostOps() -> [MoneyOp] {
        let sends = model.lostSends.keys.sorted().map { MoneyOp.send(model.lostSends[$0]!) }
        let topUps = model.lostTopUps.keys.sorted().map { MoneyOp.topUp(model.lostTopUps[$0]!) }
        let refunds = model.lostRefunds.sorted().map { MoneyOp.refund(offset: $0) }
        return sends + topUps + refunds
    }
}
