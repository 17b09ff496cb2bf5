import EngineCore
import Foundation
import Logging
import Scripting

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

    /// Checks the window of `options`.
    /// - Throws: `RequestError` `invalid_window` unless `from` is before `to`.
    static func checkWindow(_ options: Options) throws {
        guard options.from < options.to else { throw RequestError("invalid_window", .badRequest, "--from must be before --to") }
    }

    /// Runs the replay over `live` (only read and copied; `options.databasePath` is not opened
    /// here), with `scratch` the replay's store over the engine opened on the copy.
    /// - Throws: `GenerationRejected` when the candidate does not load; `RequestError` for a bad
    ///   window; storage errors.
    public static func run(
        _ options: Options, live: any ReplayStore, scratch: (Store) -> any ReplayStore, logger: Logger
    ) async throws -> Outcome {
        try checkWindow(options)
        let scratchDir = FileManager.default.temporaryDirectory.appendingPathComponent("showrunner-replay-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratchDir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratchDir) }
        let scratchPath = scratchDir.appendingPathComponent("scratch.sqlite").path
        try live.copy(to: scratchPath)

        // The server's wiring (`EngineParts.open`) on the scratch copy, with only the live-ops
        // consumers, one attempt per event, and the candidate scripts.
        var engineOptions = EngineOptions(databasePath: scratchPath, scriptsPath: options.scriptsPath)
        engineOptions.synchronous = .off
        engineOptions.calendar = options.calendar
        engineOptions.archivesGenerations = false
        engineOptions.consumers = .liveOps
        engineOptions.consumerAttemptsMax = 1
        let engine = try EngineParts.open(engineOptions, logger: logger)
        let (store, scripts, activities) = (scratch(engine.store), engine.scripts, engine.activities)
        let report = await scripts.reload(trigger: "replay")
        guard report.ok, let generation = scripts.current else { throw GenerationRejected(problems: report.problems) }

        let (window, seqBefore) = try await store.write { tx in try prepare(tx, options) }
        try await activities.load()
        let runner = engine.consumers
        _ = try await runner.drain()

        let ids = Set(activities.definitions().map(\.id))
        let candidate = try await store.read { tx in
            Side(
                boards: try boards(tx, ids: ids),
                rewards: rewards(try tx.rewardTotals(idPrefixes: rewardPrefixes, afterSeq: seqBefore)),
                completions: try tx.completions(type: Tasks.completedType, afterOffset: window.last))
        }
        let liveSide = try await live.read { tx in
            Side(
                boards: try boards(tx, ids: ids),
                rewards: rewards(try tx.rewardTotals(idPrefixes: rewardPrefixes, from: options.from * 1000, to: options.to * 1000)),
                completions: try tx.completions(type: Tasks.completedType, from: options.from, to: options.to))
        }
        let errors = try await runner.parked(limit: 20).map { "offset \($0.offset): \($0.error)" }
        return Outcome(
            from: options.from, to: options.to, entries: window.count, candidateGeneration: String(generation.hash.prefix(12)),
            candidate: candidate, live: liveSide, errors: errors)
    }

    /// Cuts the copy to the window and clears the state the candidate rebuilds.
    private static func prepare(_ tx: any ReplayTransaction, _ o: Options) throws -> (window: (count: Int, last: Int64), seqBefore: Int64) {
        let first = try tx.firstOffset(createdFrom: o.from)
        let last = try tx.lastOffset(createdBefore: o.to) ?? 0
        let start = first ?? (last + 1)
        try tx.cutJournal(after: last)
        try tx.deleteFacts(types: derivedTypes, from: start)
        try tx.clearIdempotencyKeys(types: derivedTypes)
        try tx.clearLiveOpsState()
        for name in ["activities", "tasks"] {
            try tx.rewindConsumer(name, to: start - 1)
        }
        let count = try tx.journalRows(from: start, through: last)
        let seq = try tx.latestTransferSeq()
        return ((count, last), seq)
    }

    /// The top rows of every stored board period of the activities `ids`.
    private static func boards(_ tx: any ReplayTransaction, ids: Set<String>) throws -> [Board] {
        let book = Leaderboards()
        try book.load(tx)
        let keys = try tx.boardKeys().filter { ids.contains($0.scope) }
        return keys.map { k in
            Board(activity: k.scope, board: k.board, period: k.period, members: book.count(k), rows: book.top(k, rowsPerBoard))
        }
    }

    /// Reward totals by user: a user's account shows as the user, any other account as stored.
    private static func rewards(_ totals: [ReplayRewardTotal]) -> [RewardLine] {
        totals.map { total in
            var user = total.account
            if let id = try? AccountID(parsing: total.account), case .user(let u) = id.owner { user = u }
            return RewardLine(user: user, asset: total.asset, amount: total.amount, transfers: total.transfers)
        }
    }
}
