import Books
import Engine
import EngineCore
import Foundation
import GRDB
import Logging
import Scripting

/// `OrderStore` on the SQLite store: `orders`, `order_machines`, `order_requests` and
/// `order_actions`, in the store's transactions, with the ledger's transfers, the journal and
/// the goods, rooms and follows an order reads or changes in the same transaction.
public struct SQLiteOrderStore: OrderStore {
    let store: Store
    let ledger: Ledger

    /// Orders in `store`.
    /// - Parameters: ledger: the ledger holds and settlements are written through.
    public init(_ store: Store, ledger: Ledger) {
        self.store = store
        self.ledger = ledger
    }

    /// `OrderStore.write`, in a write transaction of the store.
    public func write<T: Sendable>(_ body: @escaping @Sendable (any OrderTransaction) throws -> T) async throws -> T {
        let ledger = ledger
        return try await store.write({ db in SQLiteOrderTransaction(db: db, ledger: ledger) }, { tx in try body(tx) })
    }

    /// `OrderStore.read`, in a read transaction of the store.
    public func read<T: Sendable>(_ body: @escaping @Sendable (any OrderTransaction) throws -> T) async throws -> T {
        let ledger = ledger
        return try await store.read({ db in SQLiteOrderTransaction(db: db, ledger: ledger) }, { tx in try body(tx) })
    }
}

extension Orders {
    /// Orders on the SQLite store (`SQLiteOrderStore`).
    /// - Parameters: machineID: the `order_machine` script new orders run on.
    public convenience init(
        store: Store, ledger: Ledger, scripts: ScriptRuntime, calendar: OperationsCalendar, clock: any WallClock = SystemWallClock(),
        machineID: String = "help-me-play", logger: Logger
    ) {
        self.init(
            store: SQLiteOrderStore(store, ledger: ledger), ledger: ledger, scripts: scripts, calendar: calendar, clock: clock,
            machineID: machineID, logger: logger)
    }
}

/// `OrderTransaction` on one SQLite connection inside an open transaction.
final class SQLiteOrderTransaction: SQLiteTransaction, OrderTransaction {
    /// The columns `order(row:)` reads.
    static let columns = """
        id, goods_id, title, viewer_id, streamer_id, price_tickets, machine, generation, state, final, settled, version, hold_id,
        hold_expires_at, due_at, due_action, created_at, updated_at, entered_at
        """

    // MARK: Machines

    func machine(id: String, generation: String) throws -> OrderMachine? {
        guard let body = try String.fetchOne(
            db.cachedStatement(sql: "SELECT body FROM order_machines WHERE id = ? AND generation = ?"), arguments: [id, generation])
        else { return nil }
        return try JSONDecoder().decode(OrderMachine.self, from: Data(body.utf8))
    }

    func saveMachine(_ machine: OrderMachine, at now: Int64) throws {
        try db.execute(
            sql: "INSERT INTO order_machines (id, generation, body, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
            arguments: [machine.id, machine.generation, String(decoding: try JSONEncoder.sorted.encode(machine), as: UTF8.self), now])
    }

    // MARK: Orders

    func order(id: Int64) throws -> Order? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT \(Self.columns) FROM orders WHERE id = ?"), arguments: [id]).map(Self.order(row:))
    }

    func orders(_ filter: OrderFilter, after: Int64, limit: Int) throws -> [Order] {
        var conditions = ["id > ?"]
        var arguments: [DatabaseValue] = [after.databaseValue]
        if let s = filter.state {
            conditions.append("state = ?")
            arguments.append(s.databaseValue)
        }
        if let v = filter.viewerID {
            conditions.append("viewer_id = ?")
            arguments.append(v.databaseValue)
        }
        if let s = filter.streamerID {
            conditions.append("streamer_id = ?")
            arguments.append(s.databaseValue)
        }
        if let t = filter.createdBefore {
            conditions.append("created_at <= ?")
            arguments.append(t.databaseValue)
        }
        arguments.append(limit.databaseValue)
        let sql = "SELECT \(Self.columns) FROM orders WHERE \(conditions.joined(separator: " AND ")) ORDER BY id LIMIT ?"
        return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map(Self.order(row:))
    }

    func allOrders() throws -> [Order] {
        try Row.fetchAll(db, sql: "SELECT \(Self.columns) FROM orders ORDER BY id").map(Self.order(row:))
    }

    func generation(orderID: Int64) throws -> String? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT generation FROM orders WHERE id = ?"), arguments: [orderID])
    }

    func holds(orderID: Int64) throws -> Int64? {
        try Int64.fetchOne(db, sql: "SELECT holds FROM orders WHERE id = ?", arguments: [orderID])
    }

    func openCount(viewerID: String) throws -> Int {
        try Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM orders WHERE viewer_id = ? AND final = 0"), arguments: [viewerID]) ?? 0
    }

    func dueOrderIDs(at now: Int64, limit: Int) throws -> [Int64] {
        try Int64.fetchAll(db, sql: "SELECT id FROM orders WHERE due_at <= ? AND final = 0 ORDER BY due_at, id LIMIT ?", arguments: [now, limit])
    }

    func holdEndingOrderIDs(by: Int64, limit: Int) throws -> [Int64] {
        try Int64.fetchAll(
            db, sql: "SELECT id FROM orders WHERE final = 0 AND hold_id != '' AND hold_expires_at <= ? ORDER BY hold_expires_at, id LIMIT ?", arguments: [by, limit])
    }

    func insertOrder(goods: Goods, viewerID: String, machine: OrderMachine, due: (at: Int64, action: String)?, at now: Int64) throws -> Int64 {
        try db.execute(
            sql: """
                INSERT INTO orders (goods_id, title, viewer_id, streamer_id, price_tickets, machine, generation, state, final, settled,
                    version, hold_id, hold_expires_at, holds, due_at, due_action, created_at, updated_at, entered_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, NULL, 1, '', 0, 1, ?, ?, ?, ?, ?)
                """,
            arguments: [
                goods.id, goods.goods.title, viewerID, goods.streamerID, goods.goods.priceTickets, machine.id, machine.generation,
                machine.initial, due?.at, due?.action, now, now, now,
            ])
        return db.lastInsertedRowID
    }

    func setHold(orderID: Int64, holdID: String, expiresAt: Int64) throws {
        try db.execute(sql: "UPDATE orders SET hold_id = ?, hold_expires_at = ? WHERE id = ?", arguments: [holdID, expiresAt, orderID])
    }

    func renewHold(orderID: Int64, holdID: String, expiresAt: Int64, holds: Int64) throws {
        try db.execute(
            sql: "UPDATE orders SET hold_id = ?, hold_expires_at = ?, holds = ? WHERE id = ?", arguments: [holdID, expiresAt, holds, orderID])
    }

    func moveState(
        orderID: Int64, from: [String], to: String, final: Bool, settled: OrderMachine.Settle?, due: (at: Int64, action: String)?,
        updatedAt: Int64, enteredAt: Int64
    ) throws -> Bool {
        let marks = repeatElement("?", count: from.count).joined(separator: ", ")
        var arguments: StatementArguments = [to, final, settled?.rawValue, due?.at, due?.action, updatedAt, enteredAt, orderID]
        arguments += StatementArguments(from)
        try db.execute(
            sql: """
                UPDATE orders SET state = ?, final = ?, settled = ?, version = version + 1, due_at = ?, due_action = ?, updated_at = ?,
                    entered_at = ? WHERE id = ? AND final = 0 AND state IN (\(marks))
                """, arguments: arguments)
        return db.changesCount == 1
    }

    /// An order's row, its state's codes and texts unknown (`OrderTransaction`).
    static func order(row: Row) -> Order {
        Order(
            id: row["id"], goodsID: row["goods_id"], title: row["title"], viewerID: row["viewer_id"], streamerID: row["streamer_id"],
            priceTickets: row["price_tickets"], machine: row["machine"], generation: row["generation"], state: row["state"],
            code: -1, external: "", viewerText: nil, streamerText: nil, final: row["final"],
            settled: (row["settled"] as String?).flatMap(OrderMachine.Settle.init), version: row["version"], holdID: row["hold_id"],
            holdExpiresAt: row["hold_expires_at"], dueAt: row["due_at"], dueAction: row["due_action"], createdAt: row["created_at"],
            updatedAt: row["updated_at"], enteredAt: row["entered_at"])
    }

    // MARK: Idempotency

    func createRequest(viewerID: String, key: String) throws -> (request: String, outcome: OrderActionResult)? {
        try Self.prior(Row.fetchOne(
            db, sql: "SELECT request, outcome FROM order_requests WHERE viewer_id = ? AND idempotency_key = ?", arguments: [viewerID, key]))
    }

    func saveCreateRequest(viewerID: String, key: String, request: String, outcome: OrderActionResult, at now: Int64) throws {
        try db.execute(
            sql: "INSERT INTO order_requests (viewer_id, idempotency_key, request, outcome, created_at) VALUES (?, ?, ?, ?, ?)",
            arguments: [viewerID, key, request, String(decoding: try JSONEncoder.sorted.encode(outcome), as: UTF8.self), now])
    }

    func actionRequest(orderID: Int64, actorID: String, key: String) throws -> (request: String, outcome: OrderActionResult)? {
        try Self.prior(Row.fetchOne(
            db, sql: "SELECT request, outcome FROM order_actions WHERE order_id = ? AND actor_id = ? AND idempotency_key = ?",
            arguments: [orderID, actorID, key]))
    }

    func saveActionRequest(orderID: Int64, actorID: String, key: String, request: String, outcome: OrderActionResult, at now: Int64) throws {
        try db.execute(
            sql: "INSERT INTO order_actions (order_id, actor_id, idempotency_key, request, outcome, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [orderID, actorID, key, request, String(decoding: try JSONEncoder.sorted.encode(outcome), as: UTF8.self), now])
    }

    /// A recorded `request, outcome` row, its outcome decoded.
    static func prior(_ row: Row?) throws -> (request: String, outcome: OrderActionResult)? {
        guard let row else { return nil }
        return (row[0], try JSONDecoder().decode(OrderActionResult.self, from: Data((row[1] as String).utf8)))
    }

    // MARK: Other domains' rows

    func goods(id: Int64) throws -> Goods? { try SQLiteGoodsStore.goods(db, id: id) }

    func updateGoods(id: Int64, _ edit: GoodsEdit, updatedAt: Int64?) throws {
        if let updatedAt {
            try db.execute(sql: "UPDATE goods SET body = ?, updated_at = ? WHERE id = ?", arguments: [try SQLiteGoodsStore.body(edit), updatedAt, id])
        } else {
            try db.execute(sql: "UPDATE goods SET body = ? WHERE id = ?", arguments: [try SQLiteGoodsStore.body(edit), id])
        }
    }

    func roomIDs(streamerID: String, limit: Int) throws -> [String] {
        try String.fetchAll(
            db.cachedStatement(sql: "SELECT id FROM rooms WHERE streamer_id = ? ORDER BY id LIMIT ?"), arguments: [streamerID, limit])
    }

    func follows(viewer: String, streamer: String) throws -> Bool {
        try SQLiteFollowStore.isFollowing(db, viewer: viewer, streamer: streamer)
    }

    func hookReads(calendar: OperationsCalendar) -> any ScriptReads { SQLiteOrderReads(tx: self, calendar: calendar) }

    // MARK: Reconciliation and the facts

    func holdRecords() throws -> [OrderHoldRecord] {
        try Row.fetchAll(db, sql: "SELECT id, price_tickets, final, settled, hold_id, holds FROM orders ORDER BY id").map { row in
            OrderHoldRecord(
                orderID: row[0], priceTickets: row[1], final: row[2], settled: (row[3] as String?).flatMap(OrderMachine.Settle.init),
                holdID: row[4], holds: row[5])
        }
    }

    func transferAmount(id: String) throws -> Int64? {
        try Row.fetchOne(db, sql: "SELECT kind, amount FROM ledger_transfers WHERE id = ?", arguments: [id]).map { $0[1] }
    }

    func journalFacts(types: [String], _ body: (_ type: String, _ payload: String) throws -> Void) throws {
        guard !types.isEmpty else { return }
        let rows = try Row.fetchCursor(
            db, sql: "SELECT type, payload FROM journal WHERE \(Journal.typeCondition(types)) ORDER BY offset", arguments: StatementArguments(types))
        while let row = try rows.next() { try body(row[0], row[1]) }
    }
}

/// What an order machine's hook reads, in the order's transaction: balances through its ledger,
/// follows through its `follows`, the rest (fan medals, guards, privileges) through the privilege
/// reads on its connection.
struct SQLiteOrderReads: StoreScriptReads {
    let tx: SQLiteOrderTransaction
    let calendar: OperationsCalendar
    var privilegeReads: any PrivilegeReads { SQLitePrivilegeReads(db: tx.db) }
    func balance(user: String, asset: String) throws -> Int64 { try tx.ledger.balance(.user(user, asset)) }
    func follows(viewer: String, streamer: String) throws -> Bool { try tx.follows(viewer: viewer, streamer: streamer) }
}
