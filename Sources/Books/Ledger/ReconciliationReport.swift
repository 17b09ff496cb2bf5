/// What `Reconciliation.check` found: every invariant that does not hold, and how much it read.
public struct ReconciliationReport: Sendable, Hashable, Codable {
    /// One broken invariant.
    public struct Violation: Sendable, Hashable, Codable, CustomStringConvertible {
        /// Which invariant, as a stable code (e.g. `balance_mismatch`).
        public let code: String
        /// What exactly, for people.
        public let detail: String

        /// `code: detail`.
        public var description: String { "\(code): \(detail)" }
    }

    /// Every violation found; empty means the ledger is consistent.
    public internal(set) var violations: [Violation] = []
    /// Transfers read.
    public internal(set) var transfers: Int = 0
    /// Accounts read.
    public internal(set) var accounts: Int = 0

    /// True when no invariant is broken.
    public var isClean: Bool { violations.isEmpty }

    mutating func add(_ code: String, _ detail: String) {
        violations.append(Violation(code: code, detail: detail))
    }
}
