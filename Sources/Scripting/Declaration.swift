/// A validated declaration: what a script file returned, as plain data plus the paths of its
/// functions (handlers). The functions themselves stay inside each VM.
public struct Declaration: Sendable, Hashable {
    /// The script's kind.
    public let kind: ScriptKind
    /// The declared id.
    public let id: String
    /// Path of the file relative to the scripts folder, e.g. `activities/spring_gala.lua`.
    public let path: String
    /// Every non-function field, validated.
    public let data: LuaTable
    /// Paths of the function fields, e.g. `on.gift`, `on_end`.
    public let handlers: [String]

    /// The script's address.
    public var address: ScriptAddress { ScriptAddress(kind, id) }
    /// The declared title, if any.
    public var title: String? { data.fields["title"]?.string }
}

extension DeclarationSchemas {
    /// Checks that span fields (references between states, ordered times); nil when fine.
    static func crossCheck(_ kind: ScriptKind, _ d: LuaTable) -> String? {
        switch kind {
        case .activity, .task:
            if let s = d.fields["starts_at"]?.string.flatMap(Timestamps.millis),
                let e = d.fields["ends_at"]?.string.flatMap(Timestamps.millis), e <= s
            {
                return "ends_at must be after starts_at"
            }
            if kind == .task, d.fields["stages"]?.table?.array.isEmpty == true { return "stages: at least one stage" }
            if let problem = rewardsCheck(d) { return problem }
            if kind == .task, let stages = d.fields["stages"]?.table?.array {
                let goals = stages.compactMap { $0["goal"].integer }
                if zip(goals, goals.dropFirst()).contains(where: { $0 >= $1 }) { return "stages: goals must increase" }
            }
            return nil
        case .queueGate:
            for (name, p) in d.fields["params"]?.table?.fields ?? [:] {
                if let lo = p["min"].integer, let hi = p["max"].integer, lo > hi { return "params.\(name): min > max" }
            }
            return nil
        case .orderMachine: return orderMachineCheck(d)
        case .giftStep, .settlementPolicy, .moderation: return nil
        }
    }

    private static func orderMachineCheck(_ d: LuaTable) -> String? {
        let states = d.fields["states"]?.table?.fields ?? [:]
        let transitions = d.fields["transitions"]?.table?.fields ?? [:]
        guard let initial = d.fields["initial"]?.string, let start = states[initial] else {
            return "initial: not one of the states"
        }
        if start["final"] == .boolean(true) { return "initial: a final state cannot start an order" }
        for (name, s) in states.sorted(by: { $0.key < $1.key }) {
            let isFinal = s["final"] == .boolean(true)
            if isFinal, s["settle"].string == nil { return "states.\(name).settle: a final state says post or void" }
            if !isFinal, s["settle"].string != nil { return "states.\(name).settle: only a final state settles" }
        }
        for (name, t) in transitions.sorted(by: { $0.key < $1.key }) {
            guard let to = t["to"].string, states[to] != nil else { return "transitions.\(name).to: unknown state" }
            let from = t["from"].table?.array ?? []
            if from.isEmpty { return "transitions.\(name).from: at least one state" }
            for f in from {
                guard let state = states[f.string ?? ""] else { return "transitions.\(name).from: unknown state '\(f.string ?? "")'" }
                if state["final"] == .boolean(true) { return "transitions.\(name).from: '\(f.string ?? "")' is final; final states absorb" }
            }
            if (t["by"].table?.array ?? []).isEmpty { return "transitions.\(name).by: at least one actor" }
        }
        for (state, t) in (d.fields["timeouts"]?.table?.fields ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard let s = states[state] else { return "timeouts.\(state): unknown state" }
            if s["final"] == .boolean(true) { return "timeouts.\(state): a final state has no timeout" }
            guard let fire = t["fire"].string, let transition = transitions[fire] else { return "timeouts.\(state).fire: unknown transition" }
            if !(transition["from"].table?.array ?? []).contains(.string(state)) {
                return "timeouts.\(state).fire: '\(fire)' does not leave '\(state)'"
            }
            if !(transition["by"].table?.array ?? []).contains(.string("system")) {
                return "timeouts.\(state).fire: '\(fire)' must allow the actor 'system' (timeouts fire as system)"
            }
            if let after = t["after"].string.flatMap(Durations.seconds), after > 366 * 86_400 { return "timeouts.\(state).after: at most 366d" }
        }
        return nil
    }

    /// The constructors (`activity{}`, `task{}`, ...), as host functions.
    static var constructors: [HostFunction] {
        ScriptKind.allCases.map { kind in
            let schema = schema(for: kind)
            return HostFunction(
                kind.constructor, scope: .global, parameters: [.init("declaration", schema.name)],
                returns: [schema.name], summary: "Declares a \(kind.folder) script; the file must return it."
            ) { call in
                var validator = SchemaValidator(stack: call.stack)
                let data = try validator.record(call.stackIndex(1), schema, path: kind.constructor)
                if let problem = crossCheck(kind, data) {
                    throw ScriptArgumentError(message: "\(kind.constructor): \(problem)")
                }
                call.vm.markDeclaration(atStackIndex: call.stackIndex(1), kind: kind, data: data, handlers: validator.functions)
                call.returnArgument(1)
            }
        }
    }
}
