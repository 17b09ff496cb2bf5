/// One transfer a caller asks for: `amount` of `asset` from `debit` to `credit`.
public struct TransferRequest: Sendable, Hashable, Codable {
    /// Longest idempotency key, in bytes.
    public static let idBytesMax = 128
    /// Longest reason code, in bytes.
    public static let codeBytesMax = 32
    /// Longest memo, in bytes.
    public static let memoBytesMax = 200

    /// The idempotency key, 1-`idBytesMax` bytes of printable ASCII, not starting with `~`
    /// (reserved for ids the ledger makes itself).
    public var id: String
    /// The account that pays.
    public var debit: AccountID
    /// The account that receives.
    public var credit: AccountID
    /// The asset moved; both accounts must hold it.
    public var asset: String
    /// Minor units, greater than 0.
    public var amount: Int64
    /// Why, as a short code: `^[a-z][a-z0-9_]{0,31}$` (e.g. `topup`, `gift`, `grant`, `refund`).
    public var code: String
    /// Free text for people, at most `memoBytesMax` bytes.
    public var memo: String

    /// Creates a request; the ledger validates it when applied.
    public init(
        id: String, debit: AccountID, credit: AccountID, asset: String,
        amount: Int64, code: String, memo: String = ""
    ) {
        self.id = id
        self.debit = debit
        self.credit = credit
        self.asset = asset
        self.amount = amount
        self.code = code
        self.memo = memo
    }
}
