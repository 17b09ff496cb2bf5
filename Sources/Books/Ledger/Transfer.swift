/// A row of the ledger's immutable history, as the ledger wrote it.
public struct Transfer: Sendable, Hashable, Codable {
    /// What the row did.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// Moved `amount` at once (plain transfers and reversals).
        case posted
        /// Reserved `amount` on the debit account; moved nothing.
        case pending
        /// Moved `amount` of the pending transfer `pendingID` and released its reservation.
        case post
        /// Released the pending transfer `pendingID` (`amount` is what was reserved).
        case void
        /// Released the pending transfer `pendingID` when it timed out.
        case expire
    }

    /// Position in the history, increasing.
    public internal(set) var seq: Int64
    /// The idempotency key (`~expire:<pending id>` for expiries the ledger made).
    public let id: String
    /// The paying account.
    public let debit: AccountID
    /// The receiving account.
    public let credit: AccountID
    /// The asset.
    public let asset: String
    /// Minor units, greater than 0.
    public let amount: Int64
    /// The reason code (`reversal` for reversals, `expire` for expiries).
    public let code: String
    /// Free text.
    public let memo: String
    /// Ledger time in microseconds since the Unix epoch, strictly increasing with `seq`.
    public let ts: Int64
    /// What the row did.
    public let kind: Kind
    /// For `post`, `void` and `expire`: the pending transfer closed.
    public let pendingID: String?
    /// For a reversal: the transfer reversed.
    public let reverses: String?
    /// The id of the first operation of the chain the row was written in.
    public let linkedBatch: String?
    /// For `pending`: the ledger time (microseconds) at which it expires.
    public let expiresAt: Int64?
    /// For a gift's leg, which lives in the gift's journal row rather than in the transfer
    /// history (`GiftLegs`): that row's offset. Such a leg has `seq` 0.
    public var journalOffset: Int64? = nil

    package init(
        seq: Int64, id: String, debit: AccountID, credit: AccountID, asset: String, amount: Int64, code: String,
        memo: String, ts: Int64, kind: Kind, pendingID: String?, reverses: String?, linkedBatch: String?,
        expiresAt: Int64?, journalOffset: Int64? = nil
    ) {
        self.seq = seq
        self.id = id
        self.debit = debit
        self.credit = credit
        self.asset = asset
        self.amount = amount
        self.code = code
        self.memo = memo
        self.ts = ts
        self.kind = kind
        self.pendingID = pendingID
        self.reverses = reverses
        self.linkedBatch = linkedBatch
        self.expiresAt = expiresAt
        self.journalOffset = journalOffset
    }
}
