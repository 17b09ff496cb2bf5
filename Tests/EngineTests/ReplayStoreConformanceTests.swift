@testable import Books
import EngineTesting
import Foundation
import GRDB
@testable import LiveOps
@testable import Scripting
@testable import Storage
import Testing
@testable import Engine

/// A replay store with what its tests set up and inspect beside it: a replay's transactions move
/// no money and read no cursors, failures or parked events, so the backend does.
struct ReplayBackend: Sendable {
    let store: any ReplayStore
    /// Moves money through the database's ledger.
    let transfer: @Sendable ([TransferRequest]) async throws -> [Transfer]
    /// Records a consumer failure, a parked event, and the `tasks` cursor at offset 9, fact 2.
    let seedConsumers: @Sendable () async throws -> Void
    /// The consumer failures and parked events stored.
    let consumerLeftovers: @Sendable () async throws -> Int
    /// A consumer's cursor as `offset/fact_index` (`-` for none); nil without a cursor.
    let cursor: @Sendable (String) async throws -> String?
    /// The replay's store over the database file at a path, opened read only.
    let openReadOnly: @Sendable (String) throws -> any ReplayStore
}

/// What every `ReplayStore` backend must do (see the protocols' doc comments).
@Suite("ReplayStore conformance")
struct ReplayStoreConformanceTests {
    static let backends: [StoreBackend<ReplayBackend>] = [
        .sqlite { store in
            let ledger = Ledger(store: store)
            return ReplayBackend(
                store: SQLiteReplayStore(store),
                transfer: { chain in try await ledger.transfer(chain) },
                seedConsumers: {
                    try await store.write { db in
                        try db.execute(sql: """
                            INSERT INTO consumer_failures (consumer, offset, fact_index, attempts, last_error) VALUES ('tasks', 3, 0, 1, 'boom');
                            INSERT INTO parked_events (consumer, offset, type, error, attempts, parked_at) VALUES ('tasks', 3, 'tick', 'boom', 1, 5);
                            INSERT INTO consumer_cursors (name, offset, fact_index) VALUES ('tasks', 9, 2);
                            """)
                    }
                },
                consumerLeftovers: {
                    try await store.read { db in
                        try Int.fetchOne(db, sql: "SELECT (SELECT COUNT(*) FROM consumer_failures) + (SELECT COUNT(*) FROM parked_events)") ?? 0
                    }
                },
                cursor: { name in
                    try await store.read { db in
                        try Row.fetchOne(db, sql: "SELECT offset, fact_index FROM consumer_cursors WHERE name = ?", arguments: [name]).map { row in
                            "\(row["offset"] as Int64)/\((row["fact_index"] as Int64?).map(String.init) ?? "-")"
                        }
                    }
                },
                openReadOnly: { path in try SQLiteReplayStore(readOnlyAt: path) })
        }
    ]

    static let completed = Tasks.completedType
    static let chest = Activities.chestOpenedType

    /// A task completion's payload.
    struct Completion: Encodable, Sendable {
        let task_id: String
        let stage: Int
    }

    /// A fact of no interest to the replay.
    struct Tick: Encodable, Sendable {
        let n: Int
    }

    @Test(arguments: backends)
    func theWindowIsFoundAndTheCopyIsCutToIt(_ backend: StoreBackend<ReplayBackend>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (replay, _) = try backend.open(tmp)
            let store = replay.store
            // Offsets 1...5, created at 100...500.
            try await store.write { tx in
                try tx.journal.append(type: "tick", payload: Tick(n: 1), at: 100)
                try tx.journal.append(type: Self.completed, payload: Completion(task_id: "t1", stage: 1), idempotencyKey: "k1", at: 200)
                try tx.journal.append(type: "tick", payload: Tick(n: 2), at: 300)
                try tx.journal.append(type: Self.chest, payload: Tick(n: 3), at: 400)
                try tx.journal.append(type: "tick", payload: Tick(n: 4), at: 500)
            }
            let window = try await store.read { tx in
                [
                    try tx.firstOffset(createdFrom: 200), try tx.firstOffset(createdFrom: 201), try tx.firstOffset(createdFrom: 600),
                    try tx.lastOffset(createdBefore: 450), try tx.lastOffset(createdBefore: 100),
                ]
            }
            #expect(window == [2, 3, nil, 4, nil])
            let rows = try await store.read { tx in [try tx.journalRows(from: 2, through: 4), try tx.journalRows(from: 6, through: 9)] }
            #expect(rows == [3, 0])

            // A known key answers its entry until keys are cleared.
            let before = try await store.write { tx in
                try tx.journal.append(type: Self.completed, payload: Completion(task_id: "t1", stage: 1), idempotencyKey: "k1", at: 600).offset
            }
            #expect(before == 2)
            try await store.write { tx in
                try tx.cutJournal(after: 4)
                try tx.deleteFacts(types: [Self.completed, Self.chest], from: 3)
                try tx.clearIdempotencyKeys(types: [Self.completed])
            }
            let left = try await store.read { tx in
                [Int64(try tx.journalRows(from: 1, through: 100)), try tx.lastOffset(createdBefore: 1000) ?? 0]
            }
            // 1, 2 and 3 are left: 4 (a derived type at or after 3) and 5 (after 4) are gone.
            #expect(left == [3, 3])
            let again = try await store.write { tx in
                try tx.journal.append(type: Self.completed, payload: Completion(task_id: "t1", stage: 1), idempotencyKey: "k1", at: 700).offset
            }
            #expect(again == 4)
        }
    }

    @Test(arguments: backends)
    func liveOpsStateIsClearedAndCursorsRewound(_ backend: StoreBackend<ReplayBackend>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (replay, _) = try backend.open(tmp)
            let store = replay.store
            let keys = [
                BoardKey(scope: "a2", board: "x", period: "2027-W03"), BoardKey(scope: "a1", board: "total", period: "all"),
                BoardKey(scope: "a1", board: "givers", period: "2027-01-20"),
            ]
            let chest = ChestProgress.Key(activity: "a1", chest: "c", owner: "u1")
            let progress = TaskProgress.Key(task: "t1", user: "u1", period: "2027-01-20")
            try await store.write { tx in
                for key in keys { try tx.openLeaderboardPeriod(key, order: .desc, at: 1) }
                let score = RankedEntry(member: "u1", score: 5, reachedAt: 1, seq: 1)
                try tx.saveLeaderboardScores([(Leaderboards.Pending(key: keys[0], member: "u1"), score)])
                try tx.saveChestProgress([(chest, ChestProgress.Value(progress: 3, opened: 1))])
                try tx.saveTaskProgress([progress: (value: 4, at: 2)])
                try tx.recordActivityEnd("a1", at: 3, journalOffset: 1)
                try tx.saveTaskClaim(task: "t1", user: "u1", period: "2027-01-20", stage: 1, rewardsJSON: "[]", at: 4)
            }
            try await replay.seedConsumers()
            let ordered = try await store.read { tx in try tx.boardKeys().map(\.description) }
            #expect(ordered == ["a1/givers@2027-01-20", "a1/total@all", "a2/x@2027-W03"])

            try await store.write { tx in
                try tx.clearLiveOpsState()
                try tx.rewindConsumer("activities", to: 7)
                try tx.rewindConsumer("activities", to: 3)
                try tx.rewindConsumer("tasks", to: 4)
            }
            let boards = try await store.read { tx in try tx.boardKeys().count + tx.leaderboardPeriods().count }
            #expect(boards == 0)
            let scores = try await store.read { tx in
                var n = 0
                try tx.forEachLeaderboardScore { _, _ in n += 1 }
                return n
            }
            #expect(scores == 0)
            let chestLeft = try await store.read { tx in try tx.chestProgress(chest) }
            #expect(chestLeft == nil)
            let progressLeft = try await store.read { tx in try tx.taskProgress(task: "t1", user: "u1", period: "2027-01-20") }
            #expect(progressLeft == nil)
            let ended = try await store.read { tx in try tx.activityEnded("a1") }
            #expect(!ended)
            // Claims are not the candidate's to rebuild: they stay.
            let claimed = try await store.read { tx in try tx.stageClaimed(task: "t1", user: "u1", period: "2027-01-20", stage: 1) }
            #expect(claimed)
            let leftovers = try await replay.consumerLeftovers()
            #expect(leftovers == 0)
            let activities = try await replay.cursor("activities")
            let tasks = try await replay.cursor("tasks")
            #expect(activities == "3/-")
            #expect(tasks == "4/-")
        }
    }

    @Test(arguments: backends)
    func rewardsAreSummedByAccountAndAssetAfterASequenceOrInATimeWindow(_ backend: StoreBackend<ReplayBackend>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (replay, _) = try backend.open(tmp)
            let store = replay.store
            func grant(_ id: String, _ user: String, _ amount: Int64) -> TransferRequest {
                TransferRequest(
                    id: id, debit: .system(.promotions, "coins"), credit: .user(user, "coins"), asset: "coins", amount: amount, code: "grant")
            }
            let first = try await replay.transfer([grant("activity:1", "u1", 10)])[0]
            let second = try await replay.transfer([grant("chest:1", "u1", 5)])[0]
            _ = try await replay.transfer([grant("grant:1", "u1", 100)])
            let last = try await replay.transfer([grant("activity:2", "u2", 7)])[0]
            let prefixes = ["activity:", "chest:"]
            let u1 = AccountID.user("u1", "coins").description, u2 = AccountID.user("u2", "coins").description

            let all = try await store.read { tx in try tx.rewardTotals(idPrefixes: prefixes, afterSeq: 0) }
            #expect(all == [
                ReplayRewardTotal(account: u1, asset: "coins", amount: 15, transfers: 2),
                ReplayRewardTotal(account: u2, asset: "coins", amount: 7, transfers: 1),
            ])
            let later = try await store.read { tx in try tx.rewardTotals(idPrefixes: prefixes, afterSeq: first.seq) }
            #expect(later == [
                ReplayRewardTotal(account: u1, asset: "coins", amount: 5, transfers: 1),
                ReplayRewardTotal(account: u2, asset: "coins", amount: 7, transfers: 1),
            ])
            let window = try await store.read { tx in try tx.rewardTotals(idPrefixes: prefixes, from: second.ts, to: last.ts) }
            #expect(window == [ReplayRewardTotal(account: u1, asset: "coins", amount: 5, transfers: 1)])
            let seq = try await store.read { tx in try tx.latestTransferSeq() }
            #expect(seq == last.seq)
        }
    }

    @Test(arguments: backends)
    func completionsCountPlainAndPackedFactsByTaskAndStage(_ backend: StoreBackend<ReplayBackend>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (replay, _) = try backend.open(tmp)
            let store = replay.store
            let none = try await store.read { tx in try tx.latestTransferSeq() }
            #expect(none == 0)
            try await store.write { tx in
                try tx.journal.append(type: Self.completed, payload: Completion(task_id: "t1", stage: 1), at: 100)
                try tx.journal.append(type: "tick", payload: Tick(n: 1), at: 150)
                try tx.appendPacked(type: Self.completed, facts: [
                    (hostJSON: #"{"stage":1,"task_id":"t1"}"#, at: 200), (hostJSON: #"{"stage":2,"task_id":"t2"}"#, at: 300),
                ])
            }
            let all = try await store.read { tx in try tx.completions(type: Self.completed, afterOffset: 0) }
            #expect(all == [
                WhatIfReplay.CompletionLine(task: "t1", stage: 1, users: 2), WhatIfReplay.CompletionLine(task: "t2", stage: 2, users: 1),
            ])
            let later = try await store.read { tx in try tx.completions(type: Self.completed, afterOffset: 1) }
            #expect(later == [
                WhatIfReplay.CompletionLine(task: "t1", stage: 1, users: 1), WhatIfReplay.CompletionLine(task: "t2", stage: 2, users: 1),
            ])
            // A packed fact counts at its own time.
            let window = try await store.read { tx in try tx.completions(type: Self.completed, from: 150, to: 300) }
            #expect(window == [WhatIfReplay.CompletionLine(task: "t1", stage: 1, users: 1)])
        }
    }

    @Test(arguments: backends)
    func theCopyHoldsEverythingAndAReadOnlyStoreRefusesWrites(_ backend: StoreBackend<ReplayBackend>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (replay, _) = try backend.open(tmp)
            try await replay.store.write { tx in
                try tx.journal.append(type: "tick", payload: Tick(n: 1), at: 100)
                try tx.journal.append(type: "tick", payload: Tick(n: 2), at: 200)
            }
            let path = tmp.directory.appendingPathComponent("copy.sqlite").path
            try replay.store.copy(to: path)
            let copy = try replay.openReadOnly(path)
            let rows = try await copy.read { tx in try tx.journalRows(from: 1, through: 100) }
            #expect(rows == 2)
            let error = await thrown {
                try await copy.write { tx in try tx.cutJournal(after: 0) }
            }
            #expect(error != nil)
            let kept = try await copy.read { tx in try tx.journalRows(from: 1, through: 100) }
            #expect(kept == 2)
        }
    }
}
