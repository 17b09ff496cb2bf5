@testable import Books
@testable import EngineCore
import EngineTesting
import Foundation
import GRDB
@testable import LiveOps
@testable import Scripting
@testable import Storage
import Testing
@testable import Engine

/// A live-ops store with the ledger its transactions move money through (what the methods that
/// name a ledger are given).
struct LiveOpsBackend: Sendable {
    let store: any LiveOpsStore
    let ledger: Ledger
}

/// What every `LiveOpsStore` backend must do (see the protocols' doc comments).
@Suite("LiveOpsStore conformance")
struct LiveOpsStoreConformanceTests {
    static let backends: [StoreBackend<LiveOpsBackend>] = [
        .sqlite { store in
            let ledger = Ledger(store: store)
            return LiveOpsBackend(store: SQLiteLiveOpsStore(store, ledger: ledger), ledger: ledger)
        }
    ]

    static let daily = BoardKey(scope: "a1", board: "givers", period: "2027-01-20")
    static let allTime = BoardKey(scope: "a1", board: "total", period: "all")

    static func entry(_ member: String, _ score: Int64, seq: Int64) -> RankedEntry {
        RankedEntry(member: member, score: score, reachedAt: 100 + seq, seq: seq)
    }

    static func pending(_ key: BoardKey, _ member: String) -> Leaderboards.Pending {
        Leaderboards.Pending(key: key, member: member)
    }

    /// Every stored score as `scope/board@period member=score#seq`, sorted.
    static func scores(_ tx: any LiveOpsTransaction) throws -> [String] {
        var out: [String] = []
        try tx.forEachLeaderboardScore { key, e in out.append("\(key) \(e.member)=\(e.score)#\(e.seq)@\(e.reachedAt)") }
        return out.sorted()
    }

    /// Every stored period as `scope/board@period order closed?`, sorted.
    static func periods(_ tx: any LiveOpsTransaction) throws -> [String] {
        try tx.leaderboardPeriods().map { "\($0.key) \($0.order)\($0.closed ? " closed" : "")" }.sorted()
    }

    @Test(arguments: backends)
    func boardPeriodsOpenOnceAndCloseWhetherRecordedOrNot(_ backend: StoreBackend<LiveOpsBackend>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (live, _) = try backend.open(tmp)
            let store = live.store
            let empty = try await store.read { tx in try Self.periods(tx) }
            #expect(empty == [])

            try await store.write { tx in
                try tx.openLeaderboardPeriod(Self.daily, order: .asc, at: 1)
                // Opened again: left as it is (its order too).
                try tx.openLeaderboardPeriod(Self.daily, order: .desc, at: 2)
                try tx.openLeaderboardPeriod(Self.allTime, order: .desc, at: 3)
            }
            let opened = try await store.read { tx in try Self.periods(tx) }
            #expect(opened == ["a1/givers@2027-01-20 asc", "a1/total@all desc"])

            let unknown = BoardKey(scope: "a2", board: "x", period: "2027-W03")
            try await store.write { tx in
                try tx.closeLeaderboardPeriod(Self.daily, at: 10)
                try tx.closeLeaderboardPeriod(unknown, at: 11)
                try tx.closeLeaderboardPeriod(unknown, at: 12)
            }
            let closed = try await store.read { tx in try Self.periods(tx) }
            #expect(closed == ["a1/givers@2027-01-20 asc closed", "a1/total@all desc", "a2/x@2027-W03 desc closed"])
        }
    }

    @Test(arguments: backends)
    func scoresAreWrittenReplacedAndDeletedInTheOrderGiven(_ backend: StoreBackend<LiveOpsBackend>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (live, _) = try backend.open(tmp)
            let store = live.store
            let none = try await store.read { tx in try Self.scores(tx) }
            #expect(none == [])

            try await store.write { tx in
                try tx.saveLeaderboardScores([])
                try tx.saveLeaderboardScores([
                    (Self.pending(Self.daily, "v1"), Self.entry("v1", 10, seq: 1)),
                    (Self.pending(Self.daily, "v2"), Self.entry("v2", 20, seq: 2)),
                    // A score of a period without a period row is stored and listed all the same.
                    (Self.pending(Self.allTime, "v1"), Self.entry("v1", 5, seq: 1)),
                    // Deleting a member never stored is no error.
                    (Self.pending(Self.daily, "ghost"), nil),
                ])
            }
            let written = try await store.read { tx in try Self.scores(tx) }
            #expect(written == ["a1/givers@2027-01-20 v1=10#1@101", "a1/givers@2027-01-20 v2=20#2@102", "a1/total@all v1=5#1@101"])

            try await store.write { tx in
                try tx.saveLeaderboardScores([
                    (Self.pending(Self.daily, "v1"), Self.entry("v1", 30, seq: 3)),
                    (Self.pending(Self.daily, "v2"), nil),
                    // Written, then deleted in the same call: the order given is kept.
                    (Self.pending(Self.daily, "v3"), Self.entry("v3", 1, seq: 4)),
                    (Self.pending(Self.daily, "v3"), nil),
                ])
            }
            let changed = try await store.read { tx in try Self.scores(tx) }
            #expect(changed == ["a1/givers@2027-01-20 v1=30#3@103", "a1/total@all v1=5#1@101"])
        }
    }

    @Test(arguments: backends)
    func chestRowsAreReadByOwnerAndReplaced(_ backend: StoreBackend<LiveOpsBackend>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (live, _) = try backend.open(tmp)
            let store = live.store
            let gold = ChestProgress.Key(activity: "a1", chest: "gold", owner: "v1")
            let silver = ChestProgress.Key(activity: "a1", chest: "silver", owner: "v1")
            let other = ChestProgress.Key(activity: "a1", chest: "gold", owner: "v2")
            let missing = try await store.read { tx in try tx.chestProgress(gold) }
            #expect(missing == nil)

            try await store.write { tx in
                try tx.saveChestProgress([])
                try tx.saveChestProgress([(gold, .init(progress: 25, opened: 2)), (silver, .init(progress: 3, opened: 0))])
            }
            try await store.write { tx in try tx.saveChestProgress([(gold, .init(progress: 31, opened: 3))]) }
            let (g, s, o) = try await store.read { tx in (try tx.chestProgress(gold), try tx.chestProgress(silver), try tx.chestProgress(other)) }
            #expect(g == .init(progress: 31, opened: 3) && s == .init(progress: 3, opened: 0) && o == nil)
        }
    }

    @Test(arguments: backends)
    func anActivityEndsOnceAndASpinKeyHoldsOneSpin(_ backend: StoreBackend<LiveOpsBackend>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (live, _) = try backend.open(tmp)
            let store = live.store
            let (ended, spin) = try await store.read { tx in (try tx.activityEnded("a1"), try tx.wheelSpin(user: "v1", idempotencyKey: "k1")) }
            #expect(!ended && spin == nil)

            try await store.write { tx in
                try tx.recordActivityEnd("a1", at: 50, journalOffset: 7)
                try tx.saveWheelSpin(user: "v1", idempotencyKey: "k1", bodyHash: "a1/lucky", outcome: #"{"draw":3}"#, at: 50)
            }
            let (a1, a2, mine, otherKey, otherUser) = try await store.read { tx in
                (try tx.activityEnded("a1"), try tx.activityEnded("a2"), try tx.wheelSpin(user: "v1", idempotencyKey: "k1"),
                    try tx.wheelSpin(user: "v1", idempotencyKey: "k2"), try tx.wheelSpin(user: "v2", idempotencyKey: "k1"))
            }
            #expect(a1 && !a2)
            #expect(mine?.bodyHash == "a1/lucky" && mine?.outcome == #"{"draw":3}"#)
            #expect(otherKey == nil && otherUser == nil)

            let endedTwice = await thrown { try await store.write { tx in try tx.recordActivityEnd("a1", at: 60, journalOffset: 8) } }
            #expect(endedTwice != nil)
            let spunTwice = await thrown {
                try await store.write { tx in
                    try tx.saveWheelSpin(user: "v1", idempotencyKey: "k1", bodyHash: "a1/other", outcome: "{}", at: 60)
                }
            }
            #expect(spunTwice != nil)
            let kept = try await store.read { tx in try tx.wheelSpin(user: "v1", idempotencyKey: "k1") }
            #expect(kept?.bodyHash == "a1/lucky", "the first spin stays")
        }
    }

    @Test(arguments: backends)
    func taskProgressAndClaimsAreKeptPerUserAndPeriod(_ backend: StoreBackend<LiveOpsBackend>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (live, _) = try backend.open(tmp)
            let store = live.store
            let (none, noStages, notClaimed) = try await store.read { tx in
                (try tx.taskProgress(task: "t1", user: "v1", period: "2027-01-20"),
                    try tx.claimedStages(task: "t1", user: "v1", period: "2027-01-20"),
                    try tx.stageClaimed(task: "t1", user: "v1", period: "2027-01-20", stage: 1))
            }
            #expect(none == nil && noStages == [] && !notClaimed)

            try await store.write { tx in
                try tx.saveTaskProgress([:])
                try tx.saveTaskProgress([
                    TaskProgress.Key(task: "t1", user: "v1", period: "2027-01-20"): (value: 3, at: 10),
                    TaskProgress.Key(task: "t1", user: "v1", period: "2027-01-21"): (value: 1, at: 11),
                ])
            }
            try await store.write { tx in
                try tx.saveTaskProgress([TaskProgress.Key(task: "t1", user: "v1", period: "2027-01-20"): (value: 5, at: 12)])
                try tx.saveTaskClaim(task: "t1", user: "v1", period: "2027-01-20", stage: 2, rewardsJSON: "[]", at: 12)
                try tx.saveTaskClaim(task: "t1", user: "v1", period: "2027-01-20", stage: 1, rewardsJSON: "[]", at: 13)
                try tx.saveTaskClaim(task: "t1", user: "v1", period: "2027-01-21", stage: 3, rewardsJSON: "[]", at: 13)
            }
            let (today, tomorrow, otherUser, stages, one, four) = try await store.read { tx in
                (try tx.taskProgress(task: "t1", user: "v1", period: "2027-01-20"),
                    try tx.taskProgress(task: "t1", user: "v1", period: "2027-01-21"),
                    try tx.taskProgress(task: "t1", user: "v2", period: "2027-01-20"),
                    try tx.claimedStages(task: "t1", user: "v1", period: "2027-01-20"),
                    try tx.stageClaimed(task: "t1", user: "v1", period: "2027-01-20", stage: 1),
                    try tx.stageClaimed(task: "t1", user: "v1", period: "2027-01-20", stage: 4))
            }
            #expect(today == 5 && tomorrow == 1 && otherUser == nil)
            #expect(stages == [1, 2] && one && !four)

            let claimedTwice = await thrown {
                try await store.write { tx in
                    try tx.saveTaskClaim(task: "t1", user: "v1", period: "2027-01-20", stage: 1, rewardsJSON: "[]", at: 14)
                }
            }
            #expect(claimedTwice != nil)
        }
    }

    @Test(arguments: backends)
    func packedFactsAreJournaledInOrderAndNoneWriteNothing(_ backend: StoreBackend<LiveOpsBackend>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (live, facts) = try backend.open(tmp)
            let store = live.store
            let (before, after) = try await store.write { tx in
                let before = try tx.journal.latestOffset()
                try tx.appendPacked(type: Tasks.completedType, facts: [])
                let unchanged = try tx.journal.latestOffset()
                try tx.appendPacked(type: Tasks.completedType, facts: [(hostJSON: #"{"n":1}"#, at: 5), (hostJSON: #"{"n":2}"#, at: 6)])
                return (unchanged - before, try tx.journal.latestOffset() - before)
            }
            #expect(before == 0 && after == 1, "two facts, one row")
            let rows = try await facts(Tasks.completedType)
            #expect(rows == [#"[[5,{"n":1}],[6,{"n":2}]]"#], "each fact with its time, in order, as the journal packs them")
            let badType = await thrown { try await store.write { tx in try tx.appendPacked(type: "", facts: [(hostJSON: "{}", at: 1)]) } }
            #expect(badType is JournalError)
        }
    }

    @Test(arguments: backends)
    func inventoryGrantsOncePerOriginAndListsBadgesByName(_ backend: StoreBackend<LiveOpsBackend>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (live, _) = try backend.open(tmp)
            let store = live.store
            let empty = try await store.read { tx in try tx.inventory(user: "v1") }
            #expect(empty == Inventory(badges: [], items: [:]))

            let recorded = try await store.write { tx in
                let first = try tx.recordInventoryGrant(origin: "o:0", user: "v1", kind: "badge", name: "zeta", amount: 1, at: 1)
                let again = try tx.recordInventoryGrant(origin: "o:0", user: "v1", kind: "badge", name: "zeta", amount: 1, at: 2)
                try tx.grantBadge(user: "v1", badge: "zeta", origin: "o:0", at: 1)
                try tx.grantBadge(user: "v1", badge: "alpha", origin: "o:1", at: 2)
                try tx.grantBadge(user: "v1", badge: "zeta", origin: "o:2", at: 3)
                try tx.addItems(user: "v1", item: "rose", count: 2)
                try tx.addItems(user: "v1", item: "rose", count: 3)
                try tx.addItems(user: "v1", item: "ticket", count: 1)
                try tx.addItems(user: "v2", item: "rose", count: 9)
                return [first, again]
            }
            #expect(recorded == [true, false])
            let (mine, theirs, nobody) = try await store.read { tx in
                (try tx.inventory(user: "v1"), try tx.inventory(user: "v2"), try tx.inventory(user: "v3"))
            }
            #expect(mine == Inventory(badges: ["alpha", "zeta"], items: ["rose": 5, "ticket": 1]))
            #expect(theirs == Inventory(badges: [], items: ["rose": 9]) && nobody == Inventory(badges: [], items: [:]))
        }
    }

    @Test(arguments: backends)
    func partsThatNameALedgerMoveMoneyThroughIt(_ backend: StoreBackend<LiveOpsBackend>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (live, _) = try backend.open(tmp)
            let (store, ledger) = (live.store, live.ledger)
            let moved = try await store.write { tx in
                let first = try tx.applyTransfers([coinsTopUp("t1", "v1", 40)], ledger: ledger, now: 1, callerRollsBack: false)
                let second = try tx.applyTransfers([coinsTopUp("t2", "v1", 2)], ledger: ledger, now: 2, callerRollsBack: true)
                let effects = tx.effectsTransaction(ledger: ledger)
                _ = try effects.ledger.apply([coinsTopUp("t3", "v1", 100)], now: 3)
                return first.map(\.id) + second.map(\.id)
            }
            #expect(moved == ["t1", "t2"])
            let (viaReads, viaTx, exists) = try await store.read { tx in
                (try tx.handlerReads(ledger: ledger, calendar: OperationsCalendar()).balance(user: "v1", asset: "coins"),
                    try tx.ledger.balance(.user("v1", "coins")), try tx.ledger.transferExists(id: "t3"))
            }
            #expect(viaReads == 142 && viaTx == 142 && exists)

            // A retried chain answers its first transfers and moves nothing more.
            let retried = try await store.write { tx in
                try tx.applyTransfers([coinsTopUp("t1", "v1", 40)], ledger: ledger, now: 4, callerRollsBack: false)
            }
            let after = try await store.read { tx in try tx.ledger.balance(.user("v1", "coins")) }
            #expect(retried.map(\.id) == ["t1"] && after == 142)
        }
    }

    @Test(arguments: backends)
    func aConsumersTransactionIsHandedBackAsItsLiveOpsPart(_ backend: StoreBackend<LiveOpsBackend>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (live, _) = try backend.open(tmp)
            let store = live.store
            let (same, seen) = try await store.write { tx in
                let part = store.transaction(tx)
                try part.grantBadge(user: "v1", badge: "b", origin: "o", at: 1)
                return (part === tx, try tx.inventory(user: "v1").badges)
            }
            #expect(same && seen == ["b"], "the same object, over the same transaction")
        }
    }

    @Test(arguments: backends)
    func aThrowRollsBackEveryWriteJournalAndLedgerIncluded(_ backend: StoreBackend<LiveOpsBackend>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (live, facts) = try backend.open(tmp)
            let (store, ledger) = (live.store, live.ledger)
            let gold = ChestProgress.Key(activity: "a1", chest: "gold", owner: "v1")
            let error = await thrown {
                try await store.write { tx in
                    try tx.openLeaderboardPeriod(Self.daily, order: .desc, at: 1)
                    try tx.saveLeaderboardScores([(Self.pending(Self.daily, "v1"), Self.entry("v1", 10, seq: 1))])
                    try tx.saveChestProgress([(gold, .init(progress: 5, opened: 0))])
                    try tx.recordActivityEnd("a1", at: 1, journalOffset: 1)
                    try tx.saveWheelSpin(user: "v1", idempotencyKey: "k1", bodyHash: "h", outcome: "{}", at: 1)
                    try tx.saveTaskProgress([TaskProgress.Key(task: "t1", user: "v1", period: "p"): (value: 1, at: 1)])
                    try tx.saveTaskClaim(task: "t1", user: "v1", period: "p", stage: 1, rewardsJSON: "[]", at: 1)
                    _ = try tx.recordInventoryGrant(origin: "o", user: "v1", kind: "item", name: "rose", amount: 1, at: 1)
                    try tx.addItems(user: "v1", item: "rose", count: 1)
                    try tx.grantBadge(user: "v1", badge: "b", origin: "o", at: 1)
                    try tx.appendPacked(type: Tasks.completedType, facts: [(hostJSON: "{}", at: 1)])
                    try tx.journal.append(type: Activities.wheelSpunType, payload: ["user_id": "v1"], at: 1)
                    _ = try tx.ledger.apply([coinsTopUp("t1", "v1", 50)], now: 1)
                    _ = try tx.applyTransfers([coinsTopUp("t2", "v1", 5)], ledger: ledger, now: 1, callerRollsBack: false)
                    guard try tx.chestProgress(gold) != nil, try tx.ledger.balance(.user("v1", "coins")) == 55 else { return }
                    throw Aborted()
                }
            }
            #expect(error is Aborted, "the body reads its own writes, then throws")
            let (periods, scores, chest, ended, spin) = try await store.read { tx in
                (try Self.periods(tx), try Self.scores(tx), try tx.chestProgress(gold), try tx.activityEnded("a1"),
                    try tx.wheelSpin(user: "v1", idempotencyKey: "k1"))
            }
            #expect(periods == [] && scores == [] && chest == nil && !ended && spin == nil)
            let (progress, claimed, inventory, balance) = try await store.read { tx in
                (try tx.taskProgress(task: "t1", user: "v1", period: "p"), try tx.claimedStages(task: "t1", user: "v1", period: "p"),
                    try tx.inventory(user: "v1"), try tx.ledger.balance(.user("v1", "coins")))
            }
            #expect(progress == nil && claimed == [] && inventory == Inventory(badges: [], items: [:]) && balance == 0)
            let (completed, spun) = (try await facts(Tasks.completedType), try await facts(Activities.wheelSpunType))
            #expect(completed == [] && spun == [])

            // The grant was rolled back with the rest: the same origin records again.
            let again = try await store.write { tx in
                try tx.recordInventoryGrant(origin: "o", user: "v1", kind: "item", name: "rose", amount: 1, at: 2)
            }
            #expect(again)
        }
    }

    @Test(arguments: backends)
    func aReadSeesOneSnapshotAndCannotWrite(_ backend: StoreBackend<LiveOpsBackend>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (live, _) = try backend.open(tmp)
            let store = live.store
            let key = TaskProgress.Key(task: "t1", user: "v1", period: "p")
            try await store.write { tx in try tx.saveTaskProgress([key: (value: 1, at: 1)]) }
            let seen = try await snapshotReads(
                { body in try await store.read(body) },
                value: { (tx: any LiveOpsTransaction) in try tx.taskProgress(task: "t1", user: "v1", period: "p") ?? -1 },
                during: { try await store.write { tx in try tx.saveTaskProgress([key: (value: 2, at: 2)]) } })
            #expect(seen.first == 1 && seen.second == 1 && seen.after == 2)
            let refused = await thrown { try await store.read { tx in try tx.grantBadge(user: "v1", badge: "b", origin: "o", at: 3) } }
            #expect(refused != nil)
            let inventory = try await store.read { tx in try tx.inventory(user: "v1") }
            #expect(inventory.badges == [])
        }
    }

    /// The SQLite backend writes the checkpoint's rows `INSERT OR REPLACE` (a replace deletes the
    /// old row): that stays right only while no trigger watches these tables, no second index
    /// holds their rows and no foreign key points at them.
    @Test("the SQLite checkpoint tables have no trigger, no second index and no foreign key pointing at them")
    func checkpointTablesMayBeReplaced() async throws {
        try await TemporaryDatabase.with { tmp in
            let store = try tmp.openStore()
            let tables = ["task_progress", "leaderboard_scores", "chest_progress"]
            // On the writer's connection, where the writer's own temporary triggers live.
            let found = try await store.write { db in
                let marks = tables.map { "'\($0)'" }.joined(separator: ", ")
                let triggers = try String.fetchAll(db, sql: """
                    SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN (\(marks))
                    UNION ALL SELECT name FROM sqlite_temp_master WHERE type = 'trigger' AND tbl_name IN (\(marks))
                    """)
                let indexes = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN (\(marks))")
                let references = try String.fetchAll(db, sql: """
                    SELECT m.name FROM sqlite_master m, pragma_foreign_key_list(m.name) f
                    WHERE m.type = 'table' AND f."table" IN (\(marks))
                    """)
                let withoutRowID = try tables.map { table in
                    try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = ?", arguments: [table])?.contains("WITHOUT ROWID") ?? false
                }
                return (triggers: triggers, indexes: indexes, references: references, withoutRowID: withoutRowID)
            }
            #expect(found.triggers == [] && found.indexes == [] && found.references == [])
            #expect(found.withoutRowID == [true, true, true])
        }
    }
}
