import EngineTesting
@testable import Storage
import Testing
@testable import Engine

/// What every `GuildStore` backend must do (see the protocols' doc comments).
@Suite("GuildStore conformance")
struct GuildStoreConformanceTests {
    static let backends: [StoreBackend<any GuildStore>] = [.sqlite { SQLiteGuildStore($0) }]

    @Test(arguments: backends)
    func guildsAreListedByIdAndUpdatedInPlace(_ backend: StoreBackend<any GuildStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (store, _) = try backend.open(tmp)
            let (none, zero) = try await store.read { tx in (try tx.guilds(), try tx.guildCount()) }
            #expect(none == [] && zero == 0)
            try await store.write { tx in
                try tx.insertGuild(id: "g2", name: "Two", shareBP: 2_000, now: 10)
                try tx.insertGuild(id: "g1", name: "One", shareBP: 1_000, now: 11)
            }
            let one = Guild(id: "g1", name: "One", shareBP: 1_000, createdAt: 11, updatedAt: 11)
            let two = Guild(id: "g2", name: "Two", shareBP: 2_000, createdAt: 10, updatedAt: 10)
            let (listed, count, g2, g3) = try await store.read { tx in
                (try tx.guilds(), try tx.guildCount(), try tx.guild(id: "g2"), try tx.guild(id: "g3"))
            }
            #expect(listed == [one, two] && count == 2 && g2 == two && g3 == nil)

            let updated = try await store.write { tx in
                [try tx.updateGuild(id: "g1", name: "Uno", shareBP: 1_500, now: 20), try tx.updateGuild(id: "g3", name: "None", shareBP: 0, now: 20)]
            }
            #expect(updated == [true, false])
            let renamed = Guild(id: "g1", name: "Uno", shareBP: 1_500, createdAt: 11, updatedAt: 20)
            let (after, countAfter) = try await store.read { tx in (try tx.guilds(), try tx.guildCount()) }
            #expect(after == [renamed, two] && countAfter == 2, "an update of no guild creates none")
        }
    }

    @Test(arguments: backends)
    func contractsRunUntilEndedAndListInTheirOrders(_ backend: StoreBackend<any GuildStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (store, _) = try backend.open(tmp)
            let empty = try await store.read { tx in [try tx.contracts(streamer: "s1"), try tx.contracts(guild: "g1")] }
            #expect(empty == [[], []])
            let ids = try await store.write { tx in
                try tx.insertGuild(id: "g1", name: "One", shareBP: 1_000, now: 1)
                try tx.insertGuild(id: "g2", name: "Two", shareBP: 2_000, now: 1)
                return [
                    try tx.insertContract(
                        guild: "g1", streamer: "s1", startsOn: "2026-03-01", exclusive: true, baseSalary: 500, shareBP: 1_200, by: "op", now: 5),
                    try tx.insertContract(
                        guild: "g1", streamer: "s2", startsOn: "2026-01-10", exclusive: false, baseSalary: 0, shareBP: 900, by: "op2", now: 6),
                    try tx.insertContract(
                        guild: "g1", streamer: "s3", startsOn: "2026-03-01", exclusive: false, baseSalary: 7, shareBP: 800, by: "op", now: 7),
                ]
            }
            #expect(ids == ids.sorted() && Set(ids).count == 3)
            let first = GuildContract(
                id: ids[0], guildID: "g1", streamerID: "s1", startsOn: "2026-03-01", endsOn: nil, exclusive: true, baseSalary: 500,
                shareBP: 1_200, createdBy: "op", createdAt: 5)
            let (running, elsewhere, ofG1, ofG2) = try await store.read { tx in
                (try tx.runningContract(guild: "g1", streamer: "s1"), try tx.runningContract(guild: "g2", streamer: "s1"),
                    try tx.contracts(guild: "g1"), try tx.contracts(guild: "g2"))
            }
            #expect(running == first && elsewhere == nil && ofG2 == [])
            // Newest start first; the two of 2026-03-01 by id, the later one first.
            #expect(ofG1.map(\.id) == [ids[2], ids[0], ids[1]])

            // s1 moves to g2 on 2026-04-01: the first contract ends, a running one starts.
            let moved = try await store.write { tx in
                try tx.endContract(id: ids[0], on: "2026-04-01")
                return try tx.insertContract(
                    guild: "g2", streamer: "s1", startsOn: "2026-04-01", exclusive: false, baseSalary: 0, shareBP: 2_000, by: "op", now: 9)
            }
            var ended = first
            ended.endsOn = "2026-04-01"
            let (history, inG1, inG2, ofG1After) = try await store.read { tx in
                (try tx.contracts(streamer: "s1"), try tx.runningContract(guild: "g1", streamer: "s1"),
                    try tx.runningContract(guild: "g2", streamer: "s1"), try tx.contracts(guild: "g1"))
            }
            #expect(history.map(\.id) == [ids[0], moved] && history.first == ended && history.last?.endsOn == nil)
            #expect(inG1 == nil, "an ended contract does not run")
            #expect(inG2?.id == moved)
            #expect(ofG1After.map(\.id) == [ids[2], ids[0], ids[1]], "ended contracts stay listed")
        }
    }

    @Test(arguments: backends)
    func aThrowRollsBackEveryWriteJournalAndLedgerIncluded(_ backend: StoreBackend<any GuildStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (store, facts) = try backend.open(tmp)
            let error = await thrown {
                try await store.write { tx in
                    try tx.insertGuild(id: "g1", name: "One", shareBP: 1_000, now: 1)
                    _ = try tx.insertContract(
                        guild: "g1", streamer: "s1", startsOn: "2026-01-01", exclusive: false, baseSalary: 0, shareBP: 1_000, by: "op", now: 1)
                    _ = try tx.ledger.apply([coinsTopUp("t1", "s1", 50)], now: 1)
                    try tx.journal.append(type: Guilds.contractType, payload: ["guild_id": "g1"], at: 1)
                    guard try tx.guildCount() == 1, try tx.ledger.balance(.user("s1", "coins")) == 50 else { return }
                    throw Aborted()
                }
            }
            #expect(error is Aborted, "the body reads its own writes, then throws")
            let (count, contracts, moved, balance) = try await store.read { tx in
                (try tx.guildCount(), try tx.contracts(streamer: "s1"), try tx.ledger.transferExists(id: "t1"),
                    try tx.ledger.balance(.user("s1", "coins")))
            }
            #expect(count == 0 && contracts == [] && !moved && balance == 0)
            #expect(try await facts(Guilds.contractType).isEmpty)

            // The same writes without the throw are kept.
            try await store.write { tx in
                try tx.insertGuild(id: "g1", name: "One", shareBP: 1_000, now: 1)
                _ = try tx.ledger.apply([coinsTopUp("t1", "s1", 50)], now: 1)
                try tx.journal.append(type: Guilds.contractType, payload: ["guild_id": "g1"], at: 1)
            }
            let (kept, keptBalance) = try await store.read { tx in (try tx.guildCount(), try tx.ledger.balance(.user("s1", "coins"))) }
            #expect(kept == 1 && keptBalance == 50)
            #expect(try await facts(Guilds.contractType) == [#"{"guild_id":"g1"}"#])
        }
    }

    @Test(arguments: backends)
    func aReadSeesOneSnapshotAndCannotWrite(_ backend: StoreBackend<any GuildStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (store, _) = try backend.open(tmp)
            try await store.write { tx in try tx.insertGuild(id: "g1", name: "One", shareBP: 1_000, now: 1) }
            let seen = try await snapshotReads(
                { body in try await store.read(body) }, value: { (tx: any GuildTransaction) in try tx.guilds().map(\.id) },
                during: { try await store.write { tx in try tx.insertGuild(id: "g2", name: "Two", shareBP: 0, now: 2) } })
            #expect(seen.first == ["g1"] && seen.second == ["g1"] && seen.after == ["g1", "g2"])
            let refused = await thrown { try await store.read { tx in try tx.insertGuild(id: "g3", name: "Three", shareBP: 0, now: 3) } }
            #expect(refused != nil)
            let count = try await store.read { tx in try tx.guildCount() }
            #expect(count == 2)
        }
    }
}
