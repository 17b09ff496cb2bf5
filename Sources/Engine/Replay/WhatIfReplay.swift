import Books
import EngineCore
import LiveOps
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
    package static let rewardPrefixes = ["activity:", "chest:"]
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

        package init(task: String, stage: Int, users: Int) {
            self.task = task
            self.stage = stage
            self.users = users
        }
    }

    /// What one side (candidate or live) produced in the window.
    public struct Side: Sendable, Encodable, Equatable {
        public let boards: [Board]
        public let rewards: [RewardLine]
        public let completions: [CompletionLine]

        package init(boards: [Board], rewards: [RewardLine], completions: [CompletionLine]) {
            self.boards = boards
            self.rewards = rewards
            self.completions = completions
        }
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

        package init(
            from: Int64, to: Int64, entries: Int, candidateGeneration: String, candidate: Side, live: Side,
            errors: [String]
        ) {
            self.from = from
            self.to = to
            self.entries = entries
            self.candidateGeneration = candidateGeneration
            self.candidate = candidate
            self.live = live
            self.errors = errors
        }

        enum CodingKeys: String, CodingKey {
            case from, to, entries, candidate, live, errors
            case candidateGeneration = "candidate_generation"
        }
    }

    /// Checks the window of `options`.
    /// - Throws: `RequestError` `invalid_window` unless `from` is before `to`.
    package static func checkWindow(_ options: Options) throws {
        guard options.from < options.to else { throw RequestError("invalid_window", .badRequest, "--from must be before --to") }
    }

    /// Cuts the copy to the window and clears the state the candidate rebuilds.
    package static func prepare(_ tx: any ReplayTransaction, _ o: Options) throws -> (window: (count: Int, last: Int64), seqBefore: Int64) {
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
    package static func boards(_ tx: any ReplayTransaction, ids: Set<String>) throws -> [Board] {
        let book = Leaderboards()
        try book.load(tx)
        let keys = try tx.boardKeys().filter { ids.contains($0.scope) }
        return keys.map { k in
            Board(activity: k.scope, board: k.board, period: k.period, members: book.count(k), rows: book.top(k, rowsPerBoard))
        }
    }

    /// Reward totals by user: a user's account shows as the user, any other account as stored.
    package static func rewards(_ totals: [ReplayRewardTotal]) -> [RewardLine] {
        totals.map { total in
            var user = total.account
            if let id = try? AccountID(parsing: total.account), case .user(let u) = id.owner { user = u }
            return RewardLine(user: user, asset: total.asset, amount: total.amount, transfers: total.transfers)
        }
    }
}
