import Books
import EngineCore
import Foundation
import Logging
import Scripting
import Synchronization

/// "Help me play" orders: a viewer pays a streamer's good in tickets, and the order's life is the
/// `order_machine` script.
///
/// - **Creation** (`create`), in one transaction: the good is checked (listed, visible to the
///   viewer, in stock: the last unit goes to exactly one buyer), the price is held with a pending
///   transfer (viewer's tickets → `system:order_clearing`), the order starts in the machine's
///   initial state, `order_changed` (action `create`) is journaled and `on_transition` runs.
/// - **Every action goes one way** (`act`, `force`, timeouts): in one transaction, a
///   compare-and-set on the state (`OrderTransaction.moveState` from the transition's `from`
///   states; no change is a 409 with the current state), the money a final state asks for
///   (`post`: the hold is posted, the fee moves to `platform_fees`, the rest is issued to the
///   streamer as revenue, one ticket one unit;
///   `void`: the hold is released and a counted good gets its unit back), the `order_changed`
///   fact, and the machine's `on_transition` with its effects (notifications, `ctx.show_order`).
///   A failing hook never blocks money: the change stands without the hook's effects, and the
///   fact says `hook_error`.
/// - **Who may act**: the order's viewer acts as `viewer`, its streamer as `streamer`, staff as
///   `operator`; anyone else gets 404 (an order's existence is not disclosed). The transition
///   must list the actor (403 `actor_not_allowed`). The same idempotency key from the same actor
///   answers the first result; another action under it is 409.
/// - **Timeouts** are ordinary transitions fired as `system` at `entered_at + after` on the
///   injected clock: before any action or read of a due order (so a due timeout always happened
///   first), and by the sweeper (`sweep`, run every second by a `PeriodicSweep`).
/// - **Generations**: an order keeps the machine generation it started on (stored once per
///   generation), and its `on_transition` runs on that generation's scripts (compiled again from
///   the archive when it is no longer the live one); a reload applies to new orders.
/// - **Holds outlive the ledger's longest pending timeout**: an open order's hold is renewed
///   (voided and held again in one chain, so the tickets are never free in between) once it has
///   less than `holdRenewalMillis` left.
public final class Orders: Sendable {
    /// Journal types.
    public static let changedType = "order_changed"
    public static let holdRenewedType = "order_hold_renewed"
    /// The outbox of `order` room frames (`ctx.show_order`), published by the room-events consumer.
    public static let frameType = "order_frame"
    /// A hold is renewed when it has less than this left (a week: a sweeper stopped for less than
    /// that never lets a hold lapse).
    public static let holdRenewalMillis: Int64 = 7 * 86_400_000
    /// Rooms of one streamer an `order` frame goes to.
    static let frameRoomsMax = 8
    /// Old generations kept compiled for orders started on them.
    static let compiledGenerationsMax = 4

    let store: any OrderStore
    let ledger: Ledger
    let scripts: ScriptRuntime
    let calendar: OperationsCalendar
    let clock: any WallClock
    let logger: Logger
    /// The machine new orders start on.
    public let machineID: String
    /// How long a hold lasts before it needs renewing: the ledger's longest pending timeout.
    let holdMillis: Int64
    let machines = Mutex<[String: OrderMachine]>([:])
    let compiled = Mutex<[String: ScriptGeneration]>([:])

    /// - Parameters: store: where orders are kept; ledger: where holds are kept (its longest
    ///   pending timeout sets when holds are renewed) and hooks' grants go; machineID: the
    ///   `order_machine` script new orders run on.
    public init(
        store: any OrderStore, ledger: Ledger, scripts: ScriptRuntime, calendar: OperationsCalendar, clock: any WallClock = SystemWallClock(),
        machineID: String = "help-me-play", logger: Logger
    ) {
        self.store = store
        self.ledger = ledger
        self.scripts = scripts
        self.calendar = calendar
        self.clock = clock
        self.machineID = machineID
        self.holdMillis = ledger.configuration.pendingTimeoutMillisMax
        self.logger = logger
    }

    // MARK: Machines

    /// The machine new orders start on now.
    /// - Throws: `RequestError` 503 `orders_unavailable` when no such script is loaded.
    public func currentMachine() throws(RequestError) -> OrderMachine {
        guard let generation = scripts.current, let d = generation.declaration(ScriptAddress(.orderMachine, machineID)) else {
            throw RequestError("orders_unavailable", .unavailable, "no order machine '\(machineID)' is loaded")
        }
        let key = "\(machineID)|\(generation.hash)"
        if let m = machines.withLock({ $0[key] }) { return m }
        let m = OrderMachine(d, generation: generation.hash)
        machines.withLock { $0[key] = m }
        return m
    }

    /// The machine an order runs on, from the cache or the table.
    func machine(_ tx: any OrderTransaction, id: String, generation: String) throws -> OrderMachine {
        let key = "\(id)|\(generation)"
        if let m = machines.withLock({ $0[key] }) { return m }
        guard let m = try tx.machine(id: id, generation: generation) else {
            throw Self.broken("order machine \(id) of generation \(generation) is missing")
        }
        machines.withLock { $0[key] = m }
        return m
    }

    /// The scripts an order's hooks run on: the live generation when it is the order's, else the
    /// order's generation compiled again from the archive (kept for the next call); nil when the
    /// archive no longer has it (the order then changes without its hook, and says so).
    func hookGeneration(_ hash: String) async -> ScriptGeneration? {
        if let g = scripts.current, g.hash == hash { return g }
        if let g = compiled.withLock({ $0[hash] }) { return g }
        guard let files = try? await scripts.archive.files(hash: hash) else { return nil }
        guard case .success(let g) = ScriptGeneration.compile(files, api: scripts.api, limits: scripts.limits, vmCount: 1) else {
            return nil
        }
        compiled.withLock { c in
            if c.count >= Self.compiledGenerationsMax { c.removeAll() }
            c[hash] = g
        }
        return g
    }

    // MARK: Create

    /// Orders good `r.goodsID` for `viewer`, holding its price in tickets.
    /// - Throws: `RequestError` 400 (key, id), 404 `goods_not_found` (unknown, not listed, another
    ///   viewer's private offer, an ended offer), 409 `cannot_order_own_goods`, `out_of_stock`,
    ///   `too_many_open_orders` (`OrderLimits.openPerViewerMax`), `idempotency_conflict`, 503 `orders_unavailable`; `LedgerError` 422 `insufficient_funds`.
    ///   Nothing is written on any error.
    public func create(viewer: String, _ r: NewOrder) async throws -> OrderActionResult {
        try OrderLimits.key(r.idempotencyKey)
        guard r.goodsID >= 1 else { throw RequestError("invalid_goods_id", .badRequest, "goods_id: a goods id") }
        let machine = try currentMachine()
        let hooks = await hookGeneration(machine.generation)
        let now = clock.nowMillis()
        return try await store.write { tx in try self.create(tx, viewer: viewer, r, machine: machine, hooks: hooks, now: now) }
    }

    func create(_ tx: any OrderTransaction, viewer: String, _ r: NewOrder, machine: OrderMachine, hooks: ScriptGeneration?, now: Int64) throws
        -> OrderActionResult
    {
        let request = "goods:\(r.goodsID)"
        if let prior = try tx.createRequest(viewerID: viewer, key: r.idempotencyKey) {
            guard prior.request == request else {
                throw RequestError("idempotency_conflict", .conflict, "idempotency_key '\(r.idempotencyKey)' was used for another order")
            }
            return prior.outcome
        }
        guard var goods = try tx.goods(id: r.goodsID), goods.state == .listed,
            goods.goods.forViewer == nil || (goods.goods.forViewer == viewer && (goods.goods.offerExpiresAt ?? 0) > now)
        else { throw RequestError("goods_not_found", .notFound, "no goods \(r.goodsID) on offer to you") }
        guard goods.streamerID != viewer else { throw RequestError("cannot_order_own_goods", .conflict, "a streamer cannot order their own goods") }
        let open = try tx.openCount(viewerID: viewer)
        guard open < OrderLimits.openPerViewerMax else {
            throw RequestError("too_many_open_orders", .conflict, "at most \(OrderLimits.openPerViewerMax) orders may be open at once")
        }
        if let stock = goods.goods.stock {
            guard stock > 0 else { throw RequestError("out_of_stock", .conflict, "goods \(r.goodsID) are sold out") }
            goods.goods.stock = stock - 1
            try tx.updateGoods(id: goods.id, goods.goods, updatedAt: now)
        }
        try tx.saveMachine(machine, at: now)
        let due = machine.due(machine.initial, enteredAt: now)
        let id = try tx.insertOrder(goods: goods, viewerID: viewer, machine: machine, due: due, at: now)
        let holdID = "order:\(id):hold:1"
        let hold = try tx.ledger.apply(operations: [.pending(TransferRequest(
            id: holdID, debit: .user(viewer, "tickets"), credit: .system(.orderClearing, "tickets"), asset: "tickets",
            amount: goods.goods.priceTickets, code: "order_hold", memo: Self.memo(id, goods.goods.title)), timeoutMillis: holdMillis)],
            now: now)
        try tx.setHold(orderID: id, holdID: holdID, expiresAt: (hold[0].expiresAt ?? 0) / 1_000)
        let order = try self.order(tx, id: id, machine: machine)!
        let state = machine.states[machine.initial]!
        let change = OrderChange(
            orderID: id, action: "create", actor: .viewer, actorID: viewer, from: nil, to: machine.initial, fromCode: nil,
            toCode: state.code, toExternal: state.external, final: false, settle: nil, revenue: nil, fee: nil, forced: false,
            reason: nil, version: 1, at: now)
        let result = try finish(tx, order: order, change: change, machine: machine, hooks: hooks, now: now)
        try tx.saveCreateRequest(viewerID: viewer, key: r.idempotencyKey, request: request, outcome: result, at: now)
        return result
    }

    static func memo(_ id: Int64, _ title: String) -> String {
        String(decoding: "order \(id): \(title)".utf8.prefix(TransferRequest.memoBytesMax), as: UTF8.self)
    }

    // MARK: Actions

    /// Runs transition `action` on order `id` for `caller`.
    /// - Throws: `RequestError` 400 (key, reason), 404 `order_not_found` (also someone else's),
    ///   404 `unknown_action`, 403 `actor_not_allowed`, 409 `idempotency_conflict`;
    ///   `OrderStateConflict` 409 with the current state; `LedgerError` when money cannot move.
    public func act(orderID id: Int64, action: String, caller: Principal, _ r: OrderActionRequest) async throws -> OrderActionResult {
        try OrderLimits.key(r.idempotencyKey)
        if let reason = r.reason { try OrderLimits.reason(reason) }
        guard r.to == nil else { throw RequestError("invalid_to", .badRequest, "to: only an operator's forced transition names a state") }
        let hooks = try await prepare(id)
        let now = clock.nowMillis()
        return try await store.write { tx in
            try self.act(tx, id: id, caller: caller, key: r.idempotencyKey, request: "action:\(action)", hooks: hooks, now: now) { order, machine, actor in
                guard let t = machine.transitions[action] else {
                    let known = machine.transitions.keys.sorted().joined(separator: ", ")
                    throw RequestError("unknown_action", .notFound, "the order machine has no action '\(action)' (it has: \(known))")
                }
                guard t.by.contains(actor) else {
                    throw RequestError("actor_not_allowed", .forbidden, "'\(action)' is not for the \(actor.rawValue)")
                }
                return (action, t.to, t.from, r.reason, false)
            }
        }
    }

    /// Moves order `id` to state `r.to` by an operator's decision, from whatever non-final state
    /// it is in, with a reason (journaled with who and why). Money moves as the target state says.
    /// - Throws: `RequestError` 400 (`invalid_to`, `invalid_reason`), 404 `order_not_found`,
    ///   `unknown_state`, 409 `order_final`, `idempotency_conflict`.
    public func force(orderID id: Int64, by operatorID: String, _ r: OrderActionRequest) async throws -> OrderActionResult {
        try OrderLimits.key(r.idempotencyKey)
        guard let reason = r.reason else { throw RequestError("invalid_reason", .badRequest, "reason: required for a forced transition") }
        try OrderLimits.reason(reason)
        guard let to = r.to, (1...64).contains(to.utf8.count) else {
            throw RequestError("invalid_to", .badRequest, "to: the state to move the order to")
        }
        let hooks = try await prepare(id)
        let now = clock.nowMillis()
        let caller = Principal(userID: operatorID, role: .operator, expiresAtSeconds: Int64.max)
        return try await store.write { tx in
            try self.act(tx, id: id, caller: caller, key: r.idempotencyKey, request: "force:\(to):\(reason)", hooks: hooks, now: now, staffOnly: true) {
                order, machine, _ in
                guard machine.states[to] != nil else {
                    throw RequestError("unknown_state", .notFound, "the order's machine has no state '\(to)' (it has: \(machine.states.keys.sorted().joined(separator: ", ")))")
                }
                guard !order.final else { throw RequestError("order_final", .conflict, "the order is '\(order.state)', a final state") }
                return ("force", to, [order.state], reason, true)
            }
        }
    }

    /// The hooks of order `id`'s generation (resolved before the write, which must not wait).
    /// - Throws: `RequestError` 404 `order_not_found`.
    func prepare(_ id: Int64) async throws -> ScriptGeneration? {
        guard let hash = try await store.read({ tx in try tx.generation(orderID: id) }) else { throw Self.notFound(id) }
        return await hookGeneration(hash)
    }

    /// A stored order that does not fit its machine: the server's fault, never the caller's.
    static func broken(_ what: String) -> RequestError { RequestError("order_store_inconsistent", .internalFailure, what) }

    static func notFound(_ id: Int64) -> RequestError { RequestError("order_not_found", .notFound, "no order \(id) of yours") }

    /// The shared action path: idempotency, due timeouts first, who the caller is to the order,
    /// then `decide` names the change, then `transition` makes it.
    func act(
        _ tx: any OrderTransaction, id: Int64, caller: Principal, key: String, request: String, hooks: ScriptGeneration?, now: Int64,
        staffOnly: Bool = false,
        decide: (Order, OrderMachine, OrderActor) throws -> (action: String, to: String, from: [String], reason: String?, forced: Bool)
    ) throws -> OrderActionResult {
        guard var order = try self.order(tx, id: id) else { throw Self.notFound(id) }
        let actor: OrderActor
        if staffOnly || !(caller.userID == order.viewerID || caller.userID == order.streamerID) {
            guard Role.staff.contains(caller.role) else { throw Self.notFound(id) }
            actor = .operator
        } else {
            actor = caller.userID == order.viewerID ? .viewer : .streamer
        }
        if let prior = try tx.actionRequest(orderID: id, actorID: caller.userID, key: key) {
            guard prior.request == request else {
                throw RequestError("idempotency_conflict", .conflict, "idempotency_key '\(key)' was used for another action on this order")
            }
            return prior.outcome
        }
        let machine = try self.machine(tx, id: order.machine, generation: order.generation)
        order = try fireDue(tx, order, machine: machine, hooks: hooks, now: now)
        let d = try decide(order, machine, actor)
        let result = try transition(
            tx, order, machine: machine, action: d.action, to: d.to, from: d.from, actor: actor, actorID: caller.userID, reason: d.reason,
            forced: d.forced, at: now, hooks: hooks, now: now)
        try tx.saveActionRequest(orderID: id, actorID: caller.userID, key: key, request: request, outcome: result, at: now)
        return result
    }

    /// Fires the order's due timeouts, oldest first, as `system` (each at the time it was due).
    func fireDue(_ tx: any OrderTransaction, _ start: Order, machine: OrderMachine, hooks: ScriptGeneration?, now: Int64) throws -> Order {
        var order = start
        var fired = 0
        while !order.final, let dueAt = order.dueAt, let action = order.dueAction, dueAt <= now, fired < OrderLimits.chainedTimeoutsMax {
            guard let t = machine.transitions[action] else { break }
            order = try transition(
                tx, order, machine: machine, action: action, to: t.to, from: t.from, actor: .system, actorID: "system",
                reason: "timeout", forced: false, at: dueAt, hooks: hooks, now: now
            ).order
            fired += 1
        }
        return order
    }

    /// One change: the compare-and-set, the money, the fact, the hook.
    func transition(
        _ tx: any OrderTransaction, _ order: Order, machine: OrderMachine, action: String, to: String, from: [String], actor: OrderActor,
        actorID: String, reason: String?, forced: Bool, at: Int64, hooks: ScriptGeneration?, now: Int64
    ) throws -> OrderActionResult {
        guard let target = machine.states[to] else { throw Self.broken("order machine \(machine.id) has no state \(to)") }
        let due = target.final ? nil : machine.due(to, enteredAt: at)
        let moved = try tx.moveState(
            orderID: order.id, from: from, to: to, final: target.final, settled: target.settle, due: due, updatedAt: max(at, order.updatedAt),
            enteredAt: at)
        guard moved else { throw OrderStateConflict(state: order.state, version: order.version) }
        var revenue: Int64?
        var fee: Int64?
        switch target.settle {
        case .post?:
            let f = machine.fee(order.priceTickets)
            fee = f
            revenue = order.priceTickets - f
            try settle(tx, order, post: true, fee: f, now: now)
        case .void?:
            try settle(tx, order, post: false, fee: 0, now: now)
        case nil: break
        }
        let updated = try self.order(tx, id: order.id, machine: machine)!
        let change = OrderChange(
            orderID: order.id, action: action, actor: actor, actorID: actorID, from: order.state, to: to,
            fromCode: machine.states[order.state]?.code, toCode: target.code, toExternal: target.external, final: target.final,
            settle: target.settle, revenue: revenue, fee: fee, forced: forced, reason: reason, version: updated.version, at: at)
        return try finish(tx, order: updated, change: change, machine: machine, hooks: hooks, now: now)
    }

    /// Moves the held tickets as a final state says: posted (fee to the platform, the rest issued
    /// to the streamer as revenue) or voided (and a counted good gets its unit back). A hold the
    /// ledger already released (it lapsed while no sweeper ran) is paid directly for a post and
    /// needs nothing for a void.
    func settle(_ tx: any OrderTransaction, _ order: Order, post: Bool, fee: Int64, now: Int64) throws {
        let status = try tx.ledger.pendingStatus(id: order.holdID, now: now)
        let lapsed = status.state == .expired
        let memo = Self.memo(order.id, order.title)
        var ops: [LedgerOperation] = []
        if post {
            if lapsed {
                ops.append(.transfer(TransferRequest(
                    id: "order:\(order.id):post", debit: .user(order.viewerID, "tickets"), credit: .system(.orderClearing, "tickets"),
                    asset: "tickets", amount: order.priceTickets, code: "order_post", memo: memo)))
            } else {
                ops.append(.post(id: "order:\(order.id):post", pendingID: order.holdID))
            }
            if fee > 0 {
                ops.append(.transfer(TransferRequest(
                    id: "order:\(order.id):fee", debit: .system(.orderClearing, "tickets"), credit: .system(.platformFees, "tickets"),
                    asset: "tickets", amount: fee, code: "order_fee", memo: memo)))
            }
            if order.priceTickets - fee > 0 {
                ops.append(.transfer(TransferRequest(
                    id: "order:\(order.id):revenue", debit: .system(.revenueIssuance, "revenue"), credit: .user(order.streamerID, "revenue"),
                    asset: "revenue", amount: order.priceTickets - fee, code: "order_revenue", memo: memo)))
            }
        } else if !lapsed {
            ops.append(.void(id: "order:\(order.id):void", pendingID: order.holdID))
        }
        if !ops.isEmpty { _ = try tx.ledger.apply(operations: ops, now: now) }
        if !post, var goods = try tx.goods(id: order.goodsID), let stock = goods.goods.stock, stock < GoodsEdit.stockMax {
            goods.goods.stock = stock + 1
            try tx.updateGoods(id: goods.id, goods.goods, updatedAt: nil)
        }
    }

    /// Runs the machine's `on_transition` (its effects in a savepoint: a failure drops them and
    /// is noted on the change), then journals `order_changed`.
    func finish(_ tx: any OrderTransaction, order: Order, change: OrderChange, machine: OrderMachine, hooks: ScriptGeneration?, now: Int64) throws
        -> OrderActionResult
    {
        var change = change
        let address = ScriptAddress(.orderMachine, machine.id)
        if let hooks, hooks.handler(address, "on_transition") != nil {
            do {
                try tx.savepoint {
                    let ctx = CallContext(script: address, nowMillis: change.at, seed: UInt64(bitPattern: order.id &* 31 &+ change.version),
                        reads: tx.hookReads(calendar: calendar))
                    let (orderTable, changeTable) = try Self.tables(order, change, machine)
                    ctx.fields = ["order_id": .integer(order.id)]
                    _ = try hooks.withTransactionVM { vm in
                        try vm.call(address, "on_transition", args: [orderTable, changeTable], context: ctx, results: 0)
                    }
                    try EffectApplier(ledger: ledger, calendar: calendar).apply(
                        ctx, origin: "order:\(order.id):\(change.version)", in: tx, at: now,
                        orderFrame: { text in try self.frame(tx, order: order, text: text, at: change.at) })
                }
            } catch {
                let text = (error as? ScriptFailure).map { "\($0)" } ?? "\(error)"
                change.hookError = String(decoding: text.utf8.prefix(500), as: UTF8.self)
                logger.error("order hook failed", metadata: ["order": "\(order.id)", "error": "\(text)"])
            }
        } else if hooks == nil {
            change.hookError = "the scripts of generation \(order.generation) are no longer kept; on_transition did not run"
        }
        _ = try tx.journal.append(
            type: Self.changedType, payload: OrderChanged(change: change, order: order),
            idempotencyKey: "order:\(order.id):\(change.version)", at: change.at)
        return OrderActionResult(order: order, change: change)
    }

    /// The tables `on_transition` receives: the order, and the change with the new state's texts
    /// (`to_text_viewer`, `to_text_streamer`).
    static func tables(_ order: Order, _ change: OrderChange, _ machine: OrderMachine) throws -> (LuaValue, LuaValue) {
        let o = try LuaValue(json: String(decoding: try JSONEncoder.sorted.encode(order), as: UTF8.self))
        guard case .table(var c) = try LuaValue(json: String(decoding: try JSONEncoder.sorted.encode(change), as: UTF8.self)) else {
            return (o, .nil)
        }
        let state = machine.states[change.to]
        if let v = state?.viewer { c.fields["to_text_viewer"] = .string(v) }
        if let s = state?.streamer { c.fields["to_text_streamer"] = .string(s) }
        return (o, .table(c))
    }

    /// Journals an `order` frame for each room of the order's streamer (`ctx.show_order`).
    func frame(_ tx: any OrderTransaction, order: Order, text: String?, at: Int64) throws {
        struct Frame: Encodable {
            let room: String
            let order_id: Int64
            let title: String
            let streamer_id: String
            let viewer_id: String
            let state: String
            let external: String
            let text: String?
        }
        let rooms = try tx.roomIDs(streamerID: order.streamerID, limit: Self.frameRoomsMax)
        for room in rooms {
            _ = try tx.journal.append(
                type: Self.frameType,
                payload: Frame(
                    room: room, order_id: order.id, title: order.title, streamer_id: order.streamerID, viewer_id: order.viewerID,
                    state: order.state, external: order.external, text: text), at: at)
        }
    }

    // MARK: Rows

    /// Order `id` with its state's codes and texts, or nil.
    func order(_ tx: any OrderTransaction, id: Int64, machine known: OrderMachine? = nil) throws -> Order? {
        guard let stored = try tx.order(id: id) else { return nil }
        return try order(tx, stored, machine: known)
    }

    /// A stored order with its state's codes and texts, from `known` when it is the order's
    /// machine, else from the cache or the table.
    func order(_ tx: any OrderTransaction, _ stored: Order, machine known: OrderMachine?) throws -> Order {
        let m: OrderMachine
        if let known, known.id == stored.machine, known.generation == stored.generation {
            m = known
        } else {
            m = try machine(tx, id: stored.machine, generation: stored.generation)
        }
        return Self.order(stored, machine: m)
    }

    /// `stored` with its state's codes and texts from `machine` (-1, "" and none for a state the
    /// machine does not have).
    static func order(_ stored: Order, machine: OrderMachine) -> Order {
        var o = stored
        let s = machine.states[o.state]
        o.code = s?.code ?? -1
        o.external = s?.external ?? ""
        o.viewerText = s?.viewer
        o.streamerText = s?.streamer
        return o
    }
}
