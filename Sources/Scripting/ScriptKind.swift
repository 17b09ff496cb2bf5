/// The kinds of script, one folder each under `Scripts/`, each with its constructor.
public enum ScriptKind: String, Sendable, CaseIterable, Codable {
    case activity, task, giftStep, queueGate, orderMachine, settlementPolicy, moderation

    /// The folder under `Scripts/` holding this kind.
    public var folder: String {
        switch self {
        case .activity: "activities"
        case .task: "tasks"
        case .giftStep: "gifts"
        case .queueGate: "queues"
        case .orderMachine: "orders"
        case .settlementPolicy: "settlement"
        case .moderation: "moderation"
        }
    }

    /// The constructor a file of this kind must return, e.g. `activity{...}`.
    public var constructor: String {
        switch self {
        case .activity: "activity"
        case .task: "task"
        case .giftStep: "gift_step"
        case .queueGate: "queue_gate"
        case .orderMachine: "order_machine"
        case .settlementPolicy: "settlement_policy"
        case .moderation: "moderation_rule"
        }
    }

    /// The kind whose folder is `folder`, if any.
    public init?(folder: String) {
        guard let k = Self.allCases.first(where: { $0.folder == folder }) else { return nil }
        self = k
    }

    /// Folder of shared modules, loadable with `require "lib.name"`.
    public static let libraryFolder = "lib"
    /// Folders that hold no scripts and are skipped (generated editor stubs).
    public static let ignoredFolders: Set<String> = ["types"]
}

/// Names a loaded script: its kind and its declared id.
public struct ScriptAddress: Sendable, Hashable, CustomStringConvertible {
    /// The script's kind.
    public let kind: ScriptKind
    /// The declared `id`, unique within the kind.
    public let id: String
    /// - Parameters: kind: the kind; id: the declared id.
    public init(_ kind: ScriptKind, _ id: String) {
        self.kind = kind
        self.id = id
    }
    public var description: String { "\(kind.constructor) '\(id)'" }
}
