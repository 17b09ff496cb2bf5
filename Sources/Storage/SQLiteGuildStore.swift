import Books
import Engine
import EngineCore
import GRDB

/// `GuildStore` on the SQLite store: `guilds` and `guild_contracts`, in the store's
/// transactions.
public struct SQLiteGuildStore: GuildStore {
    let store: Store
    let ledger: Ledger

    /// - Parameters: store: the database, migrated; ledger: the ledger its transactions carry
    ///   (guild changes move no money: by default a ledger over `store` with the built-in
    ///   configuration).
    public init(_ store: Store, ledger: Ledger? = nil) {
        self.store = store
        self.ledger = ledger ?? Ledger(store: store)
    }

    public func write<T: Sendable>(_ body: @escaping @Sendable (any GuildTransaction) throws -> T) async throws -> T {
        let ledger = self.ledger
        return try await store.write({ db in SQLiteGuildTransaction(db: db, ledger: ledger) }, { tx in try body(tx) })
    }

    public func read<T: Sendable>(_ body: @escaping @Sendable (any GuildTransaction) throws -> T) async throws -> T {
        let ledger = self.ledger
        return try await store.read({ db in SQLiteGuildTransaction(db: db, ledger: ledger) }, { tx in try body(tx) })
    }

    /// Every contract of `streamer`, in start order, read in the caller's transaction (`db`).
    static func contracts(_ db: Database, streamer: String) throws -> [GuildContract] {
        try GuildContract.fetchAll(db, sql: "SELECT * FROM guild_contracts WHERE streamer_id = ? ORDER BY starts_on", arguments: [streamer])
    }

    /// Every contract covering some day from `first` through `last`, per streamer, in start
    /// order, read in the caller's transaction (`db`).
    static func contracts(_ db: Database, from first: String, through last: String) throws -> [String: [GuildContract]] {
        var out: [String: [GuildContract]] = [:]
        for c in try GuildContract.fetchAll(db, sql: """
            SELECT * FROM guild_contracts WHERE starts_on <= ? AND (ends_on IS NULL OR ends_on > ?) ORDER BY streamer_id, starts_on
            """, arguments: [last, first]) {
            out[c.streamerID, default: []].append(c)
        }
        return out
    }
}

extension Guilds {
    /// Guilds over the SQLite store.
    /// - Parameters: calendar: where the days of contracts begin.
    public convenience init(store: Store, clock: any WallClock = SystemWallClock(), calendar: OperationsCalendar = OperationsCalendar()) {
        self.init(store: SQLiteGuildStore(store), clock: clock, calendar: calendar)
    }

    /// The guild `streamer` belongs to on `day` (`YYYY-MM-DD`), inside the caller's transaction
    /// (`db`); a cache hit costs a dictionary lookup.
    /// - Throws: storage errors (on a miss).
    public func guild(_ db: Database, streamer: String, day: String) throws -> String? {
        try contract(db, streamer: streamer, day: day)?.guildID
    }

    /// `contract(_:streamer:day:)` inside the caller's transaction (`db`), as the gift path reads
    /// it: a cache hit costs a dictionary lookup, a miss one query and no transaction object.
    /// - Throws: storage errors (on a miss).
    public func contract(_ db: Database, streamer: String, day: String) throws -> GuildContract? {
        try contract(streamer: streamer, day: day) { try SQLiteGuildStore.contracts(db, streamer: $0) }
    }
}

extension Guild: FetchableRecord {
    public init(row: Row) throws {
        self.init(id: row["id"], name: row["name"], shareBP: row["share_bp"], createdAt: row["created_at"], updatedAt: row["updated_at"])
    }
}

extension GuildContract: FetchableRecord {
    public init(row: Row) throws {
        self.init(id: row["id"], guildID: row["guild_id"], streamerID: row["streamer_id"], startsOn: row["starts_on"], endsOn: row["ends_on"],
            exclusive: row["exclusive"], baseSalary: row["base_salary"], shareBP: row["share_bp"], createdBy: row["created_by"],
            createdAt: row["created_at"])
    }
}

/// `GuildTransaction` on one SQLite connection: the guild statements, beside the ledger and
/// journal parts it inherits.
final class SQLiteGuildTransaction: SQLiteTransaction, GuildTransaction {
    func guilds() throws -> [Guild] { try Guild.fetchAll(db, sql: "SELECT * FROM guilds ORDER BY id") }

    func guild(id: String) throws -> Guild? { try Guild.fetchOne(db, sql: "SELECT * FROM guilds WHERE id = ?", arguments: [id]) }

    func guildCount() throws -> Int { try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM guilds") ?? 0 }

    func insertGuild(id: String, name: String, shareBP: Int64, now: Int64) throws {
        try db.execute(sql: "INSERT INTO guilds (id, name, share_bp, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
            arguments: [id, name, shareBP, now, now])
    }

    func updateGuild(id: String, name: String, shareBP: Int64, now: Int64) throws -> Bool {
        try db.execute(sql: "UPDATE guilds SET name = ?, share_bp = ?, updated_at = ? WHERE id = ?", arguments: [name, shareBP, now, id])
        return db.changesCount == 1
    }

    func contracts(streamer: String) throws -> [GuildContract] { try SQLiteGuildStore.contracts(db, streamer: streamer) }

    func contracts(guild id: String) throws -> [GuildContract] {
        try GuildContract.fetchAll(db, sql: "SELECT * FROM guild_contracts WHERE guild_id = ? ORDER BY starts_on DESC, id DESC", arguments: [id])
    }

    func runningContract(guild id: String, streamer: String) throws -> GuildContract? {
        try GuildContract.fetchOne(db, sql: """
            SELECT * FROM guild_contracts WHERE guild_id = ? AND streamer_id = ? AND ends_on IS NULL
            """, arguments: [id, streamer])
    }

    func insertContract(
        guild id: String, streamer: String, startsOn: String, exclusive: Bool, baseSalary: Int64, shareBP: Int64, by: String, now: Int64
    ) throws -> Int64 {
        try db.execute(sql: """
            INSERT INTO guild_contracts (guild_id, streamer_id, starts_on, ends_on, exclusive, base_salary, share_bp, created_by, created_at)
            VALUES (?, ?, ?, NULL, ?, ?, ?, ?, ?)
            """, arguments: [id, streamer, startsOn, exclusive, baseSalary, shareBP, by, now])
        return db.lastInsertedRowID
    }

    func endContract(id: Int64, on endsOn: String) throws {
        try db.execute(sql: "UPDATE guild_contracts SET ends_on = ? WHERE id = ?", arguments: [endsOn, id])
    }
}
