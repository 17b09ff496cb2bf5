import EngineCore
import Foundation
import Synchronization

/// Guilds and their contracts with streamers. On a gift, the contract covering the gift's
/// operations day decides the guild share: its guild's account receives it, at the contract's
/// `share_bp` of the streamer and guild parts (`contract(_:streamer:day:)`, read on the gift path
/// from a cache of each streamer's contracts, rates included, that every contract change here
/// clears).
public final class Guilds: Sendable {
    /// Journal type of a contract change (new, ended, ended by a switch).
    public static let contractType = "guild_contract"
    /// Most guilds.
    public static let guildsMax = 10_000
    /// Most contracts one streamer may have over time.
    public static let contractsPerStreamerMax = 500
    /// Most streamers whose contracts the gift path keeps in memory; past it the cache starts over.
    public static let cacheEntriesMax = 200_000

    let store: any GuildStore
    let clock: any WallClock
    let calendar: OperationsCalendar
    let cache = Mutex<[String: [GuildContract]]>([:])

    /// - Parameters: store: where guilds and contracts are kept; clock: the time of writes;
    ///   calendar: where the days of contracts begin.
    public init(store: any GuildStore, clock: any WallClock = SystemWallClock(), calendar: OperationsCalendar = OperationsCalendar()) {
        self.store = store
        self.clock = clock
        self.calendar = calendar
    }

    // MARK: The gift path

    /// The guild `streamer` belongs to on `day` (`YYYY-MM-DD`), inside the caller's transaction
    /// `tx`; a cache hit costs a dictionary lookup.
    /// - Throws: storage errors (on a miss).
    public func guild(_ tx: any GuildTransaction, streamer: String, day: String) throws -> String? {
        try contract(tx, streamer: streamer, day: day)?.guildID
    }

    /// `streamer`'s contract covering `day` (`YYYY-MM-DD`): its guild and its share rate, which
    /// divides a gift's streamer and guild parts (`GiftSplit.amounts(of:guildShareBP:)`). Read
    /// inside the caller's transaction `tx`; a cache hit costs a dictionary lookup.
    /// - Throws: storage errors (on a miss).
    public func contract(_ tx: any GuildTransaction, streamer: String, day: String) throws -> GuildContract? {
        try contract(streamer: streamer, day: day) { try tx.contracts(streamer: $0) }
    }

    /// `contract(_:streamer:day:)` with the read of a streamer's contracts on a miss given as
    /// `load` (in the caller's transaction), so a caller holding only its connection pays for no
    /// transaction object on the gift path.
    package func contract(streamer: String, day: String, load: (String) throws -> [GuildContract]) rethrows -> GuildContract? {
        if let contracts = cache.withLock({ $0[streamer] }) { return contracts.first { $0.covers(day) } }
        let contracts = try load(streamer)
        cache.withLock { c in
            if c.count >= Self.cacheEntriesMax { c.removeAll(keepingCapacity: true) }
            c[streamer] = contracts
        }
        return contracts.first { $0.covers(day) }
    }

    /// Forgets what the cache holds for `streamer` (or everyone).
    public func invalidate(streamer: String? = nil) {
        cache.withLock { c in
            if let streamer { c[streamer] = nil } else { c.removeAll() }
        }
    }

    // MARK: Admin

    /// Every guild, by id.
    public func list() async throws -> [Guild] {
        try await store.read { tx in try tx.guilds() }
    }

    /// A guild and its contracts (newest first).
    /// - Throws: `RequestError` 404 `guild_not_found`.
    public func detail(id: String) async throws -> GuildDetail {
        try await store.read { tx in
            guard let guild = try tx.guild(id: id) else { throw Self.notFound(id) }
            return GuildDetail(guild: guild, contracts: try tx.contracts(guild: id))
        }
    }

    static func notFound(_ id: String) -> RequestError { RequestError("guild_not_found", .notFound, "no guild '\(id)'") }

    /// Creates a guild.
    /// - Throws: `RequestError` 400 (`invalid_id`, `invalid_name`, `invalid_share_bp`), 409
    ///   `guild_exists`, 409 `too_many_guilds`.
    public func create(_ edit: GuildEdit) async throws -> Guild {
        guard let id = edit.id, Principal.isValidUserID(id) else {
            throw RequestError("invalid_id", .badRequest, "id: 1-\(Principal.userIDCharactersMax) of [A-Za-z0-9_-]")
        }
        try edit.validate()
        let now = clock.nowMillis()
        return try await store.write { tx in
            guard try tx.guildCount() < Self.guildsMax else {
                throw RequestError("too_many_guilds", .conflict, "at most \(Self.guildsMax) guilds")
            }
            guard try tx.guild(id: id) == nil else {
                throw RequestError("guild_exists", .conflict, "guild '\(id)' exists")
            }
            try tx.insertGuild(id: id, name: edit.name, shareBP: edit.shareBP, now: now)
            return Guild(id: id, name: edit.name, shareBP: edit.shareBP, createdAt: now, updatedAt: now)
        }
    }

    /// Renames a guild or changes its default share rate.
    /// - Throws: `RequestError` 400, 404 `guild_not_found`.
    public func update(id: String, _ edit: GuildEdit) async throws -> Guild {
        if let other = edit.id, other != id { throw RequestError("invalid_id", .badRequest, "id: the body's id must be the path's") }
        try edit.validate()
        let now = clock.nowMillis()
        return try await store.write { tx in
            guard try tx.updateGuild(id: id, name: edit.name, shareBP: edit.shareBP, now: now), let guild = try tx.guild(id: id) else {
                throw Self.notFound(id)
            }
            return guild
        }
    }

    /// Signs `streamer` to guild `id` from `startsOn`. A contract of the streamer still running
    /// on that day (in this guild or another) ends that day.
    /// - Throws: `RequestError` 400 (a bad field), 404 `guild_not_found`, 409
    ///   `contract_overlaps` (the streamer has a contract starting on or after `startsOn`),
    ///   409 `too_many_contracts`.
    public func sign(guild id: String, _ r: GuildContractRequest, by admin: String) async throws -> GuildContract {
        guard Principal.isValidUserID(r.streamerID) else { throw RequestError("invalid_streamer_id", .badRequest, "streamer_id: not a user id") }
        guard SettlementCalendar.isDay(r.startsOn) else { throw RequestError("invalid_starts_on", .badRequest, "starts_on: YYYY-MM-DD") }
        if let s = r.baseSalary, !(0...GuildContractRequest.baseSalaryMax).contains(s) {
            throw RequestError("invalid_base_salary", .badRequest, "base_salary: 0...\(GuildContractRequest.baseSalaryMax)")
        }
        if let bp = r.shareBP, !(0...10_000).contains(bp) { throw RequestError("invalid_share_bp", .badRequest, "share_bp: 0...10000") }
        let now = clock.nowMillis()
        let contract = try await store.write { tx in
            guard let guild = try tx.guild(id: id) else { throw Self.notFound(id) }
            let existing = try tx.contracts(streamer: r.streamerID)
            guard existing.count < Self.contractsPerStreamerMax else {
                throw RequestError("too_many_contracts", .conflict, "a streamer has at most \(Self.contractsPerStreamerMax) contracts")
            }
            if let later = existing.first(where: { $0.startsOn >= r.startsOn }) {
                throw RequestError("contract_overlaps", .conflict, "the streamer has a contract with '\(later.guildID)' from \(later.startsOn)")
            }
            for running in existing where running.covers(r.startsOn) {
                try tx.endContract(id: running.id, on: r.startsOn)
                try Self.journal(tx, running, change: "switched", endsOn: r.startsOn, now: now)
            }
            let newID = try tx.insertContract(
                guild: id, streamer: r.streamerID, startsOn: r.startsOn, exclusive: r.exclusive ?? false, baseSalary: r.baseSalary ?? 0,
                shareBP: r.shareBP ?? guild.shareBP, by: admin, now: now)
            let c = GuildContract(id: newID, guildID: id, streamerID: r.streamerID, startsOn: r.startsOn, endsOn: nil,
                exclusive: r.exclusive ?? false, baseSalary: r.baseSalary ?? 0, shareBP: r.shareBP ?? guild.shareBP, createdBy: admin, createdAt: now)
            try Self.journal(tx, c, change: "signed", endsOn: nil, now: now)
            return c
        }
        invalidate(streamer: r.streamerID)
        return contract
    }

    /// Ends `streamer`'s running contract with guild `id` on `endsOn` (the first day it no
    /// longer covers).
    /// - Throws: `RequestError` 400 `invalid_ends_on` (not a day, or not after the start), 404
    ///   `contract_not_found` (no running contract with this guild).
    public func end(guild id: String, streamer: String, _ r: GuildContractEnd) async throws -> GuildContract {
        guard SettlementCalendar.isDay(r.endsOn) else { throw RequestError("invalid_ends_on", .badRequest, "ends_on: YYYY-MM-DD") }
        let now = clock.nowMillis()
        let contract = try await store.write { tx in
            guard var c = try tx.runningContract(guild: id, streamer: streamer)
            else { throw RequestError("contract_not_found", .notFound, "'\(streamer)' has no running contract with '\(id)'") }
            guard r.endsOn > c.startsOn else { throw RequestError("invalid_ends_on", .badRequest, "ends_on: after starts_on \(c.startsOn)") }
            try tx.endContract(id: c.id, on: r.endsOn)
            c.endsOn = r.endsOn
            try Self.journal(tx, c, change: "ended", endsOn: r.endsOn, now: now)
            return c
        }
        invalidate(streamer: streamer)
        return contract
    }

    struct ContractFact: Encodable {
        let change: String
        let contract: GuildContract
    }

    static func journal(_ tx: any GuildTransaction, _ c: GuildContract, change: String, endsOn: String?, now: Int64) throws {
        var c = c
        c.endsOn = endsOn
        _ = try tx.journal.append(type: contractType, payload: ContractFact(change: change, contract: c), idempotencyKey: nil, at: now)
    }
}
