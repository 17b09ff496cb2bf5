import EngineCore
import Foundation
import Scripting

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
