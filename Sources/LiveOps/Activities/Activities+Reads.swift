import Books
import EngineCore
import Foundation
import Scripting

extension Activities {
    /// What `GET /v1/activities` shows for one activity.
    public struct Summary: Sendable, Encodable {
        public let id: String
        public let title: String?
        public let startsAt: Int64?
        public let endsAt: Int64?
        /// The caller's standing on each board in its current period (absent when not ranked).
        public let standing: [String: RankedRow]
        enum CodingKeys: String, CodingKey {
            case id, title, standing
            case startsAt = "starts_at"
            case endsAt = "ends_at"
        }
    }

    /// What `GET /v1/activities/{id}` shows: the window, the boards, and the published odds.
    public struct Detail: Sendable, Encodable {
        public struct Board: Sendable, Encodable {
            public let order: String
            public let reset: String
            public let period: String
            public let periods: [String]
            public let members: Int
        }
        public struct Odds: Sendable, Encodable {
            public let reward: Reward
            public let weight: Int64
            /// weight / total, rounded to 6 places.
            public let probability: Double
        }
        public struct Chest: Sendable, Encodable {
            public let title: String?
            public let threshold: Int64
            public let rewards: [Odds]
        }
        public struct Wheel: Sendable, Encodable {
            public let title: String?
            public let asset: String
            public let cost: Int64
            public let rewards: [Odds]
        }
        public let id: String
        public let title: String?
        public let startsAt: Int64?
        public let endsAt: Int64?
        public let live: Bool
        public let leaderboards: [String: Board]
        public let chests: [String: Chest]
        public let wheels: [String: Wheel]
        enum CodingKeys: String, CodingKey {
            case id, title, live, leaderboards, chests, wheels
            case startsAt = "starts_at"
            case endsAt = "ends_at"
        }
    }

    /// One page of a board.
    public struct Page: Sendable, Encodable {
        public let activity: String
        public let board: String
        public let period: String
        public let closed: Bool
        public let members: Int
        public let rows: [RankedRow]
    }

    /// A wheel spin's outcome.
    public struct Spin: Sendable, Codable, Equatable {
        public let activity: String
        public let wheel: String
        public let draw: Int64
        public let reward: RewardRecord
        public let cost: Int64
        public let asset: String
        public let balances: [String: Int64]
    }

    /// A reward as stored in a spin outcome.
    public struct RewardRecord: Sendable, Codable, Equatable {
        public let kind: String
        public let name: String
        public let amount: Int64
        init(_ r: Reward) {
            switch r {
            case .asset(let a, let n): (kind, name, amount) = ("asset", a, n)
            case .badge(let b): (kind, name, amount) = ("badge", b, 1)
            case .item(let i, let n): (kind, name, amount) = ("item", i, n)
            }
        }
    }

    static func odds(_ list: [WeightedReward]) -> [Detail.Odds] {
        let total = Double(list.reduce(0) { $0 + $1.weight })
        return list.map { Detail.Odds(reward: $0.reward, weight: $0.weight, probability: (Double($0.weight) / total * 1e6).rounded() / 1e6) }
    }

    /// Activities live at `now`, with `user`'s standing (nil user: anonymous).
    public func live(user: String?, now: Int64) -> [Summary] {
        definitions().filter { $0.isLive(at: now) }.map { def in
            var standing: [String: RankedRow] = [:]
            if let user {
                for (name, spec) in def.boards {
                    let key = BoardKey(scope: def.id, board: name, period: calendar.key(spec.reset, at: now))
                    if let row = leaderboards.standing(key, user) { standing[name] = row }
                }
            }
            return Summary(id: def.id, title: def.title, startsAt: def.startsAt, endsAt: def.endsAt, standing: standing)
        }
    }

    /// An activity's declaration as viewers may see it, with the odds of its chests and wheels.
    public func detail(_ id: String, now: Int64) throws -> Detail {
        let def = try definition(id)
        var boards: [String: Detail.Board] = [:]
        for (name, spec) in def.boards {
            let period = calendar.key(spec.reset, at: now)
            boards[name] = Detail.Board(
                order: spec.order.rawValue, reset: spec.reset.rawValue, period: period,
                periods: leaderboards.periods(scope: id, board: name),
                members: leaderboards.count(BoardKey(scope: id, board: name, period: period)))
        }
        return Detail(
            id: id, title: def.title, startsAt: def.startsAt, endsAt: def.endsAt, live: def.isLive(at: now), leaderboards: boards,
            chests: def.chests.mapValues { Detail.Chest(title: $0.title, threshold: $0.threshold, rewards: Self.odds($0.rewards)) },
            wheels: def.wheels.mapValues { Detail.Wheel(title: $0.title, asset: $0.asset, cost: $0.cost, rewards: Self.odds($0.rewards)) })
    }

    /// A page of a board: the top `limit`, or `limit` around a member.
    /// - Throws: `RequestError` for an unknown activity or board (404) or a bad limit (400).
    public func page(_ id: String, board: String, period: String?, limit: Int, around: String?, now: Int64) throws -> Page {
        let def = try definition(id)
        guard let spec = def.boards[board] else {
            throw RequestError("leaderboard_not_found", .notFound, "activity '\(id)' has no leaderboard '\(board)'")
        }
        guard (1...Leaderboards.pageMax).contains(limit) else {
            throw RequestError("invalid_limit", .badRequest, "limit must be 1...\(Leaderboards.pageMax), got \(limit)")
        }
        let p = period ?? calendar.key(spec.reset, at: now)
        let key = BoardKey(scope: id, board: board, period: p)
        let rows = around.map { leaderboards.around(key, $0, limit / 2) } ?? leaderboards.top(key, limit)
        return Page(activity: id, board: board, period: p, closed: leaderboards.isClosed(key), members: leaderboards.count(key), rows: rows)
    }

    /// Spins a wheel for `user`: the cost and the reward move in one transaction; the draw comes
    /// from a seed derived from the request, journaled in `wheel_spun`. Same key and same wheel
    /// returns the first outcome; same key for another wheel is 409.
    /// - Throws: `RequestError` (unknown activity or wheel 404, not live 409, key reused 409),
    ///   `LedgerError` `insufficient_funds` (422).
    public func spin(user: String, activity id: String, wheel name: String, idempotencyKey key: String, now: Int64) async throws -> Spin {
        let def = try definition(id)
        guard let wheel = def.wheels[name] else {
            throw RequestError("wheel_not_found", .notFound, "activity '\(id)' has no wheel '\(name)'")
        }
        guard !key.isEmpty, key.utf8.count <= 64 else {
            throw RequestError("invalid_idempotency_key", .badRequest, "idempotency_key must be 1...64 bytes")
        }
        let bodyHash = "\(id)/\(name)"
        let payer = self.payer
        return try await store.write { tx in
            if let stored = try tx.wheelSpin(user: user, idempotencyKey: key) {
                guard stored.bodyHash == bodyHash else {
                    throw RequestError("idempotency_conflict", .conflict, "idempotency key '\(key)' was used for another spin")
                }
                return try JSONDecoder().decode(Spin.self, from: Data(stored.outcome.utf8))
            }
            guard def.isLive(at: now) else { throw RequestError("activity_not_live", .conflict, "activity '\(id)' is not live") }
            let origin = "spin:\(user):\(key)"
            if wheel.cost > 0 {
                _ = try tx.ledger.apply([TransferRequest(
                    id: "\(origin):cost", debit: .user(user, wheel.asset), credit: .system(.promotions, wheel.asset),
                    asset: wheel.asset, amount: wheel.cost, code: "wheel_spin", memo: "\(id) wheel \(name)")], now: now)
            }
            var random = SeededRandom(seed: Seeds.seed(offset: 0, name: "\(origin):\(id):\(name)"))
            let total = wheel.rewards.reduce(0) { $0 + $1.weight }
            let draw = random.next(upTo: total) + 1
            guard let picked = WeightedReward.pick(wheel.rewards, draw: draw) else {
                throw RequestError("wheel_empty", .conflict, "wheel '\(name)' has no rewards")
            }
            try payer.pay(tx, user: user, rewards: [picked.reward], origin: origin, memo: "\(id) wheel \(name)", at: now)
            let spin = Spin(
                activity: id, wheel: name, draw: draw, reward: RewardRecord(picked.reward), cost: wheel.cost, asset: wheel.asset,
                balances: try tx.ledger.balances(user: user))
            let json = String(decoding: try JSONEncoder().encode(spin), as: UTF8.self)
            try tx.saveWheelSpin(user: user, idempotencyKey: key, bodyHash: bodyHash, outcome: json, at: now)
            try tx.journal.append(
                type: Self.wheelSpunType,
                payload: ["user_id": user, "activity": id, "wheel": name, "draw": String(draw), "reward": json], at: now)
            return spin
        }
    }
}
