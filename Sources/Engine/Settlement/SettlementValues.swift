import Foundation

/// Where a month is in its close.
public enum SettlementState: String, Sendable, Codable {
    /// Facts still arrive; statements, if any, are drafts.
    case open
    /// A run is computing the drafts.
    case calculating
    /// Drafts computed, waiting for finance to confirm.
    case pendingReview = "pending_review"
    /// Frozen: statements never change again; payouts are posted.
    case confirmed
    /// Paid out.
    case paid

    /// Whether the month's statements are frozen.
    public var isFrozen: Bool { self == .confirmed || self == .paid }
}

/// One owner's statement for a month.
public struct SettlementStatement: Sendable, Codable, Equatable {
    public var month: String
    /// `streamer` or `guild`.
    public var ownerKind: String
    public var ownerID: String
    /// A streamer's guild at the month's end.
    public var guildID: String?
    /// Revenue the owner's account already received this month, in real time.
    public var revenue: Int64
    /// The policy's parts (`base_salary`, `bonus`, `revenue_share`, `subsidy` for a streamer;
    /// `share` for a guild) and `adjustments`.
    public var parts: [String: Int64]
    /// The sum of `parts`.
    public var total: Int64
    /// What confirming posts to the owner's revenue account: `total - revenue` (negative: taken back).
    public var payout: Int64
    public var note: String?
    /// A guild's split of its share over its members.
    public var memberParts: [String: Int64]?
    /// A streamer's withdrawals asked for this month (in the window of the next month's first
    /// days); imported (posted) by a run after the window.
    public var withdrawn: Int64?
    /// SHA-256 of the statement's inputs and the policy generation.
    public var inputsHash: String
    /// The scripts generation (hash) whose policy computed it.
    public var policyGeneration: String

    enum CodingKeys: String, CodingKey {
        case month, revenue, parts, total, payout, note
        case ownerKind = "owner_kind"
        case ownerID = "owner_id"
        case guildID = "guild_id"
        case memberParts = "member_parts"
        case withdrawn
        case inputsHash = "inputs_hash"
        case policyGeneration = "policy_generation"
    }
}

/// A month's state and statements.
public struct SettlementMonth: Sendable, Codable, Equatable {
    public var month: String
    public var state: SettlementState
    public var policyGeneration: String?
    /// SHA-256 over every statement's inputs hash, in order.
    public var inputsHash: String?
    public var statements: [SettlementStatement]

    package init(
        month: String, state: SettlementState, policyGeneration: String? = nil, inputsHash: String? = nil,
        statements: [SettlementStatement]
    ) {
        self.month = month
        self.state = state
        self.policyGeneration = policyGeneration
        self.inputsHash = inputsHash
        self.statements = statements
    }

    enum CodingKeys: String, CodingKey {
        case month, state, statements
        case policyGeneration = "policy_generation"
        case inputsHash = "inputs_hash"
    }
}

/// A finance adjustment (`POST /v1/admin/settlement/{month}/adjustments`).
public struct SettlementAdjustmentRequest: Sendable, Codable, Equatable {
    /// `streamer` or `guild`.
    public var ownerKind: String
    public var ownerID: String
    /// Non-zero; negative takes back.
    public var amount: Int64
    public var reason: String

    public init(ownerKind: String, ownerID: String, amount: Int64, reason: String) {
        self.ownerKind = ownerKind
        self.ownerID = ownerID
        self.amount = amount
        self.reason = reason
    }

    public static let keys: Set<String> = ["owner_kind", "owner_id", "amount", "reason"]

    enum CodingKeys: String, CodingKey {
        case amount, reason
        case ownerKind = "owner_kind"
        case ownerID = "owner_id"
    }
}

/// A recorded adjustment.
public struct SettlementAdjustment: Sendable, Codable, Equatable {
    public var id: Int64
    /// The month it counts in: the month asked for, or the next open one when that was frozen.
    public var month: String
    public var ownerKind: String
    public var ownerID: String
    public var amount: Int64
    public var reason: String
    public var createdBy: String
    /// The frozen month it corrects, when it moved to a later one.
    public var refersToMonth: String?
    public var createdAt: Int64

    package init(
        id: Int64, month: String, ownerKind: String, ownerID: String, amount: Int64, reason: String, createdBy: String,
        refersToMonth: String? = nil, createdAt: Int64
    ) {
        self.id = id
        self.month = month
        self.ownerKind = ownerKind
        self.ownerID = ownerID
        self.amount = amount
        self.reason = reason
        self.createdBy = createdBy
        self.refersToMonth = refersToMonth
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey {
        case id, month, amount, reason
        case ownerKind = "owner_kind"
        case ownerID = "owner_id"
        case createdBy = "created_by"
        case refersToMonth = "refers_to_month"
        case createdAt = "created_at"
    }
}

/// A month's reports: statements and guild summary as CSV, and an HTML page with a chart.
public struct SettlementReport: Sendable, Equatable {
    public var statementsCSV: String
    public var guildsCSV: String
    public var html: String
}
