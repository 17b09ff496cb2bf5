import Books
import Engine
import GRDB

/// `LedgerRows` on SQLite: the ledger's statements, on the transaction's connection. Each is
/// prepared once per connection (`cachedStatement`), and the common ones bind and step raw
/// (`runRaw`, `firstRowRaw`), for they run on every ledger chain.
extension SQLiteTransaction: LedgerRows {
    // MARK: Accounts

    func account(_ id: AccountID, createdAt: Int64) throws -> AccountState {
        // One statement in either case: the row is read by position when it exists (most
        // calls), inserted with its zero totals when it does not (only this transaction writes,
        // so nothing inserts it in between). An insert that did nothing followed by a read cost
        // two statements a call, and a chest's or task's reward to a viewer reads its accounts.
        if let totals = try accountTotals(id) { return AccountState(id: id, balance: totals.balance, pendingDebits: totals.pendingDebits) }
        try db.cachedStatement(
            sql: """
                INSERT INTO ledger_accounts (id, asset, owner_kind, owner, balance, pending_debits, created_at)
                VALUES (?, ?, ?, ?, 0, 0, ?)
                """
        ).runRaw(.text(id.description), .text(id.asset), .text(id.ownerKind), .text(id.ownerName), .int(createdAt))
        return AccountState(id: id, balance: 0, pendingDebits: 0)
    }

    func accountTotals(_ id: AccountID) throws -> (balance: Int64, pendingDebits: Int64)? {
        try db.cachedStatement(sql: "SELECT balance, pending_debits FROM ledger_accounts WHERE id = ?")
            .firstRowRaw(.text(id.description)) { (balance: rawInt($0, 0) ?? 0, pendingDebits: rawInt($0, 1) ?? 0) }
    }

    // A statement that changes a balance sets `pending_debits` too (to itself when it does not
    // change it): the writer's kept balances are told of an `UPDATE` only when it sets a column
    // other than `balance` (`AccountOverlay.unwatchedColumns`).
    func withdraw(_ amount: Int64, from id: AccountID, mayGoNegative: Bool) throws -> Bool {
        let update = try db.cachedStatement(sql: """
            UPDATE ledger_accounts SET balance = balance - ?1, pending_debits = pending_debits
            WHERE id = ?2 AND balance >= ?3 AND (?4 OR balance - pending_debits >= ?1)
            """
        )
        try update.runRaw(.int(amount), .text(id.description), .int(Int64.min + amount), .int(mayGoNegative ? 1 : 0))
        return update.changesRaw == 1
    }

    func deposit(_ amount: Int64, to id: AccountID, createdAt: Int64) throws -> Bool {
        // An upsert: a missing row (a first credit) costs one statement, not a failed update, a
        // read, an insert and a save. The update sets `pending_debits` (to itself) so that the
        // writer's kept balances hear of it; a sum past Int64.max changes nothing.
        let upsert = try db.cachedStatement(
            sql: """
                INSERT INTO ledger_accounts (id, asset, owner_kind, owner, balance, pending_debits, created_at)
                VALUES (?2, ?4, ?5, ?6, ?1, 0, ?7)
                ON CONFLICT (id) DO UPDATE SET balance = balance + ?1, pending_debits = pending_debits WHERE balance <= ?3
                """
        )
        try upsert.runRaw(
            .int(amount), .text(id.description), .int(Int64.max - amount), .text(id.asset), .text(id.ownerKind), .text(id.ownerName),
            .int(createdAt))
        return upsert.changesRaw == 1
    }

    func saveAccount(_ old: AccountState, balance: Int64, pendingDebits: Int64) throws -> Bool {
        try db.cachedStatement(
            sql: """
                UPDATE ledger_accounts SET balance = ?, pending_debits = ?
                WHERE id = ? AND balance = ? AND pending_debits = ?
                """
        ).runRaw(.int(balance), .int(pendingDebits), .text(old.id.description), .int(old.balance), .int(old.pendingDebits))
        return db.changesCount == 1
    }

    func userBalances(_ user: String) throws -> [(asset: String, balance: Int64)] {
        try Row.fetchAll(
            db.cachedStatement(sql: "SELECT asset, balance FROM ledger_accounts WHERE owner_kind = 'user' AND owner = ?"), arguments: [user]
        ).map { ($0["asset"], $0["balance"]) }
    }

    // MARK: Transfers

    func insertTransfer(_ t: Transfer, bodyHash: String) throws -> Int64 {
        // A plain INSERT: the caller built the row from what it writes (decoding it back through
        // `RETURNING *` and named-column lookups cost more than the insert itself). The row names
        // its accounts by number; a pending transfer's credit may have no row yet (only the
        // debit is reserved), and gets one, as any account does on first use.
        let createdAt = t.ts / 1000
        let insert = try db.cachedStatement(sql: """
            INSERT INTO ledger_transfers (id, debit, credit, asset, amount, code, memo, ts, kind,
                pending_id, reverses, linked_batch, body_hash, expires_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        try insert.runRaw(
            .text(t.id), .int(try accountNumber(t.debit, createdAt: createdAt)), .int(try accountNumber(t.credit, createdAt: createdAt)),
            .text(t.asset), .int(t.amount), .text(t.code), .text(t.memo), .int(t.ts), .text(t.kind.rawValue), .text(t.pendingID),
            .text(t.reverses), .text(t.linkedBatch), .text(bodyHash), .int(t.expiresAt))
        return insert.lastInsertedRowIDRaw
    }

    /// The account's number (`ledger_accounts.num`), its row created with a zero balance on first use.
    private func accountNumber(_ id: AccountID, createdAt: Int64) throws -> AccountNumber {
        if let number = try accountNumbers([id]).first { return number }
        _ = try account(id, createdAt: createdAt)
        guard let number = try accountNumbers([id]).first else { preconditionFailure("account \(id) has no row after its insert") }
        return number
    }

    /// The numbers of those of `accounts` that have a row.
    private func accountNumbers(_ accounts: [AccountID]) throws -> [AccountNumber] {
        let select = try db.cachedStatement(sql: "SELECT num FROM ledger_accounts WHERE id = ?")
        return try accounts.compactMap { id in try select.firstRowRaw(.text(id.description), read: { rawInt($0, 0) }) ?? nil }
    }

    /// A transfer row's columns with its accounts' text keys (`debit_account`, `credit_account`),
    /// as `Transfer(row:)` reads them, from `ledger_transfers t`. An account number without a
    /// row (damage: rows are never deleted) reads as `user:#<number>:<asset>`, so
    /// reconciliation reports it as a missing account instead of losing its transfers.
    static let transferColumns = """
        SELECT t.seq, t.id, COALESCE(d.id, 'user:#' || t.debit || ':' || t.asset) AS debit_account,
            COALESCE(c.id, 'user:#' || t.credit || ':' || t.asset) AS credit_account, t.asset, t.amount, t.code, t.memo, t.ts,
            t.kind, t.pending_id, t.reverses, t.linked_batch, t.body_hash, t.expires_at
        FROM ledger_transfers t LEFT JOIN ledger_accounts d ON d.num = t.debit LEFT JOIN ledger_accounts c ON c.num = t.credit
        """

    func transfer(id: String) throws -> Transfer? {
        try Row.fetchOne(db.cachedStatement(sql: Self.transferColumns + " WHERE t.id = ?"), arguments: [id]).map(Transfer.init(row:))
    }

    func transferExists(id: String) throws -> Bool {
        try db.cachedStatement(sql: "SELECT 1 FROM ledger_transfers WHERE id = ?").firstRowRaw(.text(id)) { _ in true } ?? false
    }

    func closing(pendingID: String) throws -> Transfer? {
        try Row.fetchOne(db.cachedStatement(sql: Self.transferColumns + " WHERE t.pending_id = ?"), arguments: [pendingID])
            .map(Transfer.init(row:))
    }

    func isReversed(_ transferID: String) throws -> Bool {
        try Bool.fetchOne(
            db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM ledger_transfers WHERE reverses = ?)"), arguments: [transferID]) ?? false
    }

    func transferWithHash(id: String) throws -> (transfer: Transfer, bodyHash: String)? {
        try Row.fetchOne(db.cachedStatement(sql: Self.transferColumns + " WHERE t.id = ?"), arguments: [id])
            .map { (Transfer(row: $0), $0["body_hash"]) }
    }

    func transfers(idPrefix prefix: String) throws -> [Transfer] {
        let escaped = prefix.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_")
        return try Row.fetchAll(
            db, sql: Self.transferColumns + " WHERE t.id LIKE ? ESCAPE '\\' ORDER BY t.seq", arguments: [escaped + "%"]
        ).map(Transfer.init(row:))
    }

    func transfers(touching accounts: [AccountID], beforeSeq: Int64, limit: Int) throws -> [Transfer] {
        let numbers = try accountNumbers(accounts)
        guard !numbers.isEmpty else { return [] }
        let condition = numbers.count == 1
            ? "(t.debit = ? OR t.credit = ?)"
            : { let marks = Array(repeating: "?", count: numbers.count).joined(separator: ", ")
                return "(t.debit IN (\(marks)) OR t.credit IN (\(marks)))" }()
        return try Row.fetchAll(
            db, sql: Self.transferColumns + " WHERE \(condition) AND t.seq < ? ORDER BY t.seq DESC LIMIT ?",
            arguments: StatementArguments(numbers + numbers) + [beforeSeq, Int64(limit)]
        ).map(Transfer.init(row:))
    }

    func postedNet(_ account: AccountID, throughSeq seq: Int64) throws -> Int64 {
        guard let number = try accountNumbers([account]).first else { return 0 }
        return try Int64.fetchOne(
            db.cachedStatement(sql: """
                SELECT COALESCE(SUM(CASE WHEN credit = ?1 THEN amount ELSE -amount END), 0) FROM ledger_transfers
                WHERE (credit = ?1 OR debit = ?1) AND seq <= ?2 AND kind IN ('posted', 'post')
                """),
            arguments: [number, seq]) ?? 0
    }

    func transferTime(seq: Int64) throws -> Int64? {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT ts FROM ledger_transfers WHERE seq = ?"), arguments: [seq])
    }

    func transferIDs(codes: [String]) throws -> Set<String> {
        Set(try String.fetchAll(
            db, sql: "SELECT id FROM ledger_transfers WHERE code IN (\(codes.map { _ in "?" }.joined(separator: ",")))",
            arguments: StatementArguments(codes)))
    }

    // MARK: Refusals

    func failureExists(id: String) throws -> Bool {
        try db.cachedStatement(sql: "SELECT 1 FROM ledger_failures WHERE id = ?").firstRowRaw(.text(id), read: { _ in true }) ?? false
    }

    func failure(id: String) throws -> (code: String, message: String, bodyHash: String)? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT code, message, body_hash FROM ledger_failures WHERE id = ?"), arguments: [id])
            .map { ($0["code"], $0["message"], $0["body_hash"]) }
    }

    func recordFailure(id: String, code: String, message: String, bodyHash: String, at ms: Int64) throws {
        try db.cachedStatement(
            sql: "INSERT INTO ledger_failures (id, code, message, body_hash, at) VALUES (?, ?, ?, ?, ?)"
        ).execute(arguments: [id, code, message, bodyHash, ms])
    }

    // MARK: Open pending transfers

    func openPending(_ transfer: Transfer) throws {
        try db.cachedStatement(
            sql: "INSERT INTO ledger_pending_open (id, debit_account, amount, expires_at) VALUES (?, ?, ?, ?)"
        ).execute(arguments: [transfer.id, transfer.debit.description, transfer.amount, transfer.expiresAt])
    }

    func closePending(id: String) throws {
        try db.cachedStatement(sql: "DELETE FROM ledger_pending_open WHERE id = ?").execute(arguments: [id])
    }

    func earliestPendingExpiry() throws -> Int64? {
        // Asked before every ledger chain: read raw (a row with NULL when nothing is pending).
        try db.cachedStatement(sql: "SELECT MIN(expires_at) FROM ledger_pending_open").firstRowRaw(read: { rawInt($0, 0) }) ?? nil
    }

    func duePending(at ledgerTime: Int64, limit: Int) throws -> [String] {
        try String.fetchAll(
            db.cachedStatement(sql: "SELECT id FROM ledger_pending_open WHERE expires_at <= ? ORDER BY expires_at, id LIMIT ?"),
            arguments: [ledgerTime, limit])
    }

    func duePending(id: String, at ledgerTime: Int64) throws -> [String] {
        try String.fetchAll(
            db.cachedStatement(sql: "SELECT id FROM ledger_pending_open WHERE id = ? AND expires_at <= ?"), arguments: [id, ledgerTime])
    }

    func duePending(debiting account: AccountID, at ledgerTime: Int64) throws -> [String] {
        try String.fetchAll(
            db.cachedStatement(sql: "SELECT id FROM ledger_pending_open WHERE debit_account = ? AND expires_at <= ? ORDER BY expires_at, id"),
            arguments: [account.description, ledgerTime])
    }

    func dueAmount(debiting account: AccountID, at ledgerTime: Int64) throws -> Int64 {
        try Int64.fetchOne(
            db.cachedStatement(sql: "SELECT COALESCE(SUM(amount), 0) FROM ledger_pending_open WHERE debit_account = ? AND expires_at <= ?"),
            arguments: [account.description, ledgerTime]) ?? 0
    }

    // MARK: Gifts' legs and the clock

    func giftFact(key: String) throws -> (offset: Int64, payload: String)? {
        guard let offset = try SQLiteGiftKeys.offset(db, key: key) else { return nil }
        return try db.cachedStatement(sql: "SELECT offset, payload FROM journal WHERE offset = ? AND payer IS NOT NULL")
            .firstRowRaw(.int(offset), read: { (offset: rawInt($0, 0) ?? 0, payload: rawText($0, 1)) })
    }

    func giftRows(_ stream: GiftStream, upTo: Int64, inclusive: Bool, limit: Int) throws -> [(offset: Int64, payload: String)] {
        try SQLiteAccountHistory.newest(db, stream, upTo: upTo, inclusive: inclusive, limit: limit)
    }

    func forEachGiftRow(_ stream: GiftStream, _ body: (Int64, String) throws -> Bool) throws {
        try SQLiteAccountHistory.forEachOldestFirst(db, stream, body)
    }

    func giftFacts() throws -> [(offset: Int64, payload: String, payer: String?, payee: String?)] {
        // The row names accounts by number: each as its account's text key, or `#<number>`
        // when no account has that number (which reconciliation then reports).
        try Row.fetchAll(
            db, sql: """
                SELECT j.offset, j.payload,
                    CASE WHEN j.payer IS NULL THEN NULL ELSE COALESCE(pa.id, '#' || j.payer) END AS payer,
                    CASE WHEN j.payee IS NULL THEN NULL ELSE COALESCE(pe.id, '#' || j.payee) END AS payee
                FROM journal j
                LEFT JOIN ledger_accounts pa ON pa.num = j.payer
                LEFT JOIN ledger_accounts pe ON pe.num = j.payee
                WHERE j.type = ? ORDER BY j.offset
                """, arguments: [GiftSender.giftType]
        ).map { ($0["offset"], $0["payload"], $0["payer"], $0["payee"]) }
    }

    func ledgerNow(_ nowMillis: Int64) throws -> Int64 { try ledgerEngine.sqliteStore.ledgerClock.peek(db, nowMillis: nowMillis) }
    func nextLedgerTime(_ nowMillis: Int64) throws -> Int64 { try ledgerEngine.sqliteStore.ledgerClock.next(db, nowMillis: nowMillis) }

    // MARK: Whole-ledger reads

    func transfersInOrder() throws -> any LedgerCursor<Transfer> {
        SQLiteCursor(try Row.fetchCursor(db, sql: Self.transferColumns + " ORDER BY t.seq"), Transfer.init(row:))
    }

    func giftRowsInOrder() throws -> any LedgerCursor<(offset: Int64, payload: String)> {
        SQLiteCursor(try Row.fetchCursor(db, sql: "SELECT offset, payload FROM journal WHERE payer IS NOT NULL ORDER BY offset")) {
            (offset: $0["offset"], payload: $0["payload"])
        }
    }

    func allAccounts() throws -> [(id: String, asset: String, system: Bool, balance: Int64, pendingDebits: Int64)] {
        try Row.fetchAll(db, sql: "SELECT id, asset, owner_kind, balance, pending_debits FROM ledger_accounts").map {
            ($0["id"], $0["asset"], ($0["owner_kind"] as String) == "system", $0["balance"], $0["pending_debits"])
        }
    }

    func allOpenPending() throws -> [(id: String, amount: Int64)] {
        try Row.fetchAll(db, sql: "SELECT id, amount FROM ledger_pending_open").map { ($0["id"], $0["amount"]) }
    }
}

extension AccountID {
    /// An account's text key as the store holds it, read without checking the owner id: the
    /// ledger checked it when it wrote the row.
    init(storedText text: String) {
        let parts = text.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        precondition(parts.count == 3, "stored account text '\(text)' is not kind:owner:asset")
        switch parts[0] {
        case "user": self = .user(parts[1], parts[2])
        case "guild": self = .guild(parts[1], parts[2])
        case "system":
            guard let name = SystemAccount(rawValue: parts[1]) else { preconditionFailure("stored account text '\(text)' names no system account") }
            self = .system(name, parts[2])
        default: preconditionFailure("stored account text '\(text)' has no kind")
        }
    }
}

/// A GRDB row cursor read through a conversion, as a `LedgerCursor`.
final class SQLiteCursor<Element>: LedgerCursor {
    private let rows: RowCursor
    private let convert: (Row) throws -> Element

    init(_ rows: RowCursor, _ convert: @escaping (Row) throws -> Element) {
        self.rows = rows
        self.convert = convert
    }

    func next() throws -> Element? { try rows.next().map(convert) }
}

extension Transfer {
    /// Reads a transfer row as `SQLiteTransaction.transferColumns` selects it. (In an extension, so the struct keeps its memberwise
    /// initializer, which the ledger uses for the rows it writes.)
    init(row: Row) {
        // The ledger wrote the accounts from validated ids; a number without a row reads as
        // `user:#<number>:<asset>` (`transferColumns`), which only reconciliation looks at.
        self.init(
            seq: row["seq"], id: row["id"], debit: AccountID(storedText: row["debit_account"]),
            credit: AccountID(storedText: row["credit_account"]), asset: row["asset"], amount: row["amount"],
            code: row["code"], memo: row["memo"], ts: row["ts"], kind: Kind(rawValue: row["kind"])!,
            pendingID: row["pending_id"], reverses: row["reverses"], linkedBatch: row["linked_batch"], expiresAt: row["expires_at"])
    }
}
