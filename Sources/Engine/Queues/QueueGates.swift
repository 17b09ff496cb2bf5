import Books
import EngineCore
import Metrics
import Scripting

/// Entry gates of streamer queues: the `queue_gate` scripts of `Scripts/queues/`, each a template
/// with typed parameters a streamer fills in. A gate runs as `check(ctx, viewer, params)` through
/// the scripting runtime with its budgets; `ctx.streamer_id` is the queue's streamer and the
/// privilege reads (`ctx.fan_medal`, `ctx.guard`, `ctx.vip`, `ctx.follows`) are there. It lets a
/// viewer in only when it returns `true`: a refusal, an error or a budget kill keeps them out,
/// with the script's reason or a clear one, and errors are counted.
public struct QueueGates: Sendable {
    /// Counter of gate checks that failed to run (error, budget), by template.
    public static let errorsLabel = "showrunner.queues.gate_errors"
    /// Longest string parameter, in bytes.
    public static let stringParamBytesMax = 200
    /// Longest refusal reason passed back, in bytes.
    public static let reasonBytesMax = 200

    let scripts: ScriptRuntime
    package let ledger: Ledger
    package let calendar: OperationsCalendar
    let metrics: any MetricsFactory

    /// - Parameters: scripts: the running generation; ledger: `ctx.balance`; calendar: the
    ///   operations day (`ctx.fan_medal`'s today); metrics: where gate errors are counted.
    public init(scripts: ScriptRuntime, ledger: Ledger, calendar: OperationsCalendar, metrics: any MetricsFactory = MetricsSystem.factory) {
        self.scripts = scripts
        self.ledger = ledger
        self.calendar = calendar
        self.metrics = metrics
    }

    /// One parameter a template declares.
    public struct Parameter: Sendable, Codable, Equatable {
        public var name: String
        public var type: String
        public var min: Int64?
        public var max: Int64?
        public var defaultValue: LuaValue?
        public var title: String?

        enum CodingKeys: String, CodingKey {
            case name, type, min, max, title
            case defaultValue = "default"
        }
    }

    /// A template as a streamer's tool lists it.
    public struct Template: Sendable, Codable, Equatable {
        public var id: String
        public var title: String?
        public var description: String?
        public var params: [Parameter]
    }

    /// Every template of the running generation, by id.
    public func templates() -> [Template] {
        guard let generation = scripts.current else { return [] }
        return generation.declarations.filter { $0.kind == .queueGate }.map(Self.template).sorted { $0.id < $1.id }
    }

    static func template(_ d: Declaration) -> Template {
        let params = (d.data.fields["params"]?.table?.fields ?? [:]).map { name, spec in
            var fallback: LuaValue? = spec["default"]
            if case .nil = spec["default"] { fallback = nil }
            return Parameter(
                name: name, type: spec["type"].string ?? "string", min: spec["min"].integer, max: spec["max"].integer,
                defaultValue: fallback, title: spec["title"].string)
        }.sorted { $0.name < $1.name }
        return Template(id: d.id, title: d.title, description: d.data.fields["description"]?.string, params: params)
    }

    /// Checks `given` against template `id`'s declared parameters and fills in defaults.
    /// - Throws: `RequestError` 422 `unknown_gate` or `invalid_gate_params` naming the parameter.
    public func validate(template id: String, params given: [String: LuaValue]) throws(RequestError) -> LuaTable {
        guard let generation = scripts.current, let d = generation.declaration(ScriptAddress(.queueGate, id)) else {
            throw RequestError("unknown_gate", .unprocessable, "no gate template '\(id)' (GET /v1/queues/gates lists them)")
        }
        let template = Self.template(d)
        func bad(_ name: String, _ why: String) -> RequestError {
            RequestError("invalid_gate_params", .unprocessable, "params.\(name): \(why)")
        }
        if let unknown = Set(given.keys).subtracting(template.params.map(\.name)).sorted().first {
            throw bad(unknown, "the template '\(id)' has no such parameter")
        }
        var out: [String: LuaValue] = [:]
        for p in template.params {
            guard let value = given[p.name] ?? p.defaultValue else { throw bad(p.name, "required (\(p.type))") }
            switch (p.type, value) {
            case ("integer", .integer(let n)):
                if let lo = p.min, n < lo { throw bad(p.name, "at least \(lo)") }
                if let hi = p.max, n > hi { throw bad(p.name, "at most \(hi)") }
            case ("boolean", .boolean): break
            case ("string", .string(let s)):
                guard (1...Self.stringParamBytesMax).contains(s.utf8.count) else { throw bad(p.name, "1...\(Self.stringParamBytesMax) bytes") }
            default: throw bad(p.name, "must be \(p.type == "integer" ? "an integer" : "a \(p.type)")")
            }
            out[p.name] = value
        }
        return LuaTable(fields: out)
    }

    /// What a gate decided.
    public enum Verdict: Sendable, Equatable {
        case admitted
        /// Kept out, with the reason shown to the viewer.
        case refused(String)
    }

    /// Runs template `id` for `viewer` at `streamer`'s queue, reading host state through
    /// `reads` (the caller's transaction: `QueueTransaction.gateReads`), on the generation's
    /// transaction VM.
    public func check(reads: any ScriptReads, template id: String, params: LuaTable, viewer: LuaValue, streamer: String, now: Int64) -> Verdict {
        guard let generation = scripts.current else { return .refused("gates are not loaded") }
        let address = ScriptAddress(.queueGate, id)
        guard generation.declaration(address) != nil else { return .refused("the gate '\(id)' no longer exists") }
        let ctx = CallContext(script: address, nowMillis: now, seed: 0, reads: reads)
        ctx.fields = ["streamer_id": .string(streamer)]
        do {
            let out = try generation.withTransactionVM { vm in
                try vm.call(address, "check", args: [viewer, .table(params)], context: ctx, results: 2)
            }
            if out.first == .boolean(true) { return .admitted }
            guard out.count > 1, let reason = out[1].string, !reason.isEmpty else { return .refused("refused by the gate '\(id)'") }
            return .refused(String(decoding: reason.utf8.prefix(Self.reasonBytesMax), as: UTF8.self))
        } catch {
            Counter(label: Self.errorsLabel, dimensions: [("template", id)], factory: metrics).increment()
            return .refused("the gate '\(id)' failed to run (\((error as? ScriptFailure)?.reason.rawValue ?? "script_error")); nobody is let in until it is fixed")
        }
    }
}
