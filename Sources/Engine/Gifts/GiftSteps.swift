import Foundation
import Scripting

/// The gift chain's steps in a generation, in their declared order.
enum GiftSteps {
    /// Every gift step of a generation per handler, in declared order: sorted once per
    /// generation, not once per send.
    private static let byHandler = GenerationCache<[String: [Declaration]]> { generation in
        let steps = generation.declarations.filter { $0.kind == .giftStep }
            .sorted { ($0.data.fields["order"]?.integer ?? 0, $0.id) < ($1.data.fields["order"]?.integer ?? 0, $1.id) }
        var out: [String: [Declaration]] = [:]
        for step in steps {
            for handler in step.handlers { out[handler, default: []].append(step) }
        }
        return out
    }

    /// A step's `after_commit` as the gift-steps consumer calls it, resolved once per generation:
    /// a class, so a gift's list of its steps retains each instead of copying its declaration.
    final class AfterCommit: Sendable {
        let declaration: Declaration
        let handler: HandlerID
        /// The step's `config` table (empty without one).
        let config: LuaTable
        /// The gifts it applies to; nil for all.
        let gifts: Set<String>?

        init(declaration: Declaration, handler: HandlerID, config: LuaTable, gifts: Set<String>?) {
            self.declaration = declaration
            self.handler = handler
            self.config = config
            self.gifts = gifts
        }

        func applies(to giftID: String) -> Bool { gifts?.contains(giftID) ?? true }
    }

    private static let afterCommit = GenerationCache<[AfterCommit]> { generation in
        (byHandler.value(for: generation)["after_commit"] ?? []).compactMap { d -> AfterCommit? in
            guard let id = generation.handler(d.address, "after_commit") else { return nil }
            let gifts = (d.data.fields["gifts"]?.table?.array).map { list in Set(list.compactMap(\.string)) }
            return AfterCommit(declaration: d, handler: id, config: d.data.fields["config"]?.table ?? LuaTable(), gifts: gifts)
        }
    }

    /// Every step's `after_commit` in declared order, each with the gifts it applies to.
    static func afterCommitSteps(_ generation: ScriptGeneration) -> [AfterCommit] { afterCommit.value(for: generation) }

    /// The `validate` steps in declared order, each with the gifts it applies to (nil: all),
    /// resolved once per generation: every send finds its own among them (`validateSteps`).
    private static let validate = GenerationCache<[(step: Declaration, gifts: Set<String>?)]> { generation in
        (byHandler.value(for: generation)["validate"] ?? []).map { d in
            (d, (d.data.fields["gifts"]?.table?.array).map { list in Set(list.compactMap(\.string)) })
        }
    }

    /// The `validate` steps that apply to `giftID` (a step without `gifts` applies to all), in
    /// declared order, from a list resolved once per generation.
    static func validateSteps(_ generation: ScriptGeneration, giftID: String) -> [Declaration] {
        let steps = validate.value(for: generation)
        if steps.isEmpty { return [] }
        return steps.compactMap { $0.gifts?.contains(giftID) ?? true ? $0.step : nil }
    }
}
