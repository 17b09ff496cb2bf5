@testable import Books
import EngineTesting
import GRDB
@testable import Rooms
@testable import Storage
import Testing
@testable import Engine

/// What a settlement backend's run reads that other parts write: the earnings consumer's daily
/// aggregates, a consumer's cursor, guild contracts and live sessions. A backend under test
/// writes them its own way, on the database its store reads.
protocol SettlementFactsWriter: Sendable {
    /// Adds `amount` to one earnings row (created at zero).
    func addEarnings(_ kind: String, _ owner: String, day: String, _ source: EarningsSource, _ amount: Int64) async throws
    /// Sets consumer `consumer`'s cursor to `offset`.
    func setCursor(consumer: String, offset: Int64) async throws
    /// Guilds and contracts on the same database.
    var guildStore: any GuildStore { get }
    /// Live sessions on the same database.
    var liveSessionStore: any LiveSessionStore { get }
}

extension SQLiteSettlementStore: SettlementFactsWriter {
    func addEarnings(_ kind: String, _ owner: String, day: String, _ source: EarningsSource, _ amount: Int64) async throws {
        try await store.write { db in try Self.addEarnings(db, kind: kind, owner: owner, day: day, source: source, amount: amount, facts: 1) }
    }

    func setCursor(consumer: String, offset: Int64) async throws {
        try await store.write { db in
            try db.execute(sql: """
                INSERT INTO consumer_cursors (name, offset, fact_index) VALUES (?, ?, NULL)
                ON CONFLICT (name) DO UPDATE SET offset = excluded.offset, fact_index = NULL
                """, arguments: [consumer, offset])
        }
    }

    var guildStore: any GuildStore { SQLiteGuildStore(store, ledger: ledger) }
    var liveSessionStore: any LiveSessionStore { SQLiteLiveSessionStore(store) }
}

extension SettlementStoreConformanceTests {
    static func writer(_ store: any SettlementStore) throws -> any SettlementFactsWriter {
        try #require(store as? any SettlementFactsWriter, "a backend under test writes the facts its run reads")
    }

    static func key(_ r: EarningsRow) -> String { "\(r.ownerKind):\(r.ownerID):\(r.day):\(r.source):\(r.amount)" }

    @Test(arguments: backends)
    func earningsAreReadByDayRangeOwnerAndSource(_ backend: StoreBackend<any SettlementStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (store, _) = try backend.open(tmp)
            let facts = try Self.writer(store)
            let (noTotal, noGuilds) = try await store.read { tx in (try tx.earningsTotal(), try tx.guildEarnings()) }
            #expect(noTotal == 0 && noGuilds == [:])
            for (kind, owner, day, source, amount) in [
                ("streamer", "s1", "2026-03-01", EarningsSource.gifts, Int64(100)), ("streamer", "s1", "2026-03-01", .guards, 5),
                ("streamer", "s1", "2026-03-31", .gifts, 7), ("guild", "g1", "2026-03-01", .gifts, 20), ("guild", "g1", "2026-04-02", .gifts, 3),
                ("pool", "system", "2026-03-01", .gifts, 1_000), ("streamer", "s2", "2026-02-28", .gifts, 9),
                ("streamer", "s2", "2026-04-01", .orders, 11), ("streamer", "s2", "2026-03-15", .partnerGames, -4),
            ] {
                try await facts.addEarnings(kind, owner, day: day, source, amount)
            }
            let march = try await store.read { tx in
                var rows: [EarningsRow] = []
                try tx.forEachEarning(from: "2026-03-01", through: "2026-03-31") { rows.append($0) }
                return rows.map(Self.key)
            }
            // Both ends included; the pool's rows are not a streamer's or a guild's.
            #expect(march.sorted() == [
                "guild:g1:2026-03-01:gifts:20", "streamer:s1:2026-03-01:gifts:100", "streamer:s1:2026-03-01:guards:5",
                "streamer:s1:2026-03-31:gifts:7", "streamer:s2:2026-03-15:partner_games:-4",
            ])
            let daily = try await store.read { tx in
                [try tx.dailyRevenue(from: "2026-03-01", through: "2026-03-31"), try tx.dailyRevenue(from: "2026-03-02", through: "2026-03-14")]
            }
            #expect(daily == [["2026-03-01": 125, "2026-03-15": -4, "2026-03-31": 7], [:]])
            let days = ["2026-03-01", "2026-03-02", "2026-03-31"]
            let (s1, g1, noDays) = try await store.read { tx in
                (try tx.earnings(streamer: "s1", days: days), try tx.earnings(streamer: "g1", days: days), try tx.earnings(streamer: "s1", days: []))
            }
            #expect(s1 == ["2026-03-01": ["gifts": 100, "guards": 5], "2026-03-31": ["gifts": 7]])
            #expect(g1 == [:], "a guild is not a streamer")
            #expect(noDays == [:])
            let (total, guilds) = try await store.read { tx in (try tx.earningsTotal(), try tx.guildEarnings()) }
            #expect(total == 1_151, "every owner's, the pool's included")
            #expect(guilds == ["g1": 23])
        }
    }

    @Test(arguments: backends)
    func contractsCoveringTheRangeAreListedPerStreamerInStartOrder(_ backend: StoreBackend<any SettlementStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (store, _) = try backend.open(tmp)
            let guilds = try Self.writer(store).guildStore
            let none = try await store.read { tx in try tx.contracts(from: "2026-03-01", through: "2026-03-31") }
            #expect(none.isEmpty)
            try await guilds.write { tx in
                try tx.insertGuild(id: "g1", name: "One", shareBP: 1_000, now: 1)
                func sign(_ streamer: String, _ starts: String, endsOn: String?) throws {
                    let id = try tx.insertContract(
                        guild: "g1", streamer: streamer, startsOn: starts, exclusive: false, baseSalary: 0, shareBP: 1_000, by: "op", now: 1)
                    if let endsOn { try tx.endContract(id: id, on: endsOn) }
                }
                try sign("s1", "2026-01-01", endsOn: "2026-03-01")  // ends the day the range starts: outside
                try sign("s1", "2026-03-01", endsOn: nil)
                try sign("s2", "2026-02-01", endsOn: "2026-03-02")  // covers the first day
                try sign("s3", "2026-03-31", endsOn: nil)  // starts on the last day
                try sign("s4", "2026-04-01", endsOn: nil)  // after the range
                try sign("s5", "2026-03-20", endsOn: nil)  // written before the earlier one below
                try sign("s5", "2026-03-05", endsOn: "2026-03-20")
            }
            let all = try await guilds.read { tx in try ["s1", "s2", "s3", "s5"].map { try tx.contracts(streamer: $0) } }
            let covering = try await store.read { tx in try tx.contracts(from: "2026-03-01", through: "2026-03-31") }
            #expect(covering == ["s1": [all[0][1]], "s2": all[1], "s3": all[2], "s5": all[3]])
            #expect(covering["s5"]?.map(\.startsOn) == ["2026-03-05", "2026-03-20"])
            let february = try await store.read { tx in try tx.contracts(from: "2026-02-15", through: "2026-02-20") }.mapValues { $0.map(\.startsOn) }
            #expect(february == ["s1": ["2026-01-01"], "s2": ["2026-02-01"]])
        }
    }

    @Test(arguments: backends)
    func liveSessionsOverlappingTheWindowComeByStreamerThenStart(_ backend: StoreBackend<any SettlementStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (store, _) = try backend.open(tmp)
            let sessions = try Self.writer(store).liveSessionStore
            func room(_ s: String) -> Room { Room(id: "r-\(s)", streamerID: s, title: "T", category: "games", createdAt: 0) }
            for (streamer, start, end) in [
                ("s2", Int64(950), Int64?(2_500)), ("s2", 100, 200), ("s0", 500, 1_000), ("s1", 900, 1_001), ("s1", 1_500, nil), ("s3", 2_000, nil),
            ] {
                _ = try await sessions.setLive(room(streamer), on: true, game: "chess", at: start)
                if let end { _ = try await sessions.setLive(room(streamer), on: false, game: nil, at: end) }
            }
            // The window is [1000, 2000): s0's ends at its start, s3's starts at its end.
            let seen = try await store.read { tx in
                var spans: [LiveSpan] = []
                try tx.forEachLiveSession(from: 1_000, until: 2_000) { spans.append($0) }
                return spans
            }
            #expect(seen == [
                LiveSpan(streamerID: "s1", startedAt: 900, endedAt: 1_001), LiveSpan(streamerID: "s1", startedAt: 1_500, endedAt: nil),
                LiveSpan(streamerID: "s2", startedAt: 950, endedAt: 2_500),
            ])
            let byStreamer = try await store.read { tx in try ["s2", "s3", "nobody"].map { try tx.liveSessions(streamer: $0) } }
            #expect(byStreamer == [
                [LiveSpan(streamerID: "s2", startedAt: 100, endedAt: 200), LiveSpan(streamerID: "s2", startedAt: 950, endedAt: 2_500)],
                [LiveSpan(streamerID: "s3", startedAt: 2_000, endedAt: nil)], [],
            ])
        }
    }

    @Test(arguments: backends)
    func theJournalIsBehindWhileAFactOfTheTypesWaitsPastTheCursor(_ backend: StoreBackend<any SettlementStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (store, _) = try backend.open(tmp)
            let facts = try Self.writer(store)
            let offsets = try await store.write { tx in
                [
                    try tx.journal.append(type: "t_a", payload: ["n": 1], at: 100).offset,
                    try tx.journal.append(type: "t_b", payload: ["n": 2], at: 200).offset,
                    try tx.journal.append(type: "t_c", payload: ["n": 3], at: 300).offset,
                ]
            }
            func behind(_ types: [String], before: Int64) async throws -> Bool {
                try await store.read { tx in try tx.journalBehind(consumer: "c1", types: types, before: before) }
            }
            // No cursor yet: every fact is past it. Recorded at `before` is not before it.
            #expect(try await behind(["t_a"], before: 101))
            #expect(try await behind(["t_a"], before: 100) == false)
            #expect(try await behind([], before: 1_000) == false)
            try await facts.setCursor(consumer: "c1", offset: offsets[0])
            #expect(try await behind(["t_a"], before: 1_000) == false, "a fact at the cursor is consumed")
            #expect(try await behind(["t_a", "t_b"], before: 1_000))
            #expect(try await behind(["t_a", "t_b"], before: 200) == false)
            #expect(try await behind(["t_c"], before: 301))
            let otherConsumer = try await store.read { tx in try tx.journalBehind(consumer: "c2", types: ["t_a"], before: 1_000) }
            #expect(otherConsumer, "another consumer's cursor")
            try await facts.setCursor(consumer: "c1", offset: offsets[2])
            #expect(try await behind(["t_a", "t_b", "t_c"], before: 1_000) == false)
        }
    }

    @Test(arguments: backends)
    func revenueAccountsShowIssuanceAndWhatSettlementPostedToGuilds(_ backend: StoreBackend<any SettlementStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (store, _) = try backend.open(tmp)
            let (noIssuance, noAccounts) = try await store.read { tx in (try tx.revenueIssuanceBalance(), try tx.guildRevenueAccounts().count) }
            #expect(noIssuance == 0 && noAccounts == 0)
            @Sendable func revenue(_ id: String, _ from: AccountID, _ to: AccountID, _ amount: Int64, _ code: String) -> TransferRequest {
                TransferRequest(id: id, debit: from, credit: to, asset: "revenue", amount: amount, code: code)
            }
            let issuance = AccountID.system(.revenueIssuance, "revenue")
            _ = try await store.write { tx in
                try tx.ledger.apply([
                    revenue("r1", issuance, .guild("g2", "revenue"), 5, "bonus"),
                    revenue("r2", issuance, .guild("g1", "revenue"), 100, "settlement"),
                    revenue("r3", .guild("g1", "revenue"), .system(.settlementPayouts, "revenue"), 30, "settlement"),
                    revenue("r4", issuance, .guild("g1", "revenue"), 50, "gift"),
                    revenue("r5", issuance, .user("s1", "revenue"), 40, "gift"),
                ], now: 1)
            }
            let issued = try await store.read { tx in try tx.revenueIssuanceBalance() }
            #expect(issued == -195)
            let accounts = try await store.read { tx in try tx.guildRevenueAccounts() }.map { "\($0.guildID):\($0.balance):\($0.settled)" }
            #expect(accounts == ["g1:120:70", "g2:5:0"])
        }
    }
}
