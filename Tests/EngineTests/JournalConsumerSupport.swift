@testable import Books
import GRDB
@testable import Storage
import Synchronization
@testable import Engine

/// Thrown by `ScriptedConsumer` to simulate a crash in the middle of a batch.
struct SimulatedCrash: FatalConsumerError {}

/// Thrown by `ScriptedConsumer` for a poison entry.
struct PoisonError: Error, CustomStringConvertible {
    let offset: Int64
    var description: String { "poison at \(offset)" }
}

/// What a `ScriptedConsumer` does, changeable while it runs.
final class ConsumerScript: Sendable {
    struct State {
        var crashAt: Int64?
        var poison: Set<Int64> = []
        var calls: [Int64: Int] = [:]
    }

    let state: Mutex<State>

    init(crashAt: Int64? = nil, poison: Set<Int64> = []) {
        state = Mutex(State(crashAt: crashAt, poison: poison))
    }

    func calls(at offset: Int64) -> Int { state.withLock { $0.calls[offset] ?? 0 } }
    func heal() { state.withLock { $0.poison = []; $0.crashAt = nil } }

    func check(_ entry: JournalEntry) throws {
        let (crash, poison) = state.withLock { state in
            state.calls[entry.offset, default: 0] += 1
            return (state.crashAt == entry.offset, state.poison.contains(entry.offset))
        }
        if crash { throw SimulatedCrash() }
        if poison { throw PoisonError(offset: entry.offset) }
    }
}

/// A consumer whose effect is one row in `test_effects` per applied entry.
struct ScriptedConsumer: JournalConsumer {
    let name: String
    var types: Set<String>? = nil
    var script = ConsumerScript()

    func apply(_ entry: JournalEntry, in tx: any StoreTransaction) throws {
        let db = tx.sqliteDatabase
        try script.check(entry)
        try db.execute(
            sql: "INSERT INTO test_effects (consumer, offset) VALUES (?, ?)", arguments: [name, entry.offset])
    }
}

extension Store {
    /// Creates the consumers' effect table and appends `count` entries of `type`.
    func seed(_ count: Int, type: String = "tick") async throws {
        try await write { db in
            try db.execute(sql: "CREATE TABLE IF NOT EXISTS test_effects (consumer TEXT NOT NULL, offset INTEGER NOT NULL)")
            for i in 0..<count { _ = try Journal.append(db, type: type, payload: Counter(i: i), at: 1) }
        }
    }

    /// Offsets with an effect of `consumer`, ascending, repeats kept.
    func effects(of consumer: String) async throws -> [Int64] {
        try await read { db in
            try Int64.fetchAll(db, sql: "SELECT offset FROM test_effects WHERE consumer = ? ORDER BY offset", arguments: [consumer])
        }
    }
}
