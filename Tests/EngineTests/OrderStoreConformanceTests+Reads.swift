@testable import EngineCore
import EngineTesting
@testable import Rooms
@testable import Scripting
import Testing
@testable import Engine

extension OrderStoreConformanceTests {
    @Test(arguments: backends)
    func listsAreByIdFilteredAndLimitedAndDueQueriesSoonestFirst(_ backend: StoreBackend<any OrderStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (store, _) = try backend.open(tmp)
            let g1 = try await Self.listedGoods(store, streamer: "s1")
            let g2 = try await Self.listedGoods(store, streamer: "s2")
            let machine = try Self.machine()
            let o = try await store.write { tx in
                let o = [
                    try tx.insertOrder(goods: g1, viewerID: "v1", machine: machine, due: (at: 300, action: "cancel"), at: 10),
                    try tx.insertOrder(goods: g2, viewerID: "v1", machine: machine, due: (at: 200, action: "cancel"), at: 20),
                    try tx.insertOrder(goods: g1, viewerID: "v2", machine: machine, due: (at: 200, action: "cancel"), at: 30),
                    try tx.insertOrder(goods: g1, viewerID: "v1", machine: machine, due: (at: 100, action: "cancel"), at: 40),
                ]
                for (id, expiresAt) in zip(o, [Int64(5_000), 4_000, 5_000, 1_000]) {
                    try tx.setHold(orderID: id, holdID: "order:\(id):hold:1", expiresAt: expiresAt)
                }
                _ = try tx.moveState(
                    orderID: o[2], from: ["waiting"], to: "playing", final: false, settled: nil, due: (at: 200, action: "cancel"), updatedAt: 50,
                    enteredAt: 50)
                // A final order, its timeout and hold left as they were: it is no longer open.
                _ = try tx.moveState(
                    orderID: o[3], from: ["waiting"], to: "done", final: true, settled: .post, due: (at: 100, action: "cancel"), updatedAt: 60,
                    enteredAt: 60)
                return o
            }
            #expect(o == o.sorted() && Set(o).count == 4)
            func ids(_ filter: OrderFilter, after: Int64 = 0, limit: Int = 10) async throws -> [Int64] {
                try await store.read { tx in try tx.orders(filter, after: after, limit: limit) }.map(\.id)
            }
            let all = try await store.read { tx in try tx.allOrders() }.map(\.id)
            #expect(all == o)
            #expect(try await ids(OrderFilter(), limit: 4) == o)
            #expect(try await ids(OrderFilter(), limit: 3) == Array(o[0...2]))
            #expect(try await ids(OrderFilter(), after: o[1]) == [o[2], o[3]])
            #expect(try await ids(OrderFilter(), after: o[3]) == [])
            #expect(try await ids(OrderFilter(state: "waiting")) == [o[0], o[1]])
            #expect(try await ids(OrderFilter(viewerID: "v1")) == [o[0], o[1], o[3]])
            #expect(try await ids(OrderFilter(streamerID: "s2")) == [o[1]])
            #expect(try await ids(OrderFilter(createdBefore: 20)) == [o[0], o[1]], "created at the time counts")
            #expect(try await ids(OrderFilter(viewerID: "v1", streamerID: "s1")) == [o[0], o[3]])
            #expect(try await ids(OrderFilter(state: "done", viewerID: "v2")) == [])

            let open = try await store.read { tx in try ["v1", "v2", "v3"].map { try tx.openCount(viewerID: $0) } }
            #expect(open == [2, 1, 0])

            // Due by `now` inclusive, soonest first, ties by id; final orders never.
            func due(_ now: Int64, _ limit: Int) async throws -> [Int64] { try await store.read { tx in try tx.dueOrderIDs(at: now, limit: limit) } }
            #expect(try await due(199, 10) == [])
            #expect(try await due(200, 10) == [o[1], o[2]])
            #expect(try await due(300, 3) == [o[1], o[2], o[0]])
            #expect(try await due(300, 2) == [o[1], o[2]])
            func holdEnding(_ by: Int64, _ limit: Int) async throws -> [Int64] {
                try await store.read { tx in try tx.holdEndingOrderIDs(by: by, limit: limit) }
            }
            #expect(try await holdEnding(3_999, 10) == [])
            #expect(try await holdEnding(4_000, 10) == [o[1]])
            #expect(try await holdEnding(5_000, 3) == [o[1], o[0], o[2]])
            #expect(try await holdEnding(5_000, 2) == [o[1], o[0]])
        }
    }

    @Test(arguments: backends)
    func anOrderWithoutAHoldHasNoHoldEnding(_ backend: StoreBackend<any OrderStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (store, _) = try backend.open(tmp)
            let goods = try await Self.listedGoods(store)
            let machine = try Self.machine()
            _ = try await store.write { tx in try tx.insertOrder(goods: goods, viewerID: "v1", machine: machine, due: nil, at: 1) }
            // `insertOrder` writes "no hold yet"; `holdEndingOrderIDs` lists orders "whose hold ends by `by`".
            let ending = try await store.read { tx in try tx.holdEndingOrderIDs(by: 10_000, limit: 10) }
            #expect(ending == [], "an order without its hold yet is not one whose hold has ended")
        }
    }

    @Test(arguments: backends)
    func anOrderReadsAndChangesTheOtherDomainsRowsInItsTransaction(_ backend: StoreBackend<any OrderStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (store, _) = try backend.open(tmp)
            let neighbours = try Self.neighbours(store)
            let goods = try await Self.listedGoods(store)
            let (same, none) = try await store.read { tx in (try tx.goods(id: goods.id), try tx.goods(id: goods.id + 1)) }
            #expect(same == goods && none == nil)
            var two = goods.goods
            two.stock = 2
            try await store.write { [two] tx in try tx.updateGoods(id: goods.id, two, updatedAt: 50) }
            var changed = goods
            changed.goods = two
            changed.updatedAt = 50
            let restocked = try await store.read { tx in try tx.goods(id: goods.id) }
            #expect(restocked == changed)
            var one = two
            one.stock = 1
            try await store.write { [one] tx in try tx.updateGoods(id: goods.id, one, updatedAt: nil) }
            changed.goods = one
            let untimed = try await store.read { tx in try tx.goods(id: goods.id) }
            #expect(untimed == changed, "without a time the good's time stays")
            let asGoodsSeeIt = try await neighbours.goodsStore.read { tx in try tx.goods(id: goods.id) }
            #expect(asGoodsSeeIt == changed)

            for (id, streamer) in [("r-b", "s1"), ("r-a", "s1"), ("r-c", "s2")] {
                _ = try await neighbours.roomStore.insert(Room(id: id, streamerID: streamer, title: "T", category: "games", createdAt: 1))
            }
            let rooms = try await store.read { tx in
                [try tx.roomIDs(streamerID: "s1", limit: 2), try tx.roomIDs(streamerID: "s1", limit: 1), try tx.roomIDs(streamerID: "s3", limit: 10)]
            }
            #expect(rooms == [["r-a", "r-b"], ["r-a"], []])
            let room = Room(id: "r-a", streamerID: "s1", title: "T", category: "games", createdAt: 1)
            func follows() async throws -> [Bool] {
                try await store.read { tx in [try tx.follows(viewer: "v1", streamer: "s1"), try tx.follows(viewer: "v1", streamer: "s2")] }
            }
            #expect(try await follows() == [false, false])
            _ = try await neighbours.followStore.follow(viewer: "v1", room: room, at: 5, followsMax: 10)
            #expect(try await follows() == [true, false])

            // A hook's reads see the transaction's own writes.
            let calendar = OperationsCalendar()
            let reads = try await store.write { tx in
                let hook = tx.hookReads(calendar: calendar)
                let before = try hook.fanMedal(viewer: "v1", streamer: "s1", now: 1_000)
                _ = try tx.ledger.apply([coinsTopUp("t1", "v1", 70)], now: 1_000)
                try tx.fanMedals.add(
                    viewer: "v1", streamer: "s1", points: 12, rule: FanMedals.Rule(dailyCap: 100, levels: [10, 20]),
                    day: calendar.key(.daily, at: 1_000), now: 1_000)
                return [before, .integer(try hook.balance(user: "v1", asset: "coins")), .boolean(try hook.follows(viewer: "v1", streamer: "s1")),
                    try hook.fanMedal(viewer: "v1", streamer: "s1", now: 1_000)]
            }
            let medal = LuaValue.table(LuaTable(fields: ["level": .integer(1), "points": .integer(12), "today": .integer(12)]))
            #expect(reads == [.nil, .integer(70), .boolean(true), medal])
            _ = try await neighbours.followStore.unfollow(viewer: "v1", room: room, at: 6)
            #expect(try await follows() == [false, false])
        }
    }

    @Test(arguments: backends)
    func holdRecordsTransfersAndFactsAreReadForReconciliation(_ backend: StoreBackend<any OrderStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (store, _) = try backend.open(tmp)
            let goods = try await Self.listedGoods(store, price: 30)
            let machine = try Self.machine()
            let none = try await store.read { tx in try tx.holdRecords() }
            #expect(none == [])
            let ids = try await store.write { tx in
                let open = try tx.insertOrder(goods: goods, viewerID: "v1", machine: machine, due: nil, at: 1)
                try tx.setHold(orderID: open, holdID: "order:\(open):hold:1", expiresAt: 100)
                let closed = try tx.insertOrder(goods: goods, viewerID: "v2", machine: machine, due: nil, at: 2)
                try tx.renewHold(orderID: closed, holdID: "order:\(closed):hold:2", expiresAt: 200, holds: 2)
                _ = try tx.moveState(
                    orderID: closed, from: ["waiting"], to: "cancelled", final: true, settled: .void, due: nil, updatedAt: 3, enteredAt: 3)
                return [open, closed]
            }
            let records = try await store.read { tx in try tx.holdRecords() }
            #expect(records == [
                OrderHoldRecord(orderID: ids[0], priceTickets: 30, final: false, settled: nil, holdID: "order:\(ids[0]):hold:1", holds: 1),
                OrderHoldRecord(orderID: ids[1], priceTickets: 30, final: true, settled: .void, holdID: "order:\(ids[1]):hold:2", holds: 2),
            ])
            let before = try await store.read { tx in try tx.transferAmount(id: "t1") }
            #expect(before == nil)
            _ = try await store.write { tx in try tx.ledger.apply([coinsTopUp("t1", "v1", 45)], now: 4) }
            let moved = try await store.read { tx in try tx.transferAmount(id: "t1") }
            #expect(moved == 45)

            try await store.write { tx in
                try tx.journal.append(type: Orders.changedType, payload: ["n": 1], at: 5)
                try tx.journal.append(type: "other", payload: ["n": 2], at: 5)
                try tx.journal.append(type: Orders.holdRenewedType, payload: ["n": 3], at: 5)
                try tx.journal.append(type: Orders.changedType, payload: ["n": 4], at: 5)
            }
            let seen = try await store.read { tx in
                var seen: [String] = []
                try tx.journalFacts(types: [Orders.changedType, Orders.holdRenewedType]) { type, payload in seen.append("\(type) \(payload)") }
                return seen
            }
            #expect(seen == [
                #"order_changed {"n":1}"#, #"order_hold_renewed {"n":3}"#, #"order_changed {"n":4}"#,
            ])
            let noneOfThatType = try await store.read { tx in
                var count = 0
                try tx.journalFacts(types: ["none"]) { _, _ in count += 1 }
                return count
            }
            #expect(noneOfThatType == 0)
        }
    }
}
