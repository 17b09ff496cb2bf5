import Books

/// Where gift sends run: the one writer's group commit, over the state it keeps in memory
/// between commits (balances, combo streaks, the newest gift keys).
///
/// For implementers: `send` and `submit` run `op` as one operation of a group commit, with no
/// savepoint of its own, and answer only after the batch's COMMIT is durable. `op` changes
/// nothing when it throws (it checks everything before it writes), so its error fails it alone
/// while the rest of the batch commits; a failed COMMIT fails every operation of the batch.
/// `GiftSendStoreConformanceTests` runs against every backend.
package protocol GiftSendStore: Sendable {
    /// Runs `op` in a group commit and returns its value after COMMIT.
    /// - Throws: `op`'s error, or `StorageError.commitFailed`.
    func send<T: Sendable>(_ op: @escaping @Sendable (any GiftSendTransaction) throws -> T) async throws -> T
    /// Runs `op` in a group commit without waiting: `completion` hears its outcome after COMMIT,
    /// on the store's answering queue, so it must only hand the outcome on.
    func submit<T: Sendable>(
        _ op: @escaping @Sendable (any GiftSendTransaction) throws -> T, completion: @escaping @Sendable (Result<T, any Error>) -> Void)
}

/// What one gift send sees of its group commit: every read answers as the batch has it (the
/// sends before it in the same batch included), and the writes stay in the writer's memory until
/// the batch flushes, except the send's one journal row.
package protocol GiftSendTransaction: AnyObject {
    /// The earlier outcome stored under the send's key `key` (`gift:<sender>:<key>`), if any: the
    /// receipt of its `gift` fact, or the refusal recorded under it.
    /// - Throws: `LedgerError` `idempotency_conflict` when the key was used with another body.
    func prior(_ r: GiftSendRequest, key: String) throws -> Result<GiftReceipt, RecordedFailure>?
    /// Records a refusal under the send's key (after `prior` found nothing), returned again for
    /// every retry.
    func recordRefusal(_ r: GiftSendRequest, key: String, _ failure: RecordedFailure, at now: Int64) throws
    /// The catalog's gift, as this batch read it (nil: no such gift).
    func gift(id: String) throws -> Gift?
    /// An account's balance and pending debits (zero for an account without a row).
    func account(_ id: AccountID) throws -> (balance: Int64, pendingDebits: Int64)
    /// Expires the due reservations on the account's debits (an expiry stands on its own).
    func expireDue(debiting account: AccountID, now: Int64) throws
    /// Checks that every leg may move (`insufficient_funds`, `amount_overflow`), changing nothing.
    func check(_ legs: [TransferRequest]) throws -> AccountMoves
    /// Applies what `check` found; an account without a row gets one created `now`.
    func apply(_ moves: AccountMoves, at now: Int64)
    /// What this send's combo streak would be, without counting it.
    func comboPeek(_ r: GiftSendRequest, windowSeconds: Int64, now: Int64) throws -> Int64
    /// Counts the send into its streak as `comboPeek` found it.
    func comboCount(_ r: GiftSendRequest, combo: Int64, windowSeconds: Int64, now: Int64)
    /// The streamer's guild contract on `day` (nil: none, or no guilds wired).
    func guildContract(streamer: String, day: String) throws -> GuildContract?
    /// Takes the next ledger time (microseconds, strictly increasing).
    func nextLedgerTime(now: Int64) throws -> Int64
    /// Appends the send's `gift` fact (`json`, the receipt) under its key, naming its payer and
    /// payee by number (`AccountNumber`) for the per-account history, and indexes the key. An
    /// account that has no row yet gets one now, with its number (its balance is written with
    /// the batch's). `moves` are the send's checked legs, which touch the payer and the payee.
    /// - Precondition: `prior` found nothing for `key` earlier in the same operation.
    /// - Throws: `JournalError.payloadTooLarge`; storage errors.
    func appendGift(json: String, key: String, payer: AccountID, payee: AccountID?, moves: AccountMoves, at now: Int64) throws
    /// What the `validate` steps' `ctx` reads (balances as the batch has them).
    var scriptReads: any StoreScriptReads { get }
}
