import Foundation

/// An activity as the host runs it: the plain data of its `activity { ... }` declaration.
public struct ActivityDefinition: Sendable, Hashable {
    /// A chest: progress toward `threshold` opens one, paying one weighted reward.
    public struct Chest: Sendable, Hashable {
        public let name: String
        public let title: String?
        public let threshold: Int64
        public let rewards: [WeightedReward]
    }
    /// A wheel: a spin costs `cost` of `asset` and pays one weighted reward.
    public struct Wheel: Sendable, Hashable {
        public let name: String
        public let title: String?
        public let asset: String
        public let cost: Int64
        public let rewards: [WeightedReward]
    }

    public let id: String
    public let title: String?
    public let window: ScheduleWindow
    public var startsAt: Int64? { window.startsAt }
    public var endsAt: Int64? { window.endsAt }
    public let boards: [String: BoardSpec]
    public let chests: [String: Chest]
    public let wheels: [String: Wheel]
    public let handlers: Set<String>
    public let config: LuaTable
    public let path: String
    /// `activity:<id>:`, how the origins of its handler calls begin (transfer ids, logs, seeds).
    let originPrefix: String

    /// Whether `millis` is inside the window.
    public func isLive(at millis: Int64) -> Bool { window.contains(millis) }

    /// The declaration's data; nil when it is not an activity.
    public init?(_ d: Declaration) {
        guard d.kind == .activity else { return nil }
        id = d.id
        title = d.title
        path = d.path
        originPrefix = "activity:\(d.id):"
        window = ScheduleWindow(d.data)
        var boards: [String: BoardSpec] = [:]
        for (name, b) in d.data.fields["leaderboards"]?.table?.fields ?? [:] {
            boards[name] = BoardSpec(
                order: RankOrder(rawValue: b["order"].string ?? "desc") ?? .desc,
                reset: ResetPeriod(rawValue: b["reset"].string ?? "never") ?? .never,
                membersMax: Int(b["members_max"].integer ?? Int64(BoardSpec.membersMaxDefault)))
        }
        self.boards = boards
        var chests: [String: Chest] = [:]
        for (name, c) in d.data.fields["chests"]?.table?.fields ?? [:] {
            let rewards = (try? WeightedReward.parseList(c["rewards"]).get()) ?? []
            chests[name] = Chest(name: name, title: c["title"].string, threshold: c["threshold"].integer ?? 1, rewards: rewards)
        }
        self.chests = chests
        var wheels: [String: Wheel] = [:]
        for (name, w) in d.data.fields["wheels"]?.table?.fields ?? [:] {
            let rewards = (try? WeightedReward.parseList(w["rewards"]).get()) ?? []
            wheels[name] = Wheel(
                name: name, title: w["title"].string, asset: w["asset"].string ?? "coins", cost: w["cost"].integer ?? 0, rewards: rewards)
        }
        self.wheels = wheels
        handlers = Set(d.handlers)
        config = d.data.fields["config"]?.table ?? LuaTable()
    }

    /// Every activity of a generation.
    public static func all(_ generation: ScriptGeneration?) -> [ActivityDefinition] {
        (generation?.declarations ?? []).compactMap(ActivityDefinition.init)
    }
}

extension DeclarationSchemas {
    static let weightedReward = RecordSpec("WeightedReward", [
        .init("weight", .integer(min: 1, max: 1_000_000_000), required: true, "relative odds"),
        .init("reward", .list(.any, maxCount: 3), required: true, "{ \"coins\", 10 } | { \"badge\", name } | { \"item\", name, n }"),
    ])

    static let chest = RecordSpec("ChestDeclaration", [
        .init("threshold", .integer(min: 1, max: 1_000_000_000_000), required: true, "progress that opens one chest"),
        .init("rewards", .list(.record(weightedReward), maxCount: 100), required: true, "weighted; one is paid per chest"),
        .init("title", .string(maxLength: 100)),
    ])

    static let wheel = RecordSpec("WheelDeclaration", [
        .init("cost", .integer(min: 0, max: 1_000_000_000), required: true, "price of one spin"),
        .init("asset", .identifier, "what a spin costs (default coins)"),
        .init("rewards", .list(.record(weightedReward), maxCount: 100), required: true, "weighted; one is paid per spin"),
        .init("title", .string(maxLength: 100)),
    ])

    /// Rewards of chests, wheels and task stages must parse.
    static func rewardsCheck(_ d: LuaTable) -> String? {
        for key in ["chests", "wheels"] {
            for (name, c) in (d.fields[key]?.table?.fields ?? [:]).sorted(by: { $0.key < $1.key }) {
                if case .failure(let e) = WeightedReward.parseList(c["rewards"]) { return "\(key).\(name).\(e.message)" }
            }
        }
        for (i, stage) in (d.fields["stages"]?.table?.array ?? []).enumerated() {
            for (j, r) in (stage["rewards"].table?.array ?? []).enumerated() {
                if case .failure(let e) = Reward.parse(r) { return "stages[\(i + 1)].rewards[\(j + 1)]: \(e.message)" }
            }
        }
        return nil
    }
}
