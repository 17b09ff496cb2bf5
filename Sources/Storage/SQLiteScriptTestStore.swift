import Books
import Engine
import GRDB
import Scripting

/// `ScriptTestStore` on the SQLite store: the journal, `parked_events` and `fan_medals`, in the
/// store's transactions, with `ledger` behind their `ledger` part.
package struct SQLiteScriptTestStore: ScriptTestStore {
    let store: Store
    let ledger: Ledger

    /// - Parameters: store: the database, migrated; ledger: the ledger of the transactions'
    ///   `ledger` part.
    package init(_ store: Store, ledger: Ledger) {
        self.store = store
        self.ledger = ledger
    }

    package func write<T: Sendable>(_ body: @escaping @Sendable (any ScriptTestTransaction) throws -> T) async throws -> T {
        let ledger = self.ledger
        return try await store.write({ db in SQLiteScriptTestTransaction(db: db, ledger: ledger) }, { tx in try body(tx) })
    }

    package func read<T: Sendable>(_ body: @escaping @Sendable (any ScriptTestTransaction) throws -> T) async throws -> T {
        let ledger = self.ledger
        return try await store.read({ db in SQLiteScriptTestTransaction(db: db, ledger: ledger) }, { tx in try body(tx) })
    }
}

/// `ScriptTestTransaction` on one SQLite connection.
final class SQLiteScriptTestTransaction: SQLiteTransaction, ScriptTestTransaction {
    func parkedEvents(after id: Int64) throws -> [ParkedEvent] {
        try Row.fetchAll(db, sql: "SELECT * FROM parked_events WHERE id > ? ORDER BY id", arguments: [id]).map(ParkedEvent.init(row:))
    }

    func journalPayloads(type: String, limit: Int) throws -> [String] {
        let rows = try Row.fetchAll(
            db, sql: "SELECT offset, payload, facts FROM journal WHERE \(Journal.typeCondition([type])) ORDER BY offset LIMIT ?",
            arguments: [type, limit])
        var payloads: [String] = []
        for row in rows where payloads.count < limit {
            let facts = try Journal.entries(offset: row[0], type: type, payload: row[1], createdAt: 0, key: nil, facts: row[2])
            payloads += facts.prefix(limit - payloads.count).map(\.payload)
        }
        return payloads
    }

    func fanMedal(viewer: String, streamer: String, day: String) throws -> FanMedals.Medal? {
        try SQLitePrivilegeStore.medal(db, viewer: viewer, streamer: streamer, day: day)
    }

    func gateReads(_ gates: QueueGates) -> any ScriptReads {
        LedgerReads(db: db, ledger: gates.ledger, calendar: gates.calendar)
    }
}
