/// An account's number: the integer key the store gives an account when its row is first
/// written, and never changes. The journal's gift rows and the history pages name accounts by
/// it (an `AccountID`'s text is its name everywhere else: requests, answers, transfer rows).
public typealias AccountNumber = Int64

/// A ledger account: one owner's balance of one asset.
///
/// Its text form is `user:<id>:<asset>`, `guild:<id>:<asset>` or `system:<name>:<asset>`. User
/// and guild accounts never go negative; system accounts may (they are where money comes from).
/// Accounts exist implicitly: the ledger creates the row on first use.
public struct AccountID: Sendable, Hashable, CustomStringConvertible {
    /// Who holds the account.
    public enum Owner: Sendable, Hashable {
        /// A viewer or streamer, by user id (`[A-Za-z0-9_-]`, 1-64 bytes).
        case user(String)
        /// A guild, by guild id (same rule as user ids).
        case guild(String)
        /// One of the platform's accounts.
        case system(SystemAccount)
    }

    /// Longest user or guild id, in bytes.
    public static let ownerIDBytesMax = 64

    /// Who holds the account.
    public let owner: Owner
    /// The asset it holds.
    public let asset: String
    /// The hash of `owner` and `asset`, taken once when the id is made: the one writer finds the
    /// accounts of every gift in a dictionary, and an id made on the sender's task (a gift's
    /// payer and payee) or kept (the system accounts) is not hashed again there.
    private let hashBits: Int

    /// Creates an account id; the ledger validates it when used.
    public init(_ owner: Owner, asset: String) {
        self.owner = owner
        self.asset = asset
        var hasher = Hasher()
        hasher.combine(owner)
        hasher.combine(asset)
        hashBits = hasher.finalize()
    }

    public static func == (a: AccountID, b: AccountID) -> Bool {
        a.hashBits == b.hashBits && a.owner == b.owner && a.asset == b.asset
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(hashBits) }

    /// A user's account of `asset`.
    public static func user(_ id: String, _ asset: String) -> AccountID { AccountID(.user(id), asset: asset) }
    /// A guild's account of `asset`.
    public static func guild(_ id: String, _ asset: String) -> AccountID { AccountID(.guild(id), asset: asset) }
    /// A system account of `asset`.
    public static func system(_ name: SystemAccount, _ asset: String) -> AccountID { AccountID(.system(name), asset: asset) }

    /// `user`, `guild` or `system`: the `owner_kind` column.
    public var ownerKind: String {
        switch owner {
        case .user: "user"
        case .guild: "guild"
        case .system: "system"
        }
    }

    /// The owner's id or system name: the `owner` column.
    public var ownerName: String {
        switch owner {
        case .user(let id), .guild(let id): id
        case .system(let name): name.rawValue
        }
    }

    /// Whether the balance may go below zero (system accounts only).
    public var mayGoNegative: Bool {
        if case .system = owner { true } else { false }
    }

    /// The text form, e.g. `user:42:coins`.
    public var description: String { "\(ownerKind):\(ownerName):\(asset)" }
}
