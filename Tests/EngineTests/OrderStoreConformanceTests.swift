@testable import Books
import EngineTesting
import Foundation
@testable import Rooms
@testable import Storage
import Testing
@testable import Engine

/// The stores of the other domains whose rows an order transaction reads or changes (goods,
/// rooms, follows), on the database of the order store under test.
protocol OrderStoreNeighbours: Sendable {
    var goodsStore: any GoodsStore { get }
    var roomStore: any RoomStore { get }
    var followStore: any FollowStore { get }
}

extension SQLiteOrderStore: OrderStoreNeighbours {
    var goodsStore: any GoodsStore { SQLiteGoodsStore(store) }
    var roomStore: any RoomStore { SQLiteRoomStore(store) }
    var followStore: any FollowStore { SQLiteFollowStore(store) }
}

/// What every `OrderStore` backend must do (see the protocols' doc comments). Lists, the other
/// domains' rows and the reconciliation reads are in `OrderStoreConformanceTests+Reads.swift`.
@Suite("OrderStore conformance")
struct OrderStoreConformanceTests {
    static let backends: [StoreBackend<any OrderStore>] = [.sqlite { SQLiteOrderStore($0, ledger: Ledger(store: $0)) }]

    /// A small machine: `waiting` (or `playing`) until the streamer finishes it (`done`, posted)
    /// or a timeout cancels it (`cancelled`, voided).
    static func machine(generation: String = "gen1", initial: String = "waiting") throws -> OrderMachine {
        let json = """
            {"id": "help-me-play", "generation": "\(generation)", "initial": "\(initial)", "fee_bp": 1000,
             "states": {"waiting": {"code": 1, "external": "W", "final": false}, "playing": {"code": 2, "external": "P", "final": false},
                        "done": {"code": 3, "external": "D", "final": true, "settle": "post"},
                        "cancelled": {"code": 4, "external": "C", "final": true, "settle": "void"}},
             "transitions": {"finish": {"from": ["waiting", "playing"], "to": "done", "by": ["streamer"]},
                             "cancel": {"from": ["waiting"], "to": "cancelled", "by": ["system"]}},
             "timeouts": {"waiting": {"after_ms": 500, "fire": "cancel"}}}
            """
        return try JSONDecoder().decode(OrderMachine.self, from: Data(json.utf8))
    }

    static func neighbours(_ store: any OrderStore) throws -> any OrderStoreNeighbours {
        try #require(store as? any OrderStoreNeighbours, "a backend under test writes the rows its orders read")
    }

    /// A listed good of `streamer` at `price` tickets, stored through the neighbouring goods store.
    static func listedGoods(_ store: any OrderStore, streamer: String = "s1", price: Int64 = 30) async throws -> Goods {
        let edit = GoodsEdit(
            title: "Chess", game: "chess", region: "eu", priceTickets: price, details: "one game", stock: 3, forViewer: nil, offerExpiresAt: nil)
        return try await neighbours(store).goodsStore.write { tx in
            try tx.insert(streamerID: streamer, edit, state: .listed, score: 0, matched: [], at: 1)
        }
    }

    /// A listed good and v1's order of it, stored at 100 with a timeout (`cancel`) at 600.
    static func firstOrder(_ store: any OrderStore) async throws -> (goods: Goods, machine: OrderMachine, id: Int64) {
        let goods = try await Self.listedGoods(store)
        let machine = try Self.machine()
        let id = try await store.write { tx in
            try tx.insertOrder(goods: goods, viewerID: "v1", machine: machine, due: (at: 600, action: "cancel"), at: 100)
        }
        return (goods, machine, id)
    }

    static func result(_ order: Order, action: String, version: Int64) -> OrderActionResult {
        OrderActionResult(order: order, change: OrderChange(
            orderID: order.id, action: action, actor: .viewer, actorID: order.viewerID, from: nil, to: order.state, fromCode: nil, toCode: 1,
            toExternal: "W", final: false, settle: nil, revenue: nil, fee: nil, forced: false, reason: nil, version: version, at: 7))
    }

    @Test(arguments: backends)
    func aMachineGenerationIsStoredOnceAndKeptAsIs(_ backend: StoreBackend<any OrderStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (store, _) = try backend.open(tmp)
            let first = try Self.machine()
            func stored(_ id: String, _ generation: String) async throws -> OrderMachine? {
                try await store.read { tx in try tx.machine(id: id, generation: generation) }
            }
            #expect(try await stored("help-me-play", "gen1") == nil)
            try await store.write { tx in try tx.saveMachine(first, at: 1) }
            #expect(try await stored("help-me-play", "gen1") == first)
            // The same generation again, another body: the stored one stays.
            try await store.write { tx in try tx.saveMachine(try Self.machine(initial: "playing"), at: 2) }
            #expect(try await stored("help-me-play", "gen1") == first)
            let second = try Self.machine(generation: "gen2", initial: "playing")
            try await store.write { tx in try tx.saveMachine(second, at: 3) }
            #expect(try await stored("help-me-play", "gen2") == second)
            #expect(try await stored("other", "gen1") == nil)
        }
    }

    @Test(arguments: backends)
    func anOrderStartsInTheInitialStateAtVersionOneAndKeepsItsHolds(_ backend: StoreBackend<any OrderStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (store, _) = try backend.open(tmp)
            let (goods, machine, id) = try await Self.firstOrder(store)
            func stored(_ id: Int64) async throws -> Order? { try await store.read { tx in try tx.order(id: id) } }
            func holds(_ id: Int64) async throws -> Int64? { try await store.read { tx in try tx.holds(orderID: id) } }
            let order = try #require(try await stored(id))
            #expect(order.id == id && order.goodsID == goods.id && order.title == "Chess" && order.viewerID == "v1" && order.streamerID == "s1")
            #expect(order.priceTickets == 30 && order.machine == "help-me-play" && order.generation == "gen1" && order.state == "waiting")
            // The state's codes and texts are the domain's to fill.
            #expect(order.code == -1 && order.external == "" && order.viewerText == nil && order.streamerText == nil)
            #expect(!order.final && order.settled == nil && order.version == 1 && order.holdID == "")
            #expect(order.dueAt == 600 && order.dueAction == "cancel")
            #expect(order.createdAt == 100 && order.updatedAt == 100 && order.enteredAt == 100)
            #expect(try await stored(id + 1) == nil)
            let generations = try await store.read { tx in [try tx.generation(orderID: id), try tx.generation(orderID: id + 1)] }
            #expect(generations == ["gen1", nil])
            #expect(try await holds(id) == 1)
            #expect(try await holds(id + 1) == nil)

            try await store.write { tx in try tx.setHold(orderID: id, holdID: "order:\(id):hold:1", expiresAt: 5_000) }
            var held = try #require(try await stored(id))
            #expect(held.holdID == "order:\(id):hold:1" && held.holdExpiresAt == 5_000 && held.version == 1)
            #expect(try await holds(id) == 1)
            try await store.write { tx in try tx.renewHold(orderID: id, holdID: "order:\(id):hold:2", expiresAt: 9_000, holds: 2) }
            held = try #require(try await stored(id))
            #expect(held.holdID == "order:\(id):hold:2" && held.holdExpiresAt == 9_000 && held.version == 1)
            #expect(try await holds(id) == 2)

            // Without a first timeout.
            let plain = try await store.write { tx in try tx.insertOrder(goods: goods, viewerID: "v2", machine: machine, due: nil, at: 101) }
            #expect(plain > id)
            let second = try #require(try await stored(plain))
            #expect(second.dueAt == nil && second.dueAction == nil && second.viewerID == "v2")
        }
    }

    @Test(arguments: backends)
    func aMoveIsACompareAndSetOfOpenOrders(_ backend: StoreBackend<any OrderStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (store, _) = try backend.open(tmp)
            let id = try await Self.firstOrder(store).id
            func move(
                _ id: Int64, from: [String], to: String, final: Bool, settled: OrderMachine.Settle?, due: (at: Int64, action: String)?, at: Int64
            ) async throws -> Bool {
                try await store.write { tx in
                    try tx.moveState(orderID: id, from: from, to: to, final: final, settled: settled, due: due, updatedAt: at, enteredAt: at + 1)
                }
            }
            func current() async throws -> Order {
                let order = try await store.read { tx in try tx.order(id: id) }
                return try #require(order)
            }
            #expect(try await move(id, from: ["playing"], to: "done", final: true, settled: .post, due: nil, at: 200) == false)
            var order = try await current()
            #expect(order.state == "waiting" && order.version == 1 && order.updatedAt == 100, "a refused move changes nothing")
            let due = (at: Int64(900), action: "cancel")
            #expect(try await move(id, from: ["done", "waiting"], to: "playing", final: false, settled: nil, due: due, at: 300))
            order = try await current()
            #expect(order.state == "playing" && order.version == 2 && !order.final && order.settled == nil)
            #expect(order.dueAt == 900 && order.dueAction == "cancel" && order.updatedAt == 300 && order.enteredAt == 301 && order.createdAt == 100)
            #expect(try await move(id, from: ["playing"], to: "done", final: true, settled: .post, due: nil, at: 400))
            order = try await current()
            #expect(order.state == "done" && order.version == 3 && order.final && order.settled == .post)
            #expect(order.dueAt == nil && order.dueAction == nil)
            // A final order moves no more, even from its own state.
            #expect(try await move(id, from: ["done"], to: "cancelled", final: true, settled: .void, due: nil, at: 500) == false)
            order = try await current()
            #expect(order.state == "done" && order.version == 3)
            #expect(try await move(id + 1, from: ["waiting"], to: "done", final: true, settled: .post, due: nil, at: 600) == false)
        }
    }

    @Test(arguments: backends)
    func idempotencyRecordsAreKeptPerViewerAndPerOrderAndActor(_ backend: StoreBackend<any OrderStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (store, _) = try backend.open(tmp)
            let goods = try await Self.listedGoods(store)
            let machine = try Self.machine()
            let id = try await store.write { tx in try tx.insertOrder(goods: goods, viewerID: "v1", machine: machine, due: nil, at: 1) }
            let stored = try await store.read { tx in try tx.order(id: id) }
            let order = try #require(stored)
            let created = Self.result(order, action: "create", version: 1)
            let acted = Self.result(order, action: "finish", version: 2)
            func createRecord(_ viewer: String, _ key: String) async throws -> (request: String, outcome: OrderActionResult)? {
                try await store.read { tx in try tx.createRequest(viewerID: viewer, key: key) }
            }
            func actionRecord(_ id: Int64, _ actor: String, _ key: String) async throws -> (request: String, outcome: OrderActionResult)? {
                try await store.read { tx in try tx.actionRequest(orderID: id, actorID: actor, key: key) }
            }
            #expect(try await createRecord("v1", "k1") == nil)
            #expect(try await actionRecord(id, "s1", "k1") == nil)
            try await store.write { tx in
                try tx.saveCreateRequest(viewerID: "v1", key: "k1", request: "goods:\(goods.id)", outcome: created, at: 7)
                try tx.saveActionRequest(orderID: id, actorID: "s1", key: "k1", request: "action:finish", outcome: acted, at: 8)
            }
            let prior = try #require(try await createRecord("v1", "k1"))
            #expect(prior.request == "goods:\(goods.id)" && prior.outcome == created)
            #expect(try await createRecord("v2", "k1") == nil, "another viewer's keys are their own")
            #expect(try await createRecord("v1", "k2") == nil)
            let action = try #require(try await actionRecord(id, "s1", "k1"))
            #expect(action.request == "action:finish" && action.outcome == acted)
            #expect(try await actionRecord(id, "v1", "k1") == nil)
            #expect(try await actionRecord(id + 1, "s1", "k1") == nil)
        }
    }

    @Test(arguments: backends)
    func aThrowRollsBackEveryWriteLedgerAndJournalIncluded(_ backend: StoreBackend<any OrderStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (store, facts) = try backend.open(tmp)
            let goods = try await Self.listedGoods(store)
            let machine = try Self.machine()
            let error = await thrown {
                try await store.write { tx in
                    try tx.saveMachine(machine, at: 1)
                    var edit = goods.goods
                    edit.stock = 2
                    try tx.updateGoods(id: goods.id, edit, updatedAt: 5)
                    let id = try tx.insertOrder(goods: goods, viewerID: "v1", machine: machine, due: nil, at: 5)
                    let order = try #require(try tx.order(id: id))
                    let outcome = Self.result(order, action: "create", version: 1)
                    try tx.saveCreateRequest(viewerID: "v1", key: "k1", request: "r", outcome: outcome, at: 5)
                    _ = try tx.ledger.apply([coinsTopUp("t1", "v1", 50)], now: 5)
                    try tx.journal.append(type: Orders.changedType, payload: ["order_id": id], at: 5)
                    throw Aborted()
                }
            }
            #expect(error is Aborted)
            let (orders, storedMachine, storedGoods) = try await store.read { tx in
                (try tx.allOrders(), try tx.machine(id: "help-me-play", generation: "gen1"), try tx.goods(id: goods.id))
            }
            #expect(orders == [] && storedMachine == nil && storedGoods == goods)
            let (request, moved, balance) = try await store.read { tx in
                (try tx.createRequest(viewerID: "v1", key: "k1"), try tx.ledger.transferExists(id: "t1"), try tx.ledger.balance(.user("v1", "coins")))
            }
            #expect(request == nil && !moved && balance == 0)
            #expect(try await facts(Orders.changedType).isEmpty)
        }
    }

    @Test(arguments: backends)
    func aReadSeesOneSnapshotAndCannotWrite(_ backend: StoreBackend<any OrderStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (store, _) = try backend.open(tmp)
            let goods = try await Self.listedGoods(store)
            let machine = try Self.machine()
            _ = try await store.write { tx in try tx.insertOrder(goods: goods, viewerID: "v1", machine: machine, due: nil, at: 1) }
            let seen = try await snapshotReads(
                { body in try await store.read(body) }, value: { (tx: any OrderTransaction) in try tx.openCount(viewerID: "v1") },
                during: { _ = try await store.write { tx in try tx.insertOrder(goods: goods, viewerID: "v1", machine: machine, due: nil, at: 2) } })
            #expect(seen.first == 1 && seen.second == 1 && seen.after == 2)
            let refused = await thrown { try await store.read { tx in try tx.saveMachine(machine, at: 3) } }
            #expect(refused != nil)
            let stored = try await store.read { tx in try tx.machine(id: "help-me-play", generation: "gen1") }
            #expect(stored == nil)
        }
    }
}
