import EngineCore
import Foundation

/// An order as its parties and operators see it.
public struct Order: Sendable, Codable, Equatable {
    public var id: Int64
    public var goodsID: Int64
    /// The good's title when ordered.
    public var title: String
    public var viewerID: String
    public var streamerID: String
    public var priceTickets: Int64
    /// The machine and the generation of it the order runs on.
    public var machine: String
    public var generation: String
    /// The state's name, internal and external codes and texts for each side.
    public var state: String
    public var code: Int64
    public var external: String
    public var viewerText: String?
    public var streamerText: String?
    public var final: Bool
    /// `post` or `void` once final.
    public var settled: OrderMachine.Settle?
    /// One more per change.
    public var version: Int64
    /// The pending transfer holding the price, and when the ledger would release it (renewed
    /// before then while the order is open).
    public var holdID: String
    public var holdExpiresAt: Int64
    /// When the state's timeout fires and what it fires, if it has one.
    public var dueAt: Int64?
    public var dueAction: String?
    public var createdAt: Int64
    public var updatedAt: Int64
    /// When the order entered its state.
    public var enteredAt: Int64

    package init(
        id: Int64, goodsID: Int64, title: String, viewerID: String, streamerID: String, priceTickets: Int64,
        machine: String, generation: String, state: String, code: Int64, external: String, viewerText: String? = nil,
        streamerText: String? = nil, final: Bool, settled: OrderMachine.Settle? = nil, version: Int64, holdID: String,
        holdExpiresAt: Int64, dueAt: Int64? = nil, dueAction: String? = nil, createdAt: Int64, updatedAt: Int64,
        enteredAt: Int64
    ) {
        self.id = id
        self.goodsID = goodsID
        self.title = title
        self.viewerID = viewerID
        self.streamerID = streamerID
        self.priceTickets = priceTickets
        self.machine = machine
        self.generation = generation
        self.state = state
        self.code = code
        self.external = external
        self.viewerText = viewerText
        self.streamerText = streamerText
        self.final = final
        self.settled = settled
        self.version = version
        self.holdID = holdID
        self.holdExpiresAt = holdExpiresAt
        self.dueAt = dueAt
        self.dueAction = dueAction
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.enteredAt = enteredAt
    }

    enum CodingKeys: String, CodingKey {
        case id, title, machine, generation, state, code, external, final, settled, version
        case goodsID = "goods_id"
        case viewerID = "viewer_id"
        case streamerID = "streamer_id"
        case priceTickets = "price_tickets"
        case viewerText = "viewer_text"
        case streamerText = "streamer_text"
        case holdID = "hold_id"
        case holdExpiresAt = "hold_expires_at"
        case dueAt = "due_at"
        case dueAction = "due_action"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case enteredAt = "entered_at"
    }
}

/// One change of an order's state, as journaled (`order_changed`) and answered.
public struct OrderChange: Sendable, Codable, Equatable {
    public var orderID: Int64
    /// `create` for the first, a transition's name, or `force`.
    public var action: String
    public var actor: OrderActor
    /// Who acted (`system` for timeouts).
    public var actorID: String
    public var from: String?
    public var to: String
    public var fromCode: Int64?
    public var toCode: Int64
    public var toExternal: String
    public var final: Bool
    /// What the change did with the held payment, when it settled the order.
    public var settle: OrderMachine.Settle?
    /// Tickets moved to the streamer as revenue and kept as the platform's fee, when posted.
    public var revenue: Int64?
    public var fee: Int64?
    /// Set on an operator's forced transition.
    public var forced: Bool
    public var reason: String?
    /// The order's version after the change.
    public var version: Int64
    public var at: Int64
    /// Set when the machine's `on_transition` failed: the change stands, the hook's effects do not.
    public var hookError: String?

    enum CodingKeys: String, CodingKey {
        case action, actor, from, to, final, settle, revenue, fee, forced, reason, version, at
        case orderID = "order_id"
        case actorID = "actor_id"
        case fromCode = "from_code"
        case toCode = "to_code"
        case toExternal = "to_external"
        case hookError = "hook_error"
    }
}

/// The payload of an `order_changed` fact: the change and the order after it, so the orders
/// table can be rebuilt from the journal alone.
public struct OrderChanged: Sendable, Codable, Equatable {
    public var change: OrderChange
    public var order: Order
}

/// What an order action answers: the order after it and the change it made. A retry with the
/// same idempotency key answers the first result byte for byte.
public struct OrderActionResult: Sendable, Codable, Equatable {
    public var order: Order
    public var change: OrderChange
}

/// `POST /v1/orders`.
public struct NewOrder: Sendable, Codable, Equatable {
    public var goodsID: Int64
    public var idempotencyKey: String

    public init(goodsID: Int64, idempotencyKey: String) {
        self.goodsID = goodsID
        self.idempotencyKey = idempotencyKey
    }

    public static let keys: Set<String> = ["goods_id", "idempotency_key"]

    enum CodingKeys: String, CodingKey {
        case goodsID = "goods_id"
        case idempotencyKey = "idempotency_key"
    }
}

/// The body of an action (`POST /v1/orders/{id}/actions/{action}`) or of an operator's forced
/// transition (`to` and `reason` then required).
public struct OrderActionRequest: Sendable, Codable, Equatable {
    public var idempotencyKey: String
    public var reason: String?
    public var to: String?

    public init(idempotencyKey: String, reason: String? = nil, to: String? = nil) {
        self.idempotencyKey = idempotencyKey
        self.reason = reason
        self.to = to
    }

    public static let keys: Set<String> = ["idempotency_key", "reason", "to"]

    enum CodingKeys: String, CodingKey {
        case reason, to
        case idempotencyKey = "idempotency_key"
    }
}

/// 409 when an order is no longer in a state the action leaves: carries the current state.
public struct OrderStateConflict: ShowrunnerError {
    public let code = "order_state_conflict"
    public let kind = ErrorKind.conflict
    public let state: String
    public let version: Int64
    public var message: String { "the order is '\(state)' (version \(version)); the action does not apply from there" }
    public var details: [String: String]? { ["state": state, "version": String(version)] }
}

/// Order limits and their checks.
public enum OrderLimits {
    /// Longest idempotency key, in bytes.
    public static let keyBytesMax = 100
    /// Longest reason, in bytes.
    public static let reasonBytesMax = 200
    /// Open (not final) orders one viewer may have at once.
    public static let openPerViewerMax = 100
    /// Most orders one page lists.
    public static let pageMax = 200
    /// Timeouts fired in a row on one order (a chain of states whose timeouts have all passed).
    static let chainedTimeoutsMax = 16

    /// - Throws: `RequestError` 400 `invalid_idempotency_key`.
    static func key(_ key: String) throws(RequestError) {
        guard (1...keyBytesMax).contains(key.utf8.count), key.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw RequestError("invalid_idempotency_key", .badRequest, "idempotency_key: 1-\(keyBytesMax) printable ASCII characters")
        }
    }

    /// - Throws: `RequestError` 400 `invalid_reason`.
    static func reason(_ reason: String) throws(RequestError) {
        guard (1...reasonBytesMax).contains(reason.utf8.count), reason.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) else {
            throw RequestError("invalid_reason", .badRequest, "reason: 1-\(reasonBytesMax) bytes without control characters")
        }
    }
}

/// What `reconcile` finds about orders: every ticket held is posted, voided or still held.
public struct OrderReconciliation: Sendable, Codable, Equatable {
    public var orders: Int
    /// Tickets ever held (the price of every order), posted to streamers (with the fee), voided
    /// back to viewers, and still held by open orders.
    public var held: Int64
    public var posted: Int64
    public var voided: Int64
    public var open: Int64
    public var violations: [String]

    public var isClean: Bool { violations.isEmpty && held == posted + voided + open }
}
