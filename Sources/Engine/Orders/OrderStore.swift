import Books
import EngineCore
import Scripting

/// Where "help me play" orders are kept: the orders, the machines they run on (one body per
/// generation), and the answers of created orders and actions kept for their idempotency keys.
///
/// The seam at the level of a transaction: creating an order checks the good and takes a unit,
/// holds the price, writes the order and journals its first change; an action compares and sets
/// the state, moves the money, journals the change and runs the machine's hook, all in one
/// transaction or none. So the store hands the domain an `OrderTransaction` inside `write` (and
/// `read`), and the domain decides; the backend owns the SQL.
///
/// For implementers: `write` runs `body` in one write transaction of the store, serialized with
/// every other write, and commits only when it returns; a throw rolls everything back, ledger
/// transfers and journal facts included. `read` runs `body` on a consistent snapshot (its
/// writing methods throw).
public protocol OrderStore: Sendable {
    /// Runs `body` in one write transaction; commits when it returns.
    /// - Throws: what `body` throws (nothing is kept), storage errors.
    func write<T: Sendable>(_ body: @escaping @Sendable (any OrderTransaction) throws -> T) async throws -> T
    /// Runs `body` on a consistent snapshot.
    /// - Throws: what `body` throws, storage errors.
    func read<T: Sendable>(_ body: @escaping @Sendable (any OrderTransaction) throws -> T) async throws -> T
}

/// The order tables (and the few rows of other domains an order touches) as one transaction
/// sees them.
///
/// For implementers: an order read here is its row only: the state's codes and texts, which
/// come from its machine, are left unknown (`code` -1, `external` "", no texts) for the domain
/// to fill. Lists of orders are by id unless said otherwise. Ids increase.
public protocol OrderTransaction: StoreTransaction {
    // MARK: Machines

    /// The machine `id` of generation `generation` as stored, or nil.
    /// - Throws: a decoding error for a stored body that is not a machine; storage errors.
    func machine(id: String, generation: String) throws -> OrderMachine?
    /// Stores the machine's generation unless it is already stored (a stored one is kept as is).
    func saveMachine(_ machine: OrderMachine, at now: Int64) throws

    // MARK: Orders

    /// Order `id`'s row, or nil.
    func order(id: Int64) throws -> Order?
    /// The rows matching `filter` with an id above `after`, by id, at most `limit`.
    func orders(_ filter: OrderFilter, after: Int64, limit: Int) throws -> [Order]
    /// Every order's row, by id.
    func allOrders() throws -> [Order]
    /// The machine generation order `id` runs on, or nil for no such order.
    func generation(orderID: Int64) throws -> String?
    /// How many holds order `id` has had (1 for a hold never renewed), or nil for no such order.
    func holds(orderID: Int64) throws -> Int64?
    /// How many of the viewer's orders are open (not final).
    func openCount(viewerID: String) throws -> Int
    /// Open orders whose timeout is due by `now`, soonest due first (ties by id), at most `limit`.
    func dueOrderIDs(at now: Int64, limit: Int) throws -> [Int64]
    /// Open orders whose hold ends by `by` (ms since the epoch), soonest first (ties by id),
    /// at most `limit`.
    func holdEndingOrderIDs(by: Int64, limit: Int) throws -> [Int64]
    /// Stores a new order of `goods` for `viewerID` in `machine`'s initial state at version 1,
    /// with no hold yet (set it with `setHold`) and its first timeout `due`; answers its id.
    func insertOrder(goods: Goods, viewerID: String, machine: OrderMachine, due: (at: Int64, action: String)?, at now: Int64) throws -> Int64
    /// The order's hold and when it ends (ms since the epoch).
    func setHold(orderID: Int64, holdID: String, expiresAt: Int64) throws
    /// The order's renewed hold, when it ends (ms since the epoch) and its count of holds.
    func renewHold(orderID: Int64, holdID: String, expiresAt: Int64, holds: Int64) throws
    /// Moves an open order from one of the states `from` to `to`, one version on: the
    /// compare-and-set of every change. Answers whether the order changed (false when it is final
    /// or in another state, or there is no such order).
    func moveState(
        orderID: Int64, from: [String], to: String, final: Bool, settled: OrderMachine.Settle?, due: (at: Int64, action: String)?,
        updatedAt: Int64, enteredAt: Int64
    ) throws -> Bool

    // MARK: Idempotency

    /// The request and answer a viewer's earlier creation under `key` recorded, or nil.
    func createRequest(viewerID: String, key: String) throws -> (request: String, outcome: OrderActionResult)?
    /// Records a viewer's creation under `key`: what it asked (`request`) and what it answered.
    func saveCreateRequest(viewerID: String, key: String, request: String, outcome: OrderActionResult, at now: Int64) throws
    /// The request and answer an actor's earlier action on the order under `key` recorded, or nil.
    func actionRequest(orderID: Int64, actorID: String, key: String) throws -> (request: String, outcome: OrderActionResult)?
    /// Records an actor's action on the order under `key`: what it asked and what it answered.
    func saveActionRequest(orderID: Int64, actorID: String, key: String, request: String, outcome: OrderActionResult, at now: Int64) throws

    // MARK: Other domains' rows

    /// Good `id` in this transaction, or nil.
    func goods(id: Int64) throws -> Goods?
    /// Replaces good `id`'s edit (its stock taken or given back); with `updatedAt` nil the good's
    /// time of change is left as it was.
    func updateGoods(id: Int64, _ edit: GoodsEdit, updatedAt: Int64?) throws
    /// The ids of the streamer's rooms, in id order, at most `limit`.
    func roomIDs(streamerID: String, limit: Int) throws -> [String]
    /// Whether `viewer` follows `streamer` now.
    func follows(viewer: String, streamer: String) throws -> Bool
    /// What an order machine's hook reads (`ctx.balance`, `ctx.follows`, fan medals, guards,
    /// privileges) in this transaction.
    func hookReads(calendar: OperationsCalendar) -> any ScriptReads

    // MARK: Reconciliation and the facts

    /// Every order's price and holds, by id.
    func holdRecords() throws -> [OrderHoldRecord]
    /// The amount ledger transfer `id` moved, or nil when there is no such transfer.
    func transferAmount(id: String) throws -> Int64?
    /// Calls `body` with the type and JSON payload of every journal fact of one of `types`,
    /// oldest first.
    func journalFacts(types: [String], _ body: (_ type: String, _ payload: String) throws -> Void) throws
}

/// An order's price and holds, as `Orders.reconcile` checks them against the ledger.
public struct OrderHoldRecord: Sendable, Equatable {
    /// The order.
    public var orderID: Int64
    /// Its price, the amount every hold of it held.
    public var priceTickets: Int64
    /// Whether it is in a final state.
    public var final: Bool
    /// `post` or `void` once final (nil also for a value no machine knows).
    public var settled: OrderMachine.Settle?
    /// The current hold.
    public var holdID: String
    /// How many holds the order has had; the earlier ones are `order:<id>:hold:<k>`, k below this.
    public var holds: Int64

    /// A record of the given values.
    public init(orderID: Int64, priceTickets: Int64, final: Bool, settled: OrderMachine.Settle?, holdID: String, holds: Int64) {
        self.orderID = orderID
        self.priceTickets = priceTickets
        self.final = final
        self.settled = settled
        self.holdID = holdID
        self.holds = holds
    }
}
