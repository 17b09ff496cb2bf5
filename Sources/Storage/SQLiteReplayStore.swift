import Books
import Engine
import Foundation
import GRDB
import LiveOps
import Logging

/// `ReplayStore` on SQLite: the engine's `Store` (the scratch copy a replay cuts and reads), or
/// a database file opened read only (the live database, read and copied, never migrated).
public struct SQLiteReplayStore: ReplayStore {
    /// Where the statements run.
    enum Backing: Sendable {
        /// The engine's store: writes through its writer, reads on its readers.
        case store(Store)
        /// A read-only connection to a database file.
        case readOnly(DatabaseQueue)
    }

    let backing: Backing

    /// The replay's store over the engine's `store` (migrated).
    public init(_ store: Store) { backing = .store(store) }

    /// The replay's store over the database file at `path`, opened read only and not migrated:
    /// its `write` throws.
    /// - Throws: a database error when the file cannot be opened.
    public init(readOnlyAt path: String) throws {
        var readOnly = Configuration()
        readOnly.readonly = true
        backing = .readOnly(try DatabaseQueue(path: path, configuration: readOnly))
    }

    public func write<T: Sendable>(_ body: @escaping @Sendable (any ReplayTransaction) throws -> T) async throws -> T {
        switch backing {
        case .store(let store): try await store.write { db in try body(SQLiteReplayTransaction(noLedger: db)) }
        case .readOnly(let queue): try await queue.write { db in try body(SQLiteReplayTransaction(noLedger: db)) }
        }
    }

    public func read<T: Sendable>(_ body: @escaping @Sendable (any ReplayTransaction) throws -> T) async throws -> T {
        switch backing {
        case .store(let store): try await store.read { db in try body(SQLiteReplayTransaction(noLedger: db)) }
        case .readOnly(let queue): try await queue.read { db in try body(SQLiteReplayTransaction(noLedger: db)) }
        }
    }

    public func copy(to path: String) throws {
        let reader: any DatabaseReader
        switch backing {
        case .store(let store): reader = store.pool
        case .readOnly(let queue): reader = queue
        }
        try reader.backup(to: try DatabaseQueue(path: path))
    }
}

/// `ReplayTransaction` on one SQLite connection: the journal, ledger transfers, consumer
/// cursors and the live-ops tables. Opened without the ledger (a replay moves no money).
final class SQLiteReplayTransaction: SQLiteTransaction, ReplayTransaction {
    // MARK: The window

    func firstOffset(createdFrom ms: Int64) throws -> Int64? {
        try Int64.fetchOne(db, sql: "SELECT MIN(offset) FROM journal WHERE created_at >= ?", arguments: [ms])
    }

    func lastOffset(createdBefore ms: Int64) throws -> Int64? {
        try Int64.fetchOne(db, sql: "SELECT MAX(offset) FROM journal WHERE created_at < ?", arguments: [ms])
    }

    func journalRows(from first: Int64, through last: Int64) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM journal WHERE offset >= ? AND offset <= ?", arguments: [first, last]) ?? 0
    }

    func latestTransferSeq() throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(seq), 0) FROM ledger_transfers") ?? 0
    }

    // MARK: Cutting the copy

    func cutJournal(after offset: Int64) throws {
        try db.execute(sql: "DELETE FROM journal WHERE offset > ?", arguments: [offset])
        try SQLiteGiftKeys.cut(db, after: offset)
    }

    func deleteFacts(types: [String], from offset: Int64) throws {
        guard !types.isEmpty else { return }
        try db.execute(sql: "DELETE FROM journal WHERE offset >= ? AND \(Journal.typeCondition(types))", arguments: [offset] + StatementArguments(types))
    }

    func clearIdempotencyKeys(types: [String]) throws {
        guard !types.isEmpty else { return }
        try db.execute(sql: "UPDATE journal SET idempotency_key = NULL WHERE \(Journal.typeCondition(types))", arguments: StatementArguments(types))
    }

    func clearLiveOpsState() throws {
        let tables = [
            "leaderboard_periods", "leaderboard_scores", "activity_runs", "task_progress", "chest_progress", "consumer_failures", "parked_events",
        ]
        for table in tables {
            try db.execute(sql: "DELETE FROM \(table)")
        }
    }

    func rewindConsumer(_ name: String, to offset: Int64) throws {
        try db.execute(
            sql: """
                INSERT INTO consumer_cursors (name, offset, fact_index) VALUES (?, ?, NULL)
                ON CONFLICT (name) DO UPDATE SET offset = excluded.offset, fact_index = NULL
                """,
            arguments: [name, offset])
    }

    // MARK: What the replay compares

    func boardKeys() throws -> [BoardKey] {
        try Row.fetchAll(db, sql: "SELECT scope, board, period FROM leaderboard_periods ORDER BY scope, board, period")
            .map { BoardKey(scope: $0["scope"], board: $0["board"], period: $0["period"]) }
    }

    func rewardTotals(idPrefixes: [String], afterSeq seq: Int64) throws -> [ReplayRewardTotal] {
        try rewardTotals(idPrefixes: idPrefixes, condition: "t.seq > ?", [seq])
    }

    func rewardTotals(idPrefixes: [String], from: Int64, to: Int64) throws -> [ReplayRewardTotal] {
        try rewardTotals(idPrefixes: idPrefixes, condition: "t.ts >= ? AND t.ts < ?", [from, to])
    }

    private func rewardTotals(idPrefixes: [String], condition: String, _ args: [Int64]) throws -> [ReplayRewardTotal] {
        let prefixes = idPrefixes.map { "t.id LIKE '\($0)%'" }.joined(separator: " OR ")
        return try Row.fetchAll(
            db,
            sql: """
                SELECT c.id AS credit_account, t.asset, SUM(t.amount) AS amount, COUNT(*) AS n
                FROM ledger_transfers t JOIN ledger_accounts c ON c.num = t.credit
                WHERE (\(prefixes)) AND t.kind = 'posted' AND \(condition)
                GROUP BY c.id, t.asset ORDER BY c.id, t.asset
                """,
            arguments: StatementArguments(args)
        ).map { ReplayRewardTotal(account: $0["credit_account"], asset: $0["asset"], amount: $0["amount"], transfers: $0["n"]) }
    }

    func completions(type: String, afterOffset offset: Int64) throws -> [WhatIfReplay.CompletionLine] {
        try completions(type: type, condition: "offset > ?", [offset])
    }

    func completions(type: String, from: Int64, to: Int64) throws -> [WhatIfReplay.CompletionLine] {
        try completions(type: type, condition: "created_at >= ? AND created_at < ?", [from, to])
    }

    private func completions(type: String, condition: String, _ args: [Int64]) throws -> [WhatIfReplay.CompletionLine] {
        try Row.fetchAll(
            db,
            sql: """
                WITH facts (offset, created_at, payload) AS (
                    SELECT offset, created_at, payload FROM journal WHERE \(Journal.typeCondition([type])) AND facts IS NULL
                    UNION ALL
                    SELECT journal.offset, json_extract(e.value, '$[0]'), json_extract(e.value, '$[1]')
                    FROM journal, json_each(journal.payload) AS e WHERE \(Journal.typeCondition([type], column: "journal.type")) AND journal.facts IS NOT NULL
                )
                SELECT json_extract(payload, '$.task_id') AS task, json_extract(payload, '$.stage') AS stage, COUNT(*) AS n
                FROM facts WHERE \(condition) GROUP BY task, stage ORDER BY task, stage
                """,
            // The type for each part of `facts`, then the condition's.
            arguments: StatementArguments([type, type] as [any DatabaseValueConvertible] + args.map { $0 as any DatabaseValueConvertible })
        ).map { WhatIfReplay.CompletionLine(task: $0["task"], stage: $0["stage"], users: $0["n"]) }
    }
}
