@testable import Books
@testable import Engine

/// Random operations for the property tests, all drawn from the run's seeded generator.
extension LedgerPropertyRun {
    static let users = ["u0", "u1", "u2", "u3", "u4"]
    static let streamers = ["s0", "s1"]

    mutating func nextID(_ prefix: String) -> String {
        counter += 1
        return "\(prefix)-\(counter)"
    }

    mutating func amount(_ range: ClosedRange<Int64>) -> Int64 { Int64.random(in: range, using: &rng) }

    mutating func topUp() -> LedgerOperation {
        let user = Self.users.randomElement(using: &rng)!
        return .transfer(TransferRequest(id: nextID("top"), debit: .system(.paymentClearing, "coins"),
                                         credit: .user(user, "coins"), asset: "coins", amount: amount(1...500), code: "topup"))
    }

    mutating func userTransfer() -> LedgerOperation {
        let pair = Self.users.shuffled(using: &rng).prefix(2)
        return .transfer(coins(nextID("pay"), pair.first!, pair.last!, amount(1...300)))
    }

    /// Viewer coins to the platform, then revenue to the streamer and the guild; sometimes a
    /// fourth leg that the streamer may not afford, which must undo the whole chain.
    mutating func gift() -> [LedgerOperation] {
        let viewer = Self.users.randomElement(using: &rng)!
        let streamer = Self.streamers.randomElement(using: &rng)!
        let price = amount(1...200)
        let id = nextID("gift")
        var chain: [TransferRequest] = [
            TransferRequest(id: id, debit: .user(viewer, "coins"), credit: .system(.platformFees, "coins"),
                            asset: "coins", amount: price, code: "gift"),
        ]
        if price * 7 / 10 > 0 {
            chain.append(TransferRequest(id: id + "-streamer", debit: .system(.platformFees, "revenue"),
                                         credit: .user(streamer, "revenue"), asset: "revenue", amount: price * 7 / 10, code: "gift_share"))
        }
        if price * 2 / 10 > 0 {
            chain.append(TransferRequest(id: id + "-guild", debit: .system(.guildShares, "revenue"),
                                         credit: .guild("g0", "revenue"), asset: "revenue", amount: price * 2 / 10, code: "guild_share"))
        }
        if Int.random(in: 0..<4, using: &rng) == 0 {
            chain.append(TransferRequest(id: id + "-tip", debit: .user(streamer, "revenue"), credit: .user(viewer, "revenue"),
                                         asset: "revenue", amount: amount(1...150), code: "tip"))
        }
        return chain.map(LedgerOperation.transfer)
    }

    mutating func pending() -> LedgerOperation {
        let user = Self.users.randomElement(using: &rng)!
        let request = TransferRequest(id: nextID("hold"), debit: .user(user, "coins"), credit: .system(.partnerClearing, "coins"),
                                      asset: "coins", amount: amount(1...300), code: "order")
        // Timeouts end 5 ms off the 10 ms clock grid, so no step lands on an exact deadline.
        return .pending(request, timeoutMillis: 10 * amount(0...30) + 5)
    }

    mutating func post() -> LedgerOperation {
        let target = pendingIDs.randomElement(using: &rng) ?? "missing"
        let posted: Int64? = Bool.random(using: &rng) ? nil : amount(1...320)
        return .post(id: nextID("post"), pendingID: Int.random(in: 0..<10, using: &rng) == 0 ? "missing" : target, amount: posted)
    }

    mutating func void() -> LedgerOperation {
        .void(id: nextID("void"), pendingID: pendingIDs.randomElement(using: &rng) ?? "missing")
    }

    mutating func reverse() -> LedgerOperation {
        let pool = Int.random(in: 0..<8, using: &rng) == 0 ? pendingIDs + ["missing"] : movedIDs
        return .reverse(id: nextID("rev"), transferID: pool.randomElement(using: &rng) ?? "missing", reason: "correction")
    }
}
