import EngineCore
import Foundation
import Scripting
import Synchronization

/// Names one ranked set: an activity's board in one period.
public struct BoardKey: Sendable, Hashable, CustomStringConvertible {
    /// The activity (or other owner) id.
    public let scope: String
    /// The board's name within the activity.
    public let board: String
    /// The period key (`all`, `window`, `2027-01-20`, `2027-W03`, `2027-01`).
    public let period: String
    /// - Parameters: scope: the owner; board: its name; period: the period key.
    public init(scope: String, board: String, period: String) {
        self.scope = scope
        self.board = board
        self.period = period
    }
    public var description: String { "\(scope)/\(board)@\(period)" }
}

/// How a board ranks and how big it may grow.
public struct BoardSpec: Sendable, Hashable {
    /// Ranking direction.
    public var order: RankOrder
    /// When the board starts over.
    public var reset: ResetPeriod
    /// Most members kept; past it, the last-ranked member is dropped to make room for a better one.
    public var membersMax: Int
    /// Default for `membersMax`.
    public static let membersMaxDefault = 1_000_000
    /// - Parameters: order: direction; reset: period; membersMax: size bound.
    public init(order: RankOrder = .desc, reset: ResetPeriod = .never, membersMax: Int = BoardSpec.membersMaxDefault) {
        self.order = order
        self.reset = reset
        self.membersMax = membersMax
    }
}

/// A change a handler asks of a board.
public enum BoardOp: String, Sendable, Hashable {
    /// Adds to the score (negative allowed); overflow is an error.
    case add
    /// Replaces the score.
    case set
    /// Keeps the better of the current and the new score (higher for `desc`, lower for `asc`).
    case best
}

/// A refused board operation.
public struct LeaderboardError: ShowrunnerError, Equatable {
    public let code: String
    public let kind: ErrorKind
    public let message: String
    init(_ code: String, _ kind: ErrorKind = .badRequest, _ message: String) {
        self.code = code
        self.kind = kind
        self.message = message
    }
    static func overflow(_ key: BoardKey, _ member: String) -> LeaderboardError {
        LeaderboardError("score_overflow", .unprocessable, "score of '\(member)' on \(key) would overflow Int64")
    }
    static func frozen(_ key: BoardKey) -> LeaderboardError {
        LeaderboardError("period_closed", .conflict, "\(key) is closed and frozen")
    }
}

/// What changed, so a failed handler can be undone in memory when its transaction rolls back.
public struct BoardUndo: Sendable {
    fileprivate enum Step: Sendable {
        /// A member's entry changed; `previous` is what it was (nil: it was not on the board).
        case member(BoardKey, String, previous: RankedEntry?)
        /// The board was closed.
        case closed(BoardKey)
        /// The board was made (its period row was inserted in the same transaction).
        case created(BoardKey)
    }
    fileprivate var steps: [Step] = []
    /// An empty log.
    public init() {}
    /// Whether nothing was changed.
    public var isEmpty: Bool { steps.isEmpty }
    /// Appends another log's steps (newer than these).
    public mutating func append(contentsOf other: BoardUndo) { steps += other.steps }
    /// Forgets every step (the changes committed).
    public mutating func removeAll() { steps.removeAll(keepingCapacity: true) }
    /// The boards whose scores changed, each once, in the order of their first change.
    public var changedBoards: [BoardKey] {
        var keys: [BoardKey] = []
        for case .member(let key, _, _) in steps where !keys.contains(key) { keys.append(key) }
        return keys
    }
}

/// Every leaderboard: ranked sets in memory, each row persisted in the store in the same
/// transaction as the handler that changed it, and rebuilt from the store at start, so a rank
/// never drifts from the stored scores.
///
/// Writes happen on the store's writer (inside a journal consumer's transaction): each change
/// goes to the database and to memory at once, and is recorded in a `BoardUndo` so the caller
/// can put memory back if the transaction rolls back. Readers take the lock briefly and may see
/// a batch a few milliseconds before its commit is durable.
public final class Leaderboards: Sendable {
    /// Largest page `top`, `range` and `around` return.
    public static let pageMax = 100

    /// Touched only under `boards`' lock (hence unchecked).
    final class Board: @unchecked Sendable {
        let set: RankedSet
        var nextSeq: Int64 = 1
        var closed = false
        init(order: RankOrder) { set = RankedSet(order: order) }
    }

    /// A member whose stored score is due to be written (or deleted) at the next flush.
    public struct Pending: Hashable, Sendable {
        /// The board.
        public let key: BoardKey
        /// The member on it.
        public let member: String
    }

    private let boards = Mutex<[BoardKey: Board]>([:])
    /// Members changed in memory since the last `flush`. Lock order: `boards`, then this.
    private let unflushed = Mutex<Set<Pending>>([])
    private let dirty = Atomic<Bool>(false)

    /// An empty book; call `load` to rebuild it from the store.
    public init() {}

    /// Marks memory as possibly ahead of the database (a write that changed boards did not
    /// commit); the next `reloadIfDirty` rebuilds it.
    public func markDirty() {
        unflushed.withLock { $0.removeAll() }
        dirty.store(true, ordering: .relaxed)
    }

    /// Rebuilds from `tx` if a failed write left memory ahead of it. Call on the writer, inside
    /// the transaction, before changing boards.
    public func reloadIfDirty(_ tx: any LiveOpsTransaction) throws {
        guard dirty.load(ordering: .relaxed) else { return }
        try load(tx)
        dirty.store(false, ordering: .relaxed)
    }

    /// Rebuilds every board from the store (at start).
    /// - Throws: storage errors.
    public func load(_ tx: any LiveOpsTransaction) throws {
        var loaded: [BoardKey: Board] = [:]
        for period in try tx.leaderboardPeriods() {
            let b = Board(order: RankOrder(rawValue: period.order) ?? .desc)
            b.closed = period.closed
            loaded[period.key] = b
        }
        try tx.forEachLeaderboardScore { key, e in
            guard let b = loaded[key] else { return }
            b.set.upsert(e)
            b.nextSeq = max(b.nextSeq, e.seq + 1)
        }
        boards.withLock { $0 = loaded }
    }

    /// Applies `op` to `member` on `key`, in the database and in memory.
    ///
    /// A board's first change opens its period row. It is written through `tx` after memory is
    /// changed and `undo` holds the change, so a failed write is undone with the rest; or, with
    /// `deferPeriodRow`, handed to it to run later on the writer (a handler run off the writer).
    /// - Returns: the member's entry afterwards (nil when a full board did not keep them).
    /// - Throws: `LeaderboardError` for overflow or a closed period; database errors.
    @discardableResult
    public func apply(
        _ tx: any LiveOpsTransaction, _ key: BoardKey, spec: BoardSpec, member: String, op: BoardOp, value: Int64, at now: Int64,
        undo: inout BoardUndo, deferPeriodRow: ((@escaping (any LiveOpsTransaction) throws -> Void) -> Void)? = nil
    ) throws -> RankedEntry? {
        let (previous, seq, isNewBoard, evict) = try boards.withLock { all throws(LeaderboardError) -> (RankedEntry?, Int64, Bool, RankedEntry?) in
            var isNew = false
            let b: Board
            if let existing = all[key] { b = existing } else {
                b = Board(order: spec.order)
                all[key] = b
                isNew = true
            }
            guard !b.closed else { throw .frozen(key) }
            let previous = b.set.entry(member)
            var evict: RankedEntry?
            if previous == nil, b.set.count >= spec.membersMax { evict = b.set.range(fromRank: b.set.count, count: 1).first }
            let seq = b.nextSeq
            b.nextSeq += 1
            return (previous, seq, isNew, evict)
        }
        guard let score = try Self.score(after: op, value, previous: previous, order: spec.order, key, member) else { return previous }
        let entry = RankedEntry(member: member, score: score, reachedAt: now, seq: seq)
        if let evict {
            // A full board keeps a newcomer only if they would rank above the last member.
            let probe = RankedSet(order: spec.order)
            probe.upsert(evict)
            probe.upsert(entry)
            guard probe.rank(member) == 1 else { return nil }
        }
        boards.withLock { all in
            unflushed.withLock { _ = $0.insert(Pending(key: key, member: member)) }
            guard let b = all[key] else { return }
            if isNewBoard { undo.steps.append(.created(key)) }
            if let evict {
                b.set.remove(evict.member)
                undo.steps.append(.member(key, evict.member, previous: evict))
                unflushed.withLock { _ = $0.insert(Pending(key: key, member: evict.member)) }
            }
            b.set.upsert(entry)
            undo.steps.append(.member(key, member, previous: previous))
        }
        if isNewBoard { try openPeriodRow(tx, key, order: spec.order, at: now, deferPeriodRow: deferPeriodRow) }
        return entry
    }

    /// The member's score after `op`, or nil when it stays as it is.
    /// - Throws: `LeaderboardError.overflow`.
    private static func score(
        after op: BoardOp, _ value: Int64, previous: RankedEntry?, order: RankOrder, _ key: BoardKey, _ member: String
    ) throws(LeaderboardError) -> Int64? {
        let score: Int64
        switch op {
        case .add:
            let (v, overflow) = (previous?.score ?? 0).addingReportingOverflow(value)
            guard !overflow else { throw .overflow(key, member) }
            score = v
        case .set: score = value
        case .best:
            guard let previous else { return value }
            let better = order == .desc ? value > previous.score : value < previous.score
            if !better { return nil }
            score = value
        }
        if let previous, previous.score == score { return nil }
        return score
    }

    /// `apply`, answering the member's standing afterwards, as `ctx.leaderboard(...):add` does.
    /// A board with room for the member (the common case) is changed and ranked under one lock
    /// with one lookup of the board; a full board takes `apply`'s way, which may evict.
    /// - Returns: the member's row afterwards (nil when a full board did not keep them).
    /// - Throws: as `apply`.
    func change(
        _ tx: any LiveOpsTransaction, _ key: BoardKey, spec: BoardSpec, member: String, op: BoardOp, value: Int64, at now: Int64,
        undo: inout BoardUndo, deferPeriodRow: ((@escaping (any LiveOpsTransaction) throws -> Void) -> Void)? = nil
    ) throws -> RankedRow? {
        enum Outcome {
            case full
            case done(RankedRow?, isNewBoard: Bool)
        }
        let outcome = try boards.withLock { all throws(LeaderboardError) -> Outcome in
            var isNew = false
            let b: Board
            if let existing = all[key] { b = existing } else {
                b = Board(order: spec.order)
                isNew = true
            }
            guard !b.closed else { throw .frozen(key) }
            let previous = b.set.entry(member)
            if previous == nil, b.set.count >= spec.membersMax { return .full }
            // A seq is used up whatever comes of it, as in `apply` (a new board that is not kept
            // takes its counter with it).
            let seq = b.nextSeq
            b.nextSeq += 1
            guard let score = try Self.score(after: op, value, previous: previous, order: spec.order, key, member) else {
                // Unchanged (so never a new board: a first change always sets a score).
                return .done(previous.flatMap { p in b.set.rank(member).map { RankedRow(rank: $0, entry: p) } }, isNewBoard: false)
            }
            if isNew {
                all[key] = b
                undo.steps.append(.created(key))
            }
            let entry = RankedEntry(member: member, score: score, reachedAt: now, seq: seq)
            unflushed.withLock { _ = $0.insert(Pending(key: key, member: member)) }
            b.set.upsert(entry)
            undo.steps.append(.member(key, member, previous: previous))
            return .done(b.set.rank(member).map { RankedRow(rank: $0, entry: entry) }, isNewBoard: isNew)
        }
        switch outcome {
        case .full:
            guard try apply(tx, key, spec: spec, member: member, op: op, value: value, at: now, undo: &undo, deferPeriodRow: deferPeriodRow) != nil
            else { return nil }
            return standing(key, member)
        case .done(let row, let isNewBoard):
            if isNewBoard { try openPeriodRow(tx, key, order: spec.order, at: now, deferPeriodRow: deferPeriodRow) }
            return row
        }
    }

    /// Writes a new board's period row now, or hands the write to `deferPeriodRow`.
    private func openPeriodRow(
        _ tx: any LiveOpsTransaction, _ key: BoardKey, order: RankOrder, at now: Int64,
        deferPeriodRow: ((@escaping (any LiveOpsTransaction) throws -> Void) -> Void)?
    ) throws {
        if let deferPeriodRow {
            deferPeriodRow { tx in try tx.openLeaderboardPeriod(key, order: order, at: now) }
        } else {
            try tx.openLeaderboardPeriod(key, order: order, at: now)
        }
    }

    /// Writes every member changed since the last flush: the current in-memory entry, or a
    /// delete when it is gone (undone or evicted). Call inside the transaction that made the
    /// changes, at its end: a hot member costs one row write per batch, not one per event.
    /// - Throws: storage errors.
    public func flush(_ tx: any LiveOpsTransaction) throws {
        try sealFlush()(tx)
    }

    /// Takes the rows `flush` would write, as memory holds them now, and returns their write:
    /// for a batch prepared off the writer, whose rows are written while the next batch changes
    /// memory. Boards are all in memory, so nothing needs pinning until the write commits.
    func sealFlush() -> @Sendable (any LiveOpsTransaction) throws -> Void {
        let rows = boards.withLock { all -> [(Pending, RankedEntry?)] in
            unflushed.withLock { set in
                defer { set.removeAll(keepingCapacity: true) }
                return set.map { p in (p, all[p.key]?.set.entry(p.member)) }
            }
        }
        guard !rows.isEmpty else { return { _ in } }
        return { tx in try tx.saveLeaderboardScores(rows) }
    }

    /// Puts memory back as it was before the changes in `undo` (newest first).
    public func rollback(_ undo: BoardUndo) {
        guard !undo.isEmpty else { return }
        boards.withLock { all in
            for step in undo.steps.reversed() {
                switch step {
                case .member(let key, let member, let previous):
                    guard let b = all[key] else { continue }
                    if let previous { b.set.upsert(previous) } else { b.set.remove(member) }
                    unflushed.withLock { _ = $0.insert(Pending(key: key, member: member)) }
                case .closed(let key):
                    all[key]?.closed = false
                case .created(let key):
                    // Its period row is rolled back with the transaction: so is the board, and
                    // the next change makes both again.
                    all[key] = nil
                    unflushed.withLock { set in set = set.filter { $0.key != key } }
                }
            }
        }
    }

    /// Freezes a period: no more changes; stays readable.
    /// - Throws: storage errors.
    public func close(_ tx: any LiveOpsTransaction, _ key: BoardKey, at now: Int64, undo: inout BoardUndo) throws {
        try tx.closeLeaderboardPeriod(key, at: now)
        let created = boards.withLock { all in
            if let b = all[key] {
                b.closed = true
                return false
            }
            let b = Board(order: .desc)
            b.closed = true
            all[key] = b
            return true
        }
        if created { undo.steps.append(.created(key)) }
        undo.steps.append(.closed(key))
    }

    /// Periods of a scope's board that are still open, other than `current`.
    public func openPeriods(scope: String, board: String, except current: String) -> [String] {
        boards.withLock { all in
            all.compactMap { k, b in k.scope == scope && k.board == board && k.period != current && !b.closed ? k.period : nil }.sorted()
        }
    }

    /// Every period a board has (open or closed), oldest key first.
    public func periods(scope: String, board: String) -> [String] {
        boards.withLock { all in all.keys.filter { $0.scope == scope && $0.board == board }.map(\.period).sorted() }
    }

    // MARK: reads

    /// The first `n` (at most `pageMax`).
    public func top(_ key: BoardKey, _ n: Int) -> [RankedRow] {
        boards.withLock { all in
            guard let b = all[key] else { return [] }
            return rows(b.set.top(min(n, Self.pageMax)), firstRank: 1)
        }
    }

    /// `n` above and below `member`, with the member.
    public func around(_ key: BoardKey, _ member: String, _ n: Int) -> [RankedRow] {
        boards.withLock { all in
            guard let b = all[key], let r = b.set.rank(member) else { return [] }
            let n = min(max(n, 0), Self.pageMax / 2)
            return rows(b.set.around(member, n), firstRank: max(1, r - n))
        }
    }

    /// A member's standing.
    public func standing(_ key: BoardKey, _ member: String) -> RankedRow? {
        boards.withLock { all in
            guard let b = all[key], let e = b.set.entry(member), let r = b.set.rank(member) else { return nil }
            return RankedRow(rank: r, entry: e)
        }
    }

    /// Members on the board.
    public func count(_ key: BoardKey) -> Int {
        boards.withLock { $0[key]?.set.count ?? 0 }
    }

    /// Whether the period is frozen.
    public func isClosed(_ key: BoardKey) -> Bool {
        boards.withLock { $0[key]?.closed ?? false }
    }

    private func rows(_ entries: [RankedEntry], firstRank: Int) -> [RankedRow] {
        entries.enumerated().map { RankedRow(rank: firstRank + $0.offset, entry: $0.element) }
    }
}
