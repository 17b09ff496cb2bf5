import Foundation
import GRDB
import Logging

/// What-if replay: runs a candidate scripts folder over the recorded journal of a time window,
/// in a scratch copy of the database, and reports the leaderboards, rewards and task
/// completions it produced next to what the live generation produced in that window. Live data
/// is only read.
///
/// The candidate starts the window with empty activity and task state (boards, chest and task
/// progress): it answers "what would these rules have produced from these facts". Facts that
/// activities and tasks derive (`task_completed`, `chest_opened`, period closes, activity ends)
/// are dropped from the copy inside the window so the candidate derives its own; everything
/// after the window is dropped too, so nothing past `to` is seen.
public enum WhatIfReplay {
    /// Fact types the activity and task consumers derive themselves.
    static let derivedTypes = [
        Tasks.completedType, Activities.chestOpenedType, Activities.periodClosedType, Activities.activityEndedType,
    ]
    /// Transfer id prefixes of rewards paid by activities (grants and chests).
    static let rewardPrefixes = ["activity:", "chest:"]
    /// Rows shown per board period.
    public static let rowsPerBoard = 10

    /// A replay's inputs.
    public struct Options: Sendable {
        public var databasePath: String
        public var scriptsPath: String
        public var from: Int64
        public var to: Int64
        public var calendar: OperationsCalendar
        /// - Parameters: databasePath: the live database (read only); scriptsPath: the candidate;
        ///   from, to: the window in ms (to exclusive); calendar: the operations time zone.
        public init(databasePath: String, scriptsPath: String, from: Int64, to: Int64, calendar: OperationsCalendar = OperationsCalendar()) {
            self.databasePath = databasePath
            self.scriptsPath = scriptsPath
            self.from = from
            self.to = to
            self.calendar = calendar
        }
    }

    /// One board period's top rows.
    public struct Board: Sendable, Encodable, Equatable {
        public let activity: String
        public let board: String
        public let period: String
        public let members: Int
        public let rows: [RankedRow]
    }

    /// Rewards paid to one user in one asset.
    public struct RewardLine: Sendable, Encodable, Equatable {
        public let user: String
        public let asset: String
        public let amount: Int64
        public let transfers: Int
    }

    /// How many users completed one stage of one task.
    public struct CompletionLine: Sendable, Encodable, Equatable {
        public let task: String
        public let stage: Int
        public let users: Int
    }

    /// What one side (candidate or live) produced in the window.
    public struct Side: Sendable, Encodable, Equatable {
        public let boards: [Board]
        public let rewards: [RewardLine]
        public let completions: [CompletionLine]
    }

    /// The report.
    public struct Outcome: Sendable, Encodable {
        public let from: Int64
        public let to: Int64
        public let entries: Int
        public let candidateGeneration: String
        public let candidate: Side
        public let live: Side
        /// Handler failures of the candidate (entries it would have parked), first 20.
        public let errors: [String]
        enum CodingKeys: String, CodingKey {
            case from, to, entries, candidate, live, errors
            case candidateGeneration = "candidate_generation"
        }
    }

    /// Runs the replay.
    /// - Throws: `GenerationRejected` when the candidate does not load; `RequestError` for a bad
    ///   window or a missing database; storage errors.
    public static func run(_ options: Options, logger: Logger) async throws -> Outcome {
        guard options.from < options.to else { throw RequestError("invalid_window", .badRequest, "--from must be before --to") }
        guard FileManager.default.fileExists(atPath: options.databasePath) else {
            throw RequestError("database_not_found", .notFound, "no database at \(options.databasePath)")
        }
        var readOnly = Configuration()
        readOnly.readonly = true
        let live = try DatabaseQueue(path: options.databasePath, configuration: readOnly)
        let scratchDir = FileManager.default.temporaryDirectory.appendingPathComponent("showrunner-replay-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratchDir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratchDir) }
        let scratchPath = scratchDir.appendingPathComponent("scratch.sqlite").path
        try live.backup(to: try DatabaseQueue(path: scratchPath))

        // The server's wiring (`EngineParts.open`) on the scratch copy, with only the live-ops
        // consumers, one attempt per event, and the candidate scripts.
        var engineOptions = EngineOptions(databasePath: scratchPath, scriptsPath: options.scriptsPath)
        engineOptions.synchronous = .off
        engineOptions.calendar = options.calendar
        engineOptions.archivesGenerations = false
        engineOptions.consumers = .liveOps
        engineOptions.consumerAttemptsMax = 1
        let engine = try EngineParts.open(engineOptions, logger: logger)
        let (store, scripts, activities) = (engine.store, engine.scripts, engine.activities)
        let report = await scripts.reload(trigger: "replay")
        guard report.ok, let generation = scripts.current else { throw GenerationRejected(problems: report.problems) }

        let (window, seqBefore) = try await store.write { db in try prepare(db, options) }
        try await activities.load()
        let runner = engine.consumers
        _ = try await runner.drain()

        let ids = Set(activities.definitions().map(\.id))
        let candidate = try await store.read { db in
            Side(
                boards: try boards(db, ids: ids, calendar: options.calendar),
                rewards: try rewards(db, sql: "seq > ?", seqBefore),
                completions: try completions(db, sql: "offset > ?", window.last))
        }
        let liveSide = try await live.read { db in
            Side(
                boards: try boards(db, ids: ids, calendar: options.calendar),
                rewards: try rewards(db, sql: "ts >= ? AND ts < ?", options.from * 1000, options.to * 1000),
                completions: try completions(db, sql: "created_at >= ? AND created_at < ?", options.from, options.to))
        }
        let errors = try await runner.parked(limit: 20).map { "offset \($0.offset): \($0.error)" }
        return Outcome(
            from: options.from, to: options.to, entries: window.count, candidateGeneration: String(generation.hash.prefix(12)),
            candidate: candidate, live: liveSide, errors: errors)
    }

    /// Cuts the copy to the window and clears the state the candidate rebuilds.
    private static func prepare(_ db: Database, _ o: Options) throws -> (window: (count: Int, last: Int64), seqBefore: Int64) {
        let first = try Int64.fetchOne(db, sql: "SELECT MIN(offset) FROM journal WHERE created_at >= ?", arguments: [o.from])
        let last = try Int64.fetchOne(db, sql: "SELECT MAX(offset) FROM journal WHERE created_at < ?", arguments: [o.to]) ?? 0
        let start = first ?? (last + 1)
        let types = derivedTypes.map { "'\($0)'" }.joined(separator: ", ")
        try db.execute(sql: "DELETE FROM journal WHERE offset > ?", arguments: [last])
        try SQLiteGiftKeys.cut(db, after: last)
        try db.execute(sql: "DELETE FROM journal WHERE offset >= ? AND type IN (\(types))", arguments: [start])
        try db.execute(sql: "UPDATE journal SET idempotency_key = NULL WHERE type IN (\(types))")
        for table in ["leaderboard_periods", "leaderboard_scores", "activity_runs", "task_progress", "chest_progress", "consumer_failures", "parked_events"] {
            try db.execute(sql: "DELETE FROM \(table)")
        }
        for name in ["activities", "tasks"] {
            try db.execute(
                sql: """
                    INSERT INTO consumer_cursors (name, offset, fact_index) VALUES (?, ?, NULL)
                    ON CONFLICT (name) DO UPDATE SET offset = excluded.offset, fact_index = NULL
                    """,
                arguments: [name, start - 1])
        }
        let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM journal WHERE offset >= ? AND offset <= ?", arguments: [start, last]) ?? 0
        let seq = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(seq), 0) FROM ledger_transfers") ?? 0
        return ((count, last), seq)
    }

    private static func boards(_ db: Database, ids: Set<String>, calendar: OperationsCalendar) throws -> [Board] {
        let book = Leaderboards()
        try book.load(db)
        let keys = try Row.fetchAll(db, sql: "SELECT scope, board, period FROM leaderboard_periods ORDER BY scope, board, period")
            .map { BoardKey(scope: $0["scope"], board: $0["board"], period: $0["period"]) }
            .filter { ids.contains($0.scope) }
        return keys.map { k in
            Board(activity: k.scope, board: k.board, period: k.period, members: book.count(k), rows: book.top(k, rowsPerBoard))
        }
    }

    private static func rewards(_ db: Database, sql condition: String, _ args: Int64...) throws -> [RewardLine] {
        let prefixes = rewardPrefixes.map { "id LIKE '\($0)%'" }.joined(separator: " OR ")
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT credit_account, asset, SUM(amount) AS amount, COUNT(*) AS n FROM ledger_transfers
                WHERE (\(prefixes)) AND kind = 'posted' AND \(condition)
                GROUP BY credit_account, asset ORDER BY credit_account, asset
                """,
            arguments: StatementArguments(args))
        return rows.map { row in
            let account: String = row["credit_account"]
            var user = account
            if let id = try? AccountID(parsing: account), case .user(let u) = id.owner { user = u }
            return RewardLine(user: user, asset: row["asset"], amount: row["amount"], transfers: row["n"])
        }
    }

    private static func completions(_ db: Database, sql condition: String, _ args: Int64...) throws -> [CompletionLine] {
        try Row.fetchAll(
            db,
            sql: """
                WITH facts (offset, created_at, payload) AS (
                    SELECT offset, created_at, payload FROM journal WHERE type = ?1 AND facts IS NULL
                    UNION ALL
                    SELECT journal.offset, json_extract(e.value, '$[0]'), json_extract(e.value, '$[1]')
                    FROM journal, json_each(journal.payload) AS e WHERE journal.type = ?1 AND journal.facts IS NOT NULL
                )
                SELECT json_extract(payload, '$.task_id') AS task, json_extract(payload, '$.stage') AS stage, COUNT(*) AS n
                FROM facts WHERE \(condition) GROUP BY task, stage ORDER BY task, stage
                """,
            arguments: StatementArguments([Tasks.completedType as any DatabaseValueConvertible] + args.map { $0 as any DatabaseValueConvertible })
        ).map { CompletionLine(task: $0["task"], stage: $0["stage"], users: $0["n"]) }
    }
}
