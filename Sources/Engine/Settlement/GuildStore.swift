import Books

/// Where guilds and their contracts with streamers are kept.
///
/// The seam at the level of a transaction: signing a streamer ends their running contract,
/// writes the new one and journals both changes, all in one transaction or none. So the store
/// hands the domain a `GuildTransaction` inside `write` (and `read`), and the domain decides;
/// the backend owns the SQL.
///
/// For implementers: `write` runs `body` in one write transaction of the store, serialized with
/// every other write, and commits only when it returns; a throw rolls everything back, journal
/// facts included. `read` runs `body` on a consistent snapshot (its writing methods throw).
public protocol GuildStore: Sendable {
    /// Runs `body` in a write transaction; commits when it returns, rolls back when it throws.
    func write<T: Sendable>(_ body: @escaping @Sendable (any GuildTransaction) throws -> T) async throws -> T
    /// Runs `body` on a read snapshot.
    func read<T: Sendable>(_ body: @escaping @Sendable (any GuildTransaction) throws -> T) async throws -> T
}

/// The guild tables as one transaction sees them.
///
/// For implementers: a contract's `ends_on` is nil while it runs; `insertContract` writes a
/// running one.
public protocol GuildTransaction: StoreTransaction {
    /// Every guild, by id.
    func guilds() throws -> [Guild]
    /// The guild `id`, if any.
    func guild(id: String) throws -> Guild?
    /// How many guilds there are.
    func guildCount() throws -> Int
    /// Creates a guild.
    func insertGuild(id: String, name: String, shareBP: Int64, now: Int64) throws
    /// Renames a guild and sets its default share rate; answers whether a guild `id` was changed.
    func updateGuild(id: String, name: String, shareBP: Int64, now: Int64) throws -> Bool

    /// Every contract of `streamer`, in start order.
    func contracts(streamer: String) throws -> [GuildContract]
    /// Every contract of guild `id`, newest first (by start, then id).
    func contracts(guild id: String) throws -> [GuildContract]
    /// `streamer`'s running contract with guild `id`, if any.
    func runningContract(guild id: String, streamer: String) throws -> GuildContract?
    /// Writes a running contract; answers its id.
    func insertContract(
        guild id: String, streamer: String, startsOn: String, exclusive: Bool, baseSalary: Int64, shareBP: Int64, by: String, now: Int64
    ) throws -> Int64
    /// The contract `id` ends on `endsOn` (the first day it no longer covers).
    func endContract(id: Int64, on endsOn: String) throws
}
