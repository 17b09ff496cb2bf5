import Books
import EngineCore
import Scripting

/// `ctx.leaderboard` and `ctx.chest` for one handler call of one activity: changes go to
/// memory at once, recorded for undo, and reach the database inside the consumer's batch.
final class ActivityBoards: ScriptBoards {
    let tx: any LiveOpsTransaction
    let book: Leaderboards
    let activity: ActivityDefinition
    let calendar: OperationsCalendar
    let now: Int64
    let chests: ChestProgress
    let random: (Int64) -> Int64
    /// Board → period that reads and writes default to (on_period_end reads the closed period).
    var periodOverride: [String: String] = [:]
    var undo = BoardUndo()
    /// Chests opened in this call, paid and journaled by the caller.
    var opened: [ChestOpening] = []
    /// Whether this call runs off the writer, on a read snapshot (`OffWriterConsumer`): then the
    /// writes a change makes at once on the writer (a board's first change opens its period
    /// row) go to `writes`, for the caller to run on the writer before the call's other effects.
    var offWriter = false
    /// The writes deferred off the writer, in order.
    private(set) var writes: [(any LiveOpsTransaction) throws -> Void] = []

    init(
        tx: any LiveOpsTransaction, book: Leaderboards, activity: ActivityDefinition, calendar: OperationsCalendar, now: Int64,
        chests: ChestProgress, random: @escaping (Int64) -> Int64
    ) {
        self.tx = tx
        self.book = book
        self.activity = activity
        self.calendar = calendar
        self.now = now
        self.chests = chests
        self.random = random
    }

    func spec(_ board: String) throws -> BoardSpec {
        guard let spec = activity.boards[board] else {
            let known = activity.boards.keys.sorted().joined(separator: ", ")
            throw ScriptArgumentError(message: "unknown leaderboard '\(board)' (\(activity.id) declares: \(known.isEmpty ? "none" : known))")
        }
        return spec
    }

    /// The boards this call named, resolved: `ctx.leaderboard(name)` checks a board and its
    /// methods resolve it again, a few boards a call.
    private var resolved: [(board: String, period: String?, key: BoardKey, spec: BoardSpec)] = []

    /// The board's key (in `period`, else the current or overridden one) and its spec.
    func resolve(_ board: String, _ period: String?) throws -> (key: BoardKey, spec: BoardSpec) {
        if let hit = resolved.first(where: { $0.board == board && $0.period == period }) { return (hit.key, hit.spec) }
        let spec = try spec(board)
        let key = BoardKey(scope: activity.id, board: board, period: period ?? periodOverride[board] ?? calendar.key(spec.reset, at: now))
        resolved.append((board, period, key, spec))
        return (key, spec)
    }

    func key(_ board: String, _ period: String?) throws -> BoardKey {
        try resolve(board, period).key
    }

    func check(_ board: String, period: String?) throws {
        _ = try resolve(board, period)
    }

    /// Defers a new board's period row to the writer (off the writer).
    private lazy var deferPeriodRow: (@escaping (any LiveOpsTransaction) throws -> Void) -> Void = { [unowned self] write in writes.append(write) }

    func mutate(_ board: String, period: String?, member: String, op: String, value: Int64) throws -> RankedRow? {
        guard let op = BoardOp(rawValue: op) else { throw ScriptArgumentError(message: "unknown leaderboard operation '\(op)'") }
        let (key, spec) = try resolve(board, period)
        return try book.change(
            tx, key, spec: spec, member: member, op: op, value: value, at: now, undo: &undo, deferPeriodRow: offWriter ? deferPeriodRow : nil)
    }

    func top(_ board: String, period: String?, n: Int) throws -> [LuaValue] {
        book.top(try key(board, period), n).map(\.luaValue)
    }

    func rank(_ board: String, period: String?, member: String) throws -> RankedRow? {
        book.standing(try key(board, period), member)
    }

    func around(_ board: String, period: String?, member: String, n: Int) throws -> [LuaValue] {
        book.around(try key(board, period), member, n).map(\.luaValue)
    }

    func count(_ board: String, period: String?) throws -> Int {
        book.count(try key(board, period))
    }

    func chest(_ name: String, owner: String, amount: Int64) throws -> [LuaValue] {
        guard let chest = activity.chests[name] else {
            let known = activity.chests.keys.sorted().joined(separator: ", ")
            throw ScriptArgumentError(message: "unknown chest '\(name)' (\(activity.id) declares: \(known.isEmpty ? "none" : known))")
        }
        let key = ChestProgress.Key(activity: activity.id, chest: name, owner: owner)
        let before = try chests.value(key, in: tx)
        let (after, overflow) = before.progress.addingReportingOverflow(amount)
        guard !overflow else { throw ScriptArgumentError(message: "chest '\(name)': progress would overflow") }
        let openedBefore = before.opened
        let openedAfter = after / chest.threshold
        // At most 100 chests open in one call, so one huge amount cannot stall the consumer.
        let opening = min(openedAfter - openedBefore, 100)
        chests.set(key, to: ChestProgress.Value(progress: after, opened: openedBefore + opening), before: before)
        guard opening > 0 else { return [] }
        let total = chest.rewards.reduce(0) { $0 + $1.weight }
        var out: [LuaValue] = []
        for i in 0..<opening {
            let draw = random(total)
            guard let picked = WeightedReward.pick(chest.rewards, draw: draw) else { continue }
            let number = openedBefore + i + 1
            // Paid by the caller once the handler returns (`Activities.run`), where a failure
            // can only roll the whole entry back: a script's pcall never sees half a payment.
            opened.append(ChestOpening(activity: activity.id, chest: name, owner: owner, number: number, draw: draw, reward: picked.reward))
            out.append(picked.reward.luaValue)
        }
        return out
    }
}

/// A chest opened: journaled as `chest_opened` with the draw, so a replay can be checked.
public struct ChestOpening: Sendable, Hashable, Encodable {
    public let activity: String
    public let chest: String
    public let owner: String
    public let number: Int64
    public let draw: Int64
    public let reward: Reward
}

extension ChestOpening {
    /// The `chest_opened` fact's payload, as `JSONEncoder` with sorted keys writes it.
    var jsonText: String {
        "{\"activity\":\(JSONText.quoted(activity)),\"chest\":\(JSONText.quoted(chest)),\"draw\":\(draw),\"number\":\(number),"
            + "\"owner\":\(JSONText.quoted(owner)),\"reward\":\(reward.jsonText)}"
    }
}
