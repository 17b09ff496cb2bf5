/// The ledger's tables as one transaction sees them: what `Ledger`'s logic reads and writes.
/// The storage layer implements it (`SQLiteTransaction`); the ledger decides, these only read
/// and write rows.
///
/// Accounts are keyed by `AccountID.description`. Transfer rows are immutable once written.
/// For implementers: `withdraw`, `deposit` and `saveAccount` change a row only when their guard
/// holds and answer whether they did (`deposit` also creates a missing row); nothing here checks
/// funds beyond those guards.
public protocol LedgerRows: StoreTransaction {
    // MARK: Accounts

    /// The account's row, created with zero balance and reservations (stamped `createdAt`) on
    /// first use.
    func account(_ id: AccountID, createdAt: Int64) throws -> AccountState
    /// The account's balance and reservations, or nil when it has no row.
    func accountTotals(_ id: AccountID) throws -> (balance: Int64, pendingDebits: Int64)?
    /// Takes `amount` off the balance if the row exists, stays at or above `Int64.min`, and
    /// (unless `mayGoNegative`) keeps the available balance at or above zero.
    func withdraw(_ amount: Int64, from id: AccountID, mayGoNegative: Bool) throws -> Bool
    /// Adds `amount` to the balance if the sum stays in range; an account without a row gets
    /// one (stamped `createdAt`) holding `amount`, in the same statement.
    func deposit(_ amount: Int64, to id: AccountID, createdAt: Int64) throws -> Bool
    /// Writes new totals over the row only if it still holds `old`'s totals.
    func saveAccount(_ old: AccountState, balance: Int64, pendingDebits: Int64) throws -> Bool
    /// Every asset's balance of a user's accounts that have rows.
    func userBalances(_ user: String) throws -> [(asset: String, balance: Int64)]

    // MARK: Transfers

    /// Writes a transfer row and returns its history sequence number.
    func insertTransfer(_ transfer: Transfer, bodyHash: String) throws -> Int64
    /// The transfer row with this idempotency key.
    func transfer(id: String) throws -> Transfer?
    /// Whether a transfer row has this key (cheaper than `transfer(id:)`).
    func transferExists(id: String) throws -> Bool
    /// The row that closed pending transfer `pendingID` (`post`, `void` or `expire`), if any.
    func closing(pendingID: String) throws -> Transfer?
    /// Whether some transfer reverses `transferID`.
    func isReversed(_ transferID: String) throws -> Bool
    /// The transfer row with this key and the chain body's hash stored with it (a retried
    /// chain is compared by it).
    func transferWithHash(id: String) throws -> (transfer: Transfer, bodyHash: String)?
    /// Transfers whose key starts with `prefix`, in history order.
    func transfers(idPrefix prefix: String) throws -> [Transfer]
    /// Transfers touching any of `accounts` with `seq` below `beforeSeq`, newest first, at most `limit`.
    func transfers(touching accounts: [AccountID], beforeSeq: Int64, limit: Int) throws -> [Transfer]
    /// The sum of posted money into `account` less out of it, over rows up to `seq`.
    func postedNet(_ account: AccountID, throughSeq seq: Int64) throws -> Int64
    /// The ledger time of the transfer row `seq`.
    func transferTime(seq: Int64) throws -> Int64?

    // MARK: Refusals

    /// Whether a refusal is recorded under this key.
    func failureExists(id: String) throws -> Bool
    /// The refusal recorded under this key: its code, message and body hash.
    func failure(id: String) throws -> (code: String, message: String, bodyHash: String)?
    /// Records a refusal under a key.
    func recordFailure(id: String, code: String, message: String, bodyHash: String, at ms: Int64) throws

    // MARK: Open pending transfers

    /// Records an open pending transfer (its reservation's index).
    func openPending(_ transfer: Transfer) throws
    /// Forgets an open pending transfer.
    func closePending(id: String) throws
    /// The earliest expiry among open pending transfers.
    func earliestPendingExpiry() throws -> Int64?
    /// Open pending ids due at `ledgerTime`: all (oldest due first, at most `limit`), or only `id`,
    /// or only those debiting `account`.
    func duePending(at ledgerTime: Int64, limit: Int) throws -> [String]
    func duePending(id: String, at ledgerTime: Int64) throws -> [String]
    func duePending(debiting account: AccountID, at ledgerTime: Int64) throws -> [String]
    /// The amount reserved on `account` by pending transfers due at `ledgerTime`.
    func dueAmount(debiting account: AccountID, at ledgerTime: Int64) throws -> Int64

    // MARK: Gifts' legs and the clock

    /// A gift's journal row by its fact key (`gift:<sender>:<key>`): offset and receipt JSON.
    func giftFact(key: String) throws -> (offset: Int64, payload: String)?
    /// An account's gift rows (offset, payload) at or before `upTo` (before it without
    /// `inclusive`), newest first, at most `limit`.
    func giftRows(_ stream: GiftStream, upTo: Int64, inclusive: Bool, limit: Int) throws -> [(offset: Int64, payload: String)]
    /// Calls `body` with the stream's gift rows, oldest first, until it returns false.
    func forEachGiftRow(_ stream: GiftStream, _ body: (Int64, String) throws -> Bool) throws
    /// The ledger time the next row would get at `nowMillis`, without taking it.
    func ledgerNow(_ nowMillis: Int64) throws -> Int64
    /// Takes the next ledger time.
    func nextLedgerTime(_ nowMillis: Int64) throws -> Int64

    // MARK: Whole-ledger reads (reconciliation)

    /// Every transfer row, by `seq`.
    func transfersInOrder() throws -> any LedgerCursor<Transfer>
    /// Every gift row with legs (offset, receipt JSON), by offset.
    func giftRowsInOrder() throws -> any LedgerCursor<(offset: Int64, payload: String)>
    /// Every `gift` journal fact, by offset: its payload and the payer and payee it names, as
    /// account text keys (nil for gifts from before the legs moved into the journal).
    func giftFacts() throws -> [(offset: Int64, payload: String, payer: String?, payee: String?)]
    /// The ids of every transfer row with one of `codes`.
    func transferIDs(codes: [String]) throws -> Set<String>
    /// Every account row.
    func allAccounts() throws -> [(id: String, asset: String, system: Bool, balance: Int64, pendingDebits: Int64)]
    /// Every open pending transfer: id and amount.
    func allOpenPending() throws -> [(id: String, amount: Int64)]
}

/// Rows read one at a time, in the order the reader asked for.
public protocol LedgerCursor<Element>: AnyObject {
    associatedtype Element
    /// The next row, or nil past the last.
    func next() throws -> Element?
}

/// Which gift rows: those one account took part in (as payer or payee), or every gift row with legs.
public enum GiftStream: Sendable, Equatable {
    case account(String)
    case allGifts
}
