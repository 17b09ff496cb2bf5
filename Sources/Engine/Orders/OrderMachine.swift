import Foundation
import Scripting

/// Who acts on an order.
public enum OrderActor: String, Sendable, Codable, Hashable, CaseIterable {
    /// The buyer.
    case viewer
    /// The seller.
    case streamer
    /// Staff, through the same action path (allowed when a transition lists `operator`) or a
    /// forced transition.
    case `operator`
    /// The host: timeouts fire as `system`.
    case system
}

/// An `order_machine` script's rules as data: the states, transitions and timeouts of one
/// generation of one machine. An order keeps the machine it started on (stored once per
/// generation in `order_machines`), so reloading scripts changes the rules for new orders only.
public struct OrderMachine: Sendable, Codable, Equatable {
    /// What a final state does with the held payment.
    public enum Settle: String, Sendable, Codable { case post, void }

    public struct State: Sendable, Codable, Equatable {
        /// The internal code.
        public var code: Int64
        /// The code shown outside (partners, clients).
        public var external: String
        /// Texts for each side, if the script gives them.
        public var viewer: String?
        public var streamer: String?
        public var final: Bool
        /// Set exactly on final states.
        public var settle: Settle?
    }

    public struct Transition: Sendable, Codable, Equatable {
        /// The states it may leave (compare-and-set: the order must still be in one of them).
        public var from: [String]
        public var to: String
        /// Who may ask for it.
        public var by: [OrderActor]
    }

    public struct Timeout: Sendable, Codable, Equatable {
        /// Time in the state before it fires.
        public var afterMillis: Int64
        /// The transition it fires, as `system`.
        public var fire: String

        enum CodingKeys: String, CodingKey {
            case fire
            case afterMillis = "after_ms"
        }
    }

    /// The script's id.
    public var id: String
    /// The hash of the script generation it comes from.
    public var generation: String
    public var initial: String
    /// The platform's share of a posted order, in basis points (rounded down).
    public var feeBP: Int64
    public var states: [String: State]
    public var transitions: [String: Transition]
    public var timeouts: [String: Timeout]

    enum CodingKeys: String, CodingKey {
        case id, generation, initial, states, transitions, timeouts
        case feeBP = "fee_bp"
    }

    /// The machine a validated `order_machine` declaration describes (its cross-checks ran at
    /// load: every reference resolves, final states settle, timeouts fire as `system`).
    init(_ d: Declaration, generation: String) {
        let f = d.data.fields
        var states: [String: State] = [:]
        for (name, s) in f["states"]?.table?.fields ?? [:] {
            states[name] = State(
                code: s["code"].integer ?? 0, external: s["external"].string ?? "", viewer: s["viewer"].string,
                streamer: s["streamer"].string, final: s["final"] == .boolean(true), settle: s["settle"].string.flatMap(Settle.init))
        }
        var transitions: [String: Transition] = [:]
        for (name, t) in f["transitions"]?.table?.fields ?? [:] {
            transitions[name] = Transition(
                from: (t["from"].table?.array ?? []).compactMap(\.string), to: t["to"].string ?? "",
                by: (t["by"].table?.array ?? []).compactMap { $0.string.flatMap(OrderActor.init) })
        }
        var timeouts: [String: Timeout] = [:]
        for (state, t) in f["timeouts"]?.table?.fields ?? [:] {
            let seconds = t["after"].string.flatMap(Durations.seconds) ?? 0
            timeouts[state] = Timeout(afterMillis: seconds * 1_000, fire: t["fire"].string ?? "")
        }
        self.init(
            id: d.id, generation: generation, initial: f["initial"]?.string ?? "", feeBP: f["fee_bp"]?.integer ?? 0,
            states: states, transitions: transitions, timeouts: timeouts)
    }

    init(
        id: String, generation: String, initial: String, feeBP: Int64, states: [String: State], transitions: [String: Transition],
        timeouts: [String: Timeout]
    ) {
        self.id = id
        self.generation = generation
        self.initial = initial
        self.feeBP = feeBP
        self.states = states
        self.transitions = transitions
        self.timeouts = timeouts
    }

    /// The platform fee of a posted price: `price × fee_bp / 10,000`, rounded down; the
    /// streamer's revenue is the rest, so the two always sum to the price.
    func fee(_ price: Int64) -> Int64 { price * feeBP / 10_000 }

    /// When an order that entered `state` at `enteredAt` times out, and the transition it fires.
    func due(_ state: String, enteredAt: Int64) -> (at: Int64, action: String)? {
        guard let t = timeouts[state] else { return nil }
        return (enteredAt + t.afterMillis, t.fire)
    }
}
