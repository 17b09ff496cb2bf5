@testable import Books
import EngineTesting
import GRDB
@testable import Scripting
@testable import Storage
import Testing
@testable import Engine

/// One seeded run: a real ledger, a model, and the chains submitted so far.
struct LedgerPropertyRun {
    struct Abort: Error {}

    let database: TemporaryDatabase
    var store: Store
    var ledger: Ledger
    let clock = ManualClock()
    var model = LedgerModel()
    var rng: SeededRandom
    var history: [[LedgerOperation]: Result<[Transfer], LedgerError>] = [:]
    var chains: [[LedgerOperation]] = []
    var pendingIDs: [String] = []
    var movedIDs: [String] = []
    var counter = 0

    init(seed: UInt64) throws {
        database = try TemporaryDatabase()
        store = try database.openStore(synchronous: .off)
        ledger = Ledger(store: store, clock: clock)
        rng = SeededRandom(seed: seed)
    }

    /// Advances the clock and runs one random action; returns its name.
    mutating func step() async throws -> String {
        clock.advance(byMillis: 10 * Int64.random(in: 0...4, using: &rng))
        model.nowMillis = clock.nowMillis()
        switch Int.random(in: 0..<100, using: &rng) {
        case 0..<16: try await submit([topUp()]); return "top-up"
        case 16..<32: try await submit([userTransfer()]); return "transfer"
        case 32..<46: try await submit(gift()); return "gift"
        case 46..<54: try await submit([pending()]); return "pending"
        case 54..<62: try await submit([post()]); return "post"
        case 62..<66: try await submit([void()]); return "void"
        case 66..<74: try await submit([reverse()]); return "reverse"
        case 74..<82: try await retry(); return "retry"
        case 82..<86: try await conflict(); return "conflict"
        case 86..<90: try await crash(); return "crash"
        case 90..<95: try await aborted(); return "aborted"
        default: try await sweep(); return "sweep"
        }
    }

    /// Submits a chain and checks the outcome against the model's prediction.
    mutating func submit(_ chain: [LedgerOperation]) async throws {
        let expected = model.apply(chain)
        let outcome: Result<[Transfer], LedgerError>
        do {
            outcome = .success(try await ledger.run(chain))
        } catch let error as LedgerError {
            outcome = .failure(error)
        }
        switch outcome {
        case .success(let transfers):
            #expect(expected == nil, "ledger accepted \(chain.map(\.id)); model expected \(String(describing: expected))")
            #expect(transfers.map(\.id) == chain.map(\.id))
            #expect(zip(transfers, transfers.dropFirst()).allSatisfy { $0.ts < $1.ts && $0.seq < $1.seq })
            for transfer in transfers {
                switch transfer.kind {
                case .pending: pendingIDs.append(transfer.id)
                case .posted, .post: movedIDs.append(transfer.id)
                case .void, .expire: break
                }
            }
        case .failure(let error):
            #expect(expected == error.reason, "ledger refused \(chain.map(\.id)) with \(error); model expected \(String(describing: expected))")
        }
        history[chain] = outcome
        chains.append(chain)
    }

    /// The same chain again: exactly the first outcome, and no change.
    mutating func retry() async throws {
        guard let chain = chains.randomElement(using: &rng) else { return }
        do {
            let again = try await ledger.run(chain)
            #expect(history[chain] == .success(again))
        } catch let error as LedgerError {
            #expect(history[chain] == .failure(error))
        }
    }

    /// A used key with another body: a conflict, and no change.
    mutating func conflict() async throws {
        guard var chain = chains.randomElement(using: &rng) else { return }
        if case .transfer(var request) = chain[0] {
            request.amount += 1
            chain[0] = .transfer(request)
        } else {
            chain[0] = .void(id: chain[0].id, pendingID: "other")
        }
        #expect(await ledgerReason { try await ledger.run(chain) } == .idempotencyConflict)
    }

    /// Closes the store and reopens the same file.
    mutating func crash() async throws {
        try store.close()
        store = try database.openStore(synchronous: .off)
        ledger = Ledger(store: store, clock: clock)
    }

    /// Applies a chain in a transaction that then fails: nothing may remain, so the same chain
    /// submitted for real behaves as if it were new.
    mutating func aborted() async throws {
        let chain = Bool.random(using: &rng) ? gift() : [userTransfer()]
        let (store, ledger, now) = (store, ledger, clock.nowMillis())
        await #expect(throws: Abort.self) {
            try await store.write { db in
                _ = try? ledger.apply(db, operations: chain, now: now)
                throw Abort()
            }
        }
        try await submit(chain)
    }

    /// Expires due reservations: only those the model says are due, and no balance moves.
    mutating func sweep() async throws {
        for expired in try await ledger.expirePending() {
            let hold = try #require(model.open[expired.pendingID ?? ""])
            #expect(model.isDue(hold) && expired.amount == hold.amount)
        }
    }
}
