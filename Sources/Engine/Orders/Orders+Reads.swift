import Books
import EngineCore
import Foundation

/// A page of orders, oldest first within the filter; `next_cursor` continues it.
public struct OrderPage: Sendable, Codable, Equatable {
    public var orders: [Order]
    public var nextCursor: String?

    enum CodingKeys: String, CodingKey {
        case orders
        case nextCursor = "next_cursor"
    }
}

/// Which orders a listing wants.
public struct OrderFilter: Sendable, Equatable {
    public var state: String?
    public var viewerID: String?
    public var streamerID: String?
    /// Only orders created at or before this time (ms since the epoch): "older than".
    public var createdBefore: Int64?

    public init(state: String? = nil, viewerID: String? = nil, streamerID: String? = nil, createdBefore: Int64? = nil) {
        self.state = state
        self.viewerID = viewerID
        self.streamerID = streamerID
        self.createdBefore = createdBefore
    }
}

extension Orders {
    // MARK: Reads

    /// Order `id` as `caller` may see it (its viewer, its streamer, or staff), with any due
    /// timeout fired first.
    /// - Throws: `RequestError` 404 `order_not_found` (also someone else's).
    public func order(id: Int64, caller: Principal) async throws -> Order {
        let now = clock.nowMillis()
        guard let order = try await store.read({ tx in try self.order(tx, id: id) }),
            caller.userID == order.viewerID || caller.userID == order.streamerID || Role.staff.contains(caller.role)
        else { throw Self.notFound(id) }
        guard order.isDue(now) else { return order }
        return try await fireDue(id: id) ?? order
    }

    /// Fires order `id`'s due timeouts in a transaction of their own; answers the order after.
    @discardableResult
    func fireDue(id: Int64) async throws -> Order? {
        let hooks = try await prepare(id)
        let now = clock.nowMillis()
        return try await store.write { tx in
            guard let order = try self.order(tx, id: id) else { return nil }
            guard order.isDue(now) else { return order }
            let machine = try self.machine(tx, id: order.machine, generation: order.generation)
            return try self.fireDue(tx, order, machine: machine, hooks: hooks, now: now)
        }
    }

    /// Orders matching `filter`, oldest first, after `cursor` (the `next_cursor` of the page
    /// before), at most `limit`; due timeouts among them fire before they are answered.
    /// - Throws: `RequestError` 400 `invalid_cursor`, `invalid_query`.
    public func list(_ filter: OrderFilter, cursor: String?, limit: Int) async throws -> OrderPage {
        guard (1...OrderLimits.pageMax).contains(limit) else {
            throw RequestError("invalid_query", .badRequest, "limit must be 1...\(OrderLimits.pageMax)")
        }
        let after: Int64
        if let cursor {
            guard cursor.utf8.count <= 19, cursor.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let n = Int64(cursor), n >= 1 else {
                throw RequestError("invalid_cursor", .badRequest, "cursor: the next_cursor of an earlier page")
            }
            after = n
        } else {
            after = 0
        }
        let now = clock.nowMillis()
        let read: () async throws -> [Order] = {
            try await self.store.read { tx in
                try tx.orders(filter, after: after, limit: limit + 1).map { try self.order(tx, $0, machine: nil) }
            }
        }
        var rows = try await read()
        let due = rows.filter { $0.isDue(now) }
        if !due.isEmpty {
            for o in due { try await fireDue(id: o.id) }
            rows = try await read()
        }
        let page = Array(rows.prefix(limit))
        return OrderPage(orders: page, nextCursor: rows.count > limit ? page.last.map { String($0.id) } : nil)
    }

    // MARK: Sweeping

    /// Fires due timeouts and renews holds running short, for up to `limit` orders each; answers
    /// how many orders it touched (call again while it is positive).
    @discardableResult
    public func sweep(limit: Int = 200) async throws -> Int {
        let now = clock.nowMillis()
        let (due, renew) = try await store.read { tx in
            (try tx.dueOrderIDs(at: now, limit: limit), try tx.holdEndingOrderIDs(by: now + Self.holdRenewalMillis, limit: limit))
        }
        for id in due {
            do { try await fireDue(id: id) } catch {
                logger.error("order timeout failed", metadata: ["order": "\(id)", "error": "\(error)"])
            }
        }
        if !renew.isEmpty { try await renewHolds(renew) }
        return due.count + renew.count
    }

    /// Voids and holds again, in one chain per order, the holds of open orders that end within
    /// `holdRenewalMillis`; journals `order_hold_renewed`. A hold that already lapsed is held
    /// again only if the viewer still has the tickets (else the order keeps no hold, and a post
    /// then pays directly or fails with `insufficient_funds`).
    func renewHolds(_ ids: [Int64]) async throws {
        let now = clock.nowMillis()
        try await store.write { tx in
            for id in ids {
                guard let order = try self.order(tx, id: id), !order.final, order.holdExpiresAt <= now + Self.holdRenewalMillis else { continue }
                let next = (try tx.holds(orderID: id) ?? 1) + 1
                let holdID = "order:\(id):hold:\(next)"
                let status = try tx.ledger.pendingStatus(id: order.holdID, now: now)
                var ops: [LedgerOperation] = []
                if status.state == .open { ops.append(.void(id: "\(order.holdID):renewed", pendingID: order.holdID)) }
                ops.append(.pending(TransferRequest(
                    id: holdID, debit: .user(order.viewerID, "tickets"), credit: .system(.orderClearing, "tickets"), asset: "tickets",
                    amount: order.priceTickets, code: "order_hold", memo: Self.memo(id, order.title)), timeoutMillis: self.holdMillis))
                do {
                    try tx.savepoint {
                        let written = try tx.ledger.apply(operations: ops, now: now)
                        let expires = (written.last?.expiresAt ?? 0) / 1_000
                        try tx.renewHold(orderID: id, holdID: holdID, expiresAt: expires, holds: next)
                        struct Renewed: Encodable {
                            let order_id: Int64
                            let hold_id: String
                            let hold_expires_at: Int64
                            let holds: Int64
                        }
                        _ = try tx.journal.append(
                            type: Self.holdRenewedType, payload: Renewed(order_id: id, hold_id: holdID, hold_expires_at: expires, holds: next),
                            idempotencyKey: holdID, at: now)
                    }
                } catch {
                    self.logger.error("order hold renewal failed", metadata: ["order": "\(id)", "error": "\(error)"])
                }
            }
        }
    }

    // MARK: Reconciliation

    /// Checks that every ticket an order held is posted, voided or still held, order by order
    /// against the ledger: an open order's hold is open for its price and every earlier hold was
    /// voided; a posted order's post moved its price and its fee and revenue sum to it; a voided
    /// order's hold was voided (or lapsed).
    public func reconcile() async throws -> OrderReconciliation {
        let now = clock.nowMillis()
        return try await store.read { tx in
            var r = OrderReconciliation(orders: 0, held: 0, posted: 0, voided: 0, open: 0, violations: [])
            for row in try tx.holdRecords() {
                let id = row.orderID
                let price = row.priceTickets
                let holdID = row.holdID
                r.orders += 1
                r.held += price
                func bad(_ what: String) { r.violations.append("order \(id): \(what)") }
                for k in stride(from: Int64(1), to: row.holds, by: 1) {
                    let s = try? tx.ledger.pendingStatus(id: "order:\(id):hold:\(k)", now: now)
                    if let s, s.state != .voided && s.state != .expired { bad("earlier hold \(k) is \(s.state.rawValue)") }
                }
                let status = try? tx.ledger.pendingStatus(id: holdID, now: now)
                if let p = status?.pending, p.amount != price { bad("hold \(holdID) is \(p.amount), the price is \(price)") }
                switch (row.final, row.settled) {
                case (false, _):
                    if status?.state == .open { r.open += price } else { bad("open, but its hold is \(status?.state.rawValue ?? "missing")") }
                case (true, .post?):
                    let post = try tx.transferAmount(id: "order:\(id):post")
                    let fee = try tx.transferAmount(id: "order:\(id):fee") ?? 0
                    let revenue = try tx.transferAmount(id: "order:\(id):revenue") ?? 0
                    if post == price && fee + revenue == price { r.posted += price } else {
                        bad("posted \(post ?? 0) with fee \(fee) and revenue \(revenue), the price is \(price)")
                    }
                case (true, .void?):
                    if status?.state == .voided || status?.state == .expired { r.voided += price } else {
                        bad("voided, but its hold is \(status?.state.rawValue ?? "missing")")
                    }
                default: bad("final without a settlement")
                }
            }
            return r
        }
    }
}

extension Order {
    /// Whether a timeout should have fired by `now`.
    func isDue(_ now: Int64) -> Bool { !final && (dueAt.map { $0 <= now } ?? false) }
}

extension Orders {
    // MARK: The state table and the facts

    /// Every order as the table has it, by id.
    public func table() async throws -> [Order] {
        try await store.read { tx in
            try tx.allOrders().map { try self.order(tx, $0, machine: nil) }
        }
    }

    /// Every order as the journal tells it: the last `order_changed` snapshot of each, with the
    /// holds renewed after it. Equal to `table()` (a test proves it), so the table is a cache
    /// of the facts.
    public func rebuiltFromJournal() async throws -> [Order] {
        struct Renewed: Decodable {
            let order_id: Int64
            let hold_id: String
            let hold_expires_at: Int64
        }
        return try await store.read { tx in
            var orders: [Int64: Order] = [:]
            try tx.journalFacts(types: [Self.changedType, Self.holdRenewedType]) { type, json in
                let payload = Data(json.utf8)
                if type == Self.changedType {
                    let fact = try JSONDecoder().decode(OrderChanged.self, from: payload)
                    orders[fact.order.id] = fact.order
                } else {
                    let fact = try JSONDecoder().decode(Renewed.self, from: payload)
                    orders[fact.order_id]?.holdID = fact.hold_id
                    orders[fact.order_id]?.holdExpiresAt = fact.hold_expires_at
                }
            }
            return orders.values.sorted { $0.id < $1.id }
        }
    }
}
