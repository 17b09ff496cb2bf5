import Engine
@testable import EngineCore
import EngineTesting
import Foundation
@testable import Scripting
import Testing
@testable import Host

/// Random sequences of everything that touches orders (creations, every action by every actor,
/// operator forces, time passing, sweeps), then the invariants: every ticket held is posted,
/// voided or still held; the ledger balances; viewers' tickets equal what they had less what was
/// posted; the table equals its rebuild from the facts; a final order never changes again.
@Suite("Order sequences")
struct OrderSequenceTests {
    static var seeds: [UInt64] {
        let n = SoakKnobs.count("SHOWRUNNER_ORDER_SEQUENCE_SEEDS", default: 6)
        return (0..<UInt64(n)).map { 0x5EED_0000 + $0 }
    }

    @Test("after any sequence: posted + voided + held = held, balances agree, the table is its facts", arguments: seeds)
    func sequence(seed: UInt64) async throws {
        let steps = SoakKnobs.count("SHOWRUNNER_ORDER_SEQUENCE_STEPS", default: 120)
        let b = try await OrderBed(tickets: 2_000)
        let orders = b.e.engine.orders
        var rng = Scripting.SeededRandom(seed: seed)
        let streamer = Principal(userID: "s1", role: .streamer, expiresAtSeconds: Int64.max)
        let viewers = ["v1", "v2"].map { Principal(userID: $0, role: .viewer, expiresAtSeconds: Int64.max) }
        let staff = Principal(userID: "ops", role: .operator, expiresAtSeconds: Int64.max)
        let machine = try orders.currentMachine()
        let actions = machine.transitions.keys.sorted()
        let states = machine.states.keys.sorted()
        var goods: [Int64] = []
        for (price, stock) in [(Int64(70), Int64?.none), (130, 3), (400, 1)] {
            goods.append(try await b.e.engine.goods.create(streamer: "s1", GoodsEdit(
                title: "g\(price)", game: "chess", region: "eu", priceTickets: price, details: "", stock: stock)).id)
        }
        var created: [Int64] = []
        var finals: [Int64: Order] = [:]
        for step in 0..<steps {
            let pick = rng.next(upTo: 100)
            do {
                switch pick {
                case 0..<25:
                    let viewer = viewers[Int(rng.next(upTo: 2))]
                    let g = goods[Int(rng.next(upTo: Int64(goods.count)))]
                    created.append(try await orders.create(viewer: viewer.userID, NewOrder(goodsID: g, idempotencyKey: "k\(step)")).order.id)
                case 25..<75 where !created.isEmpty:
                    let id = created[Int(rng.next(upTo: Int64(created.count)))]
                    let caller = [streamer, viewers[0], viewers[1], staff][Int(rng.next(upTo: 4))]
                    let action = actions[Int(rng.next(upTo: Int64(actions.count)))]
                    _ = try await orders.act(orderID: id, action: action, caller: caller, OrderActionRequest(idempotencyKey: "a\(step)"))
                case 75..<82 where !created.isEmpty:
                    let id = created[Int(rng.next(upTo: Int64(created.count)))]
                    let to = states[Int(rng.next(upTo: Int64(states.count)))]
                    _ = try await orders.force(orderID: id, by: "ops", OrderActionRequest(idempotencyKey: "f\(step)", reason: "test", to: to))
                case 82..<92:
                    b.clock.advance(byMillis: rng.next(upTo: 4 * 86_400_000))
                default:
                    _ = try await orders.sweep()
                }
            } catch let refusal as any ShowrunnerError {
                // Refusals are expected (wrong actor, wrong state, funds, stock); they move nothing.
                #expect(refusal.kind != .internalFailure, "seed \(seed) step \(step): \(refusal)")
            }
            for id in Set(created) {
                guard let o = try await orders.table().first(where: { $0.id == id }) else { continue }
                if let before = finals[id] { #expect(o == before, "seed \(seed) step \(step): final order \(id) changed") }
                if o.final { finals[id] = o }
            }
        }
        while try await orders.sweep() > 0 {}
        let r = try await orders.reconcile()
        print("order sequence seed \(seed): \(r.orders) orders, posted \(r.posted), voided \(r.voided), held \(r.open), \(finals.count) final")
        #expect(r.isClean, "seed \(seed): \(r.violations)")
        let (ledger, gifts) = try await b.e.engine.ledger.reconcile()
        #expect(ledger.isClean && gifts.isEmpty, "seed \(seed)")
        #expect(try await orders.rebuiltFromJournal() == orders.table(), "seed \(seed)")
        let table = try await orders.table()
        for viewer in ["v1", "v2"] {
            let posted = table.filter { $0.viewerID == viewer && $0.settled == .post }.reduce(Int64(0)) { $0 + $1.priceTickets }
            let held = table.filter { $0.viewerID == viewer && !$0.final }.reduce(Int64(0)) { $0 + $1.priceTickets }
            let t = try await b.tickets(viewer)
            #expect(t.balance == 2_000 - posted && t.balance - t.available == held, "seed \(seed) \(viewer)")
        }
        let revenue = table.filter { $0.settled == .post }.reduce(Int64(0)) { $0 + $1.priceTickets - $1.priceTickets * machine.feeBP / 10_000 }
        #expect(try await b.e.engine.ledger.balance(.user("s1", "revenue")) == revenue, "seed \(seed)")
    }
}
