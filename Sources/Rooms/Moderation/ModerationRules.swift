import EngineCore
import Logging
import Metrics
import Scripting

/// The script hook of the danmaku pipeline: `Scripts/moderation/*.lua` rules, run in their
/// declared `order` after the keyword filter and before the journal. A rule's `check(ctx,
/// danmaku)` returns `true` (or nothing) to pass, `false, reason` to block, or `{ text = ... }`
/// to rewrite the text for the rules after it and for the room.
///
/// A rule that errors or exceeds its budget is skipped (counted in
/// `showrunner.moderation.rule_errors` and logged with its path and line): a broken rule must not
/// silence every room. A rewrite that breaks the danmaku limits (empty, too long, control
/// characters) is ignored the same way.
public struct ModerationRules: Sendable {
    /// What the rules decided.
    public enum Verdict: Sendable, Equatable {
        case pass(text: String)
        case block(rule: String, reason: String)
    }

    let scripts: ScriptRuntime
    let logger: Logger

    /// - Parameters: scripts: the running generation's rules; logger: where rule errors go.
    public init(scripts: ScriptRuntime, logger: Logger = Logger(label: "showrunner.moderation")) {
        self.scripts = scripts
        self.logger = logger
    }

    /// Runs every rule over `danmaku` (its text as the filter left it).
    public func check(_ danmaku: Danmaku, limits: DanmakuLimits) async -> Verdict {
        guard let generation = scripts.current else { return .pass(text: danmaku.text) }
        let rules = generation.declarations.filter { $0.kind == .moderation }
            .sorted { ($0.data.fields["order"]?.integer ?? 0, $0.id) < ($1.data.fields["order"]?.integer ?? 0, $1.id) }
        var text = danmaku.text
        for rule in rules {
            let event = LuaValue.table(LuaTable(fields: [
                "user_id": .string(danmaku.userID), "room": .string(danmaku.room), "text": .string(text),
                "mode": .string(danmaku.mode.rawValue), "color": .string(danmaku.color), "score": .integer(Int64(danmaku.score)),
            ]))
            let ctx = CallContext(
                script: rule.address, nowMillis: danmaku.at, seed: UInt64(bitPattern: danmaku.at),
                config: rule.data.fields["config"]?.table ?? LuaTable())
            do {
                let results = try await generation.withVM { vm in
                    try vm.call(rule.address, "check", args: [event], context: ctx, results: 2)
                }
                switch results.first {
                case .boolean(false):
                    return .block(rule: rule.id, reason: results.count > 1 ? results[1].string ?? "" : "")
                case .table(let t):
                    guard let rewritten = t.fields["text"]?.string else { continue }
                    if Self.acceptable(rewritten, limits) { text = rewritten } else {
                        fail(rule, "rewrite ignored: empty, longer than \(limits.textLengthMax) characters or with control characters")
                    }
                default: continue
                }
            } catch {
                fail(rule, "\(error)")
            }
        }
        return .pass(text: text)
    }

    static func acceptable(_ text: String, _ limits: DanmakuLimits) -> Bool {
        text.contains(where: { !$0.isWhitespace }) && text.contractLength <= limits.textLengthMax
            && !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
    }

    private func fail(_ rule: Declaration, _ detail: String) {
        Counter(label: "showrunner.moderation.rule_errors", dimensions: [("rule", rule.id)]).increment()
        logger.warning("moderation rule skipped", metadata: ["rule": "\(rule.path)", "error": "\(detail)"])
    }
}
