import Books
import Engine
import EngineCore
import Foundation
import GRDB
import Rooms
import Scripting

/// `GiftSendStore` over the SQLite store's group commit (`Store.writeBatched`): a send's
/// transaction is the batch's connection and overlays, and the state the writer keeps between
/// commits (`AccountOverlay`, `GiftCombos`, `GiftKeyIndex`).
struct SQLiteGiftSendStore: GiftSendStore {
    let store: Store
    let ledger: Ledger
    let guilds: Guilds?
    let calendar: OperationsCalendar

    func send<T: Sendable>(_ op: @escaping @Sendable (any GiftSendTransaction) throws -> T) async throws -> T {
        let (ledger, guilds, calendar, clock) = (ledger, guilds, calendar, store.ledgerClock)
        return try await store.writeBatched { db, batch in
            try op(SQLiteGiftSendTransaction(db: db, batch: batch, ledger: ledger, ledgerClock: clock, guilds: guilds, calendar: calendar))
        }
    }

    func submit<T: Sendable>(
        _ op: @escaping @Sendable (any GiftSendTransaction) throws -> T, completion: @escaping @Sendable (Result<T, any Error>) -> Void
    ) {
        let (ledger, guilds, calendar, clock) = (ledger, guilds, calendar, store.ledgerClock)
        store.submitBatched({ db, batch in
            try op(SQLiteGiftSendTransaction(db: db, batch: batch, ledger: ledger, ledgerClock: clock, guilds: guilds, calendar: calendar))
        }, completion: completion)
    }
}

extension GiftSender {
    /// Gift sends over the SQLite store.
    /// - Parameters: the store, ledger, rooms and scripts of the engine; clock: send times;
    ///   calendar: the operations day the `validate` steps' reads use and guild contracts
    ///   cover; guilds: whose account a gift's guild share credits (nil: the unassigned pool).
    public init(
        store: Store, ledger: Ledger, rooms: RoomDirectory, scripts: ScriptRuntime, clock: any WallClock = SystemWallClock(),
        calendar: OperationsCalendar = OperationsCalendar(), guilds: Guilds? = nil
    ) {
        self.init(
            sends: SQLiteGiftSendStore(store: store, ledger: ledger, guilds: guilds, calendar: calendar), rooms: rooms, scripts: scripts,
            clock: clock, calendar: calendar)
    }
}

/// One send's view of its group commit. Overlays are asked of the batch on every use, never
/// held: a flush inside the send (`expireDue`) starts the batch's list of overlays again, and an
/// overlay used after it must be listed again to be flushed with the batch.
final class SQLiteGiftSendTransaction: GiftSendTransaction {
    let db: Database
    let batch: WriteBatch
    let ledger: Ledger
    /// The store's ledger clock, held here so the send does not find it through the ledger's
    /// store on every gift.
    let ledgerClock: LedgerClock
    let guilds: Guilds?
    let calendar: OperationsCalendar

    init(db: Database, batch: WriteBatch, ledger: Ledger, ledgerClock: LedgerClock, guilds: Guilds?, calendar: OperationsCalendar) {
        self.db = db
        self.batch = batch
        self.ledger = ledger
        self.ledgerClock = ledgerClock
        self.guilds = guilds
        self.calendar = calendar
    }

    private var accounts: AccountOverlay { batch.kept(AccountOverlay.self) { AccountOverlay() } }
    private var combos: GiftCombos { batch.kept(GiftCombos.self) { GiftCombos() } }

    func prior(_ r: GiftSendRequest, key: String) throws -> Result<GiftReceipt, RecordedFailure>? {
        try GiftSends.prior(db, batch, r, key: key)
    }

    func recordRefusal(_ r: GiftSendRequest, key: String, _ failure: RecordedFailure, at now: Int64) throws {
        try GiftSends.recordRefusal(db, batch, r, key: key, failure, at: now)
    }

    func gift(id: String) throws -> Gift? {
        try batch.overlay(GiftCatalogBatch.self, make: GiftCatalogBatch.init).gift(id: id, in: db)
    }

    func account(_ id: AccountID) throws -> (balance: Int64, pendingDebits: Int64) {
        let entry = try accounts.entry(db, id)
        return (entry.balance, entry.pendingDebits)
    }

    func expireDue(debiting account: AccountID, now: Int64) throws {
        // Reservations are expired in SQL, over rows the overlays have written.
        try batch.flush(db)
        try ledger.expireDue(db, debiting: account, nowMillis: now)
    }

    func check(_ legs: [TransferRequest]) throws -> AccountOverlay.Moves { try accounts.check(db, legs) }

    func apply(_ moves: AccountOverlay.Moves, at now: Int64) { accounts.apply(moves, at: now) }

    func comboPeek(_ r: GiftSendRequest, windowSeconds: Int64, now: Int64) throws -> Int64 {
        try combos.peek(db, r, windowSeconds: windowSeconds, now: now)
    }

    func comboCount(_ r: GiftSendRequest, combo: Int64, windowSeconds: Int64, now: Int64) {
        combos.count(r, combo: combo, windowSeconds: windowSeconds, now: now)
    }

    func guildContract(streamer: String, day: String) throws -> GuildContract? {
        try guilds?.contract(db, streamer: streamer, day: day)
    }

    func nextLedgerTime(now: Int64) throws -> Int64 { try ledgerClock.next(db, nowMillis: now) }

    func appendGift(json: String, key: String, payer: AccountID, payee: AccountID?, moves: AccountMoves, at now: Int64) throws {
        let (accounts, db) = (accounts, db)
        let (payerNumber, payeeNumber) = try batch.keptOwnWrite {
            (try accounts.number(db, payer, slot: moves.slot(of: payer), at: now),
             try payee.map { try accounts.number(db, $0, slot: moves.slot(of: $0), at: now) })
        }
        let offset = try Journal.appendGift(db, json: json, key: key, payer: payerNumber, payee: payeeNumber, at: now)
        batch.giftKeys.added(key, offset: offset)
    }

    var scriptReads: any StoreScriptReads { BatchReads(db: db, accounts: accounts, calendar: calendar) }
}

/// `ctx.balance` inside a group commit, over the balances as the batch has them.
struct BatchReads: StoreScriptReads {
    let db: Database
    let accounts: AccountOverlay
    let calendar: OperationsCalendar
    func balance(user: String, asset: String) throws -> Int64 { try accounts.entry(db, .user(user, asset)).balance }
    func follows(viewer: String, streamer: String) throws -> Bool { try SQLiteFollowStore.isFollowing(db, viewer: viewer, streamer: streamer) }
}

/// `ctx.balance` inside a transaction, over the ledger.
struct LedgerReads: StoreScriptReads {
    let db: Database
    let ledger: Ledger
    let calendar: OperationsCalendar
    func balance(user: String, asset: String) throws -> Int64 { try ledger.balance(db, .user(user, asset)) }
    func follows(viewer: String, streamer: String) throws -> Bool { try SQLiteFollowStore.isFollowing(db, viewer: viewer, streamer: streamer) }
}

/// Per-sender idempotency records of gift sends, found by one lookup of the send's key
/// `gift:<sender>:<key>` in the writer's `GiftKeyIndex` (in memory for the newest rows, else in
/// `gift_keys`): a success is its `gift` journal fact; a refusal is a `gift_sends` row holding
/// the error, whose key `gift_keys` holds as refused. (Successes before the legs moved into the
/// journal also have a `gift_sends` row, with an empty outcome; their key names their fact.)
enum GiftSends {
    /// The earlier outcome for this sender and key, if any: the receipt of its `gift` fact, or
    /// the refusal recorded under it. A new send (most of them) costs one probe.
    /// - Throws: `LedgerError` `idempotency_conflict` when the key was used with another body.
    /// `key` is the send's key (`GiftLegs.Names.key`), which the caller made before the send reached the writer.
    static func prior(_ db: Database, _ batch: WriteBatch, _ r: GiftSendRequest, key: String) throws -> Result<GiftReceipt, RecordedFailure>? {
        switch try batch.giftKeys.record(of: key, db) {
        case nil:
            return nil
        case .sent(let offset):
            guard let fact = try db.cachedStatement(sql: "SELECT payload FROM journal WHERE offset = ?")
                .firstRowRaw(.int(offset), read: { rawText($0, 0) })
            else { preconditionFailure("gift key \(key) indexed at offset \(offset), which holds no row") }
            let receipt = try GiftReceipt(jsonText: fact)
            guard receipt.roomID == r.roomID, receipt.giftID == r.giftID, receipt.count == r.count else { throw conflict(r) }
            return .success(receipt)
        case .refused:
            guard let row = try db.cachedStatement(sql: "SELECT body_hash, status, outcome FROM gift_sends WHERE sender_id = ? AND idempotency_key = ?")
                .firstRowRaw(.text(r.senderID), .text(r.idempotencyKey), read: { (hash: rawText($0, 0), status: rawText($0, 1), outcome: rawText($0, 2)) }),
                row.status != "ok"
            else { preconditionFailure("gift key \(key) indexed as refused, without its refusal") }
            guard row.hash == r.bodyHash else { throw conflict(r) }
            return .failure(try JSONDecoder().decode(RecordedFailure.self, from: Data(row.outcome.utf8)))
        }
    }

    private static func conflict(_ r: GiftSendRequest) -> LedgerError {
        LedgerError(.idempotencyConflict, "idempotency key '\(r.idempotencyKey)' was used for another gift send")
    }

    /// Records a refusal under the send's key, returned again for every retry: its row in
    /// `gift_sends`, and its key in `gift_keys` as refused (refusals are few: written at once).
    static func recordRefusal(_ db: Database, _ batch: WriteBatch, _ r: GiftSendRequest, key: String, _ failure: RecordedFailure, at now: Int64) throws {
        let json = String(decoding: try JSONEncoder().encode(failure), as: UTF8.self)
        try db.cachedStatement(
            sql: "INSERT INTO gift_sends (sender_id, idempotency_key, body_hash, status, outcome, created_at) VALUES (?, ?, ?, ?, ?, ?)"
        ).runRaw(.text(r.senderID), .text(r.idempotencyKey), .text(r.bodyHash), .text("failed"), .text(json), .int(now))
        try batch.giftKeys.refused(key, db)
    }
}

