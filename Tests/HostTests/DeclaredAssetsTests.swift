import ArgumentParser
@testable import Books
import Engine
import EngineTesting
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
@testable import Rooms
@testable import Storage
import Logging
@testable import Showrunner
import Testing
@testable import Host

@Suite("Declared assets, the engine clock, pending expiry wiring")
struct DeclaredAssetsTests {
    struct Balances: Decodable { let balances: [String: Int64] }
    struct Granted: Decodable { let id: String; let asset: String; let amount: Int64; let ts: Int64 }

    func grant(_ asset: String, _ amount: Int64, key: String) -> ByteBuffer {
        jsonBody(#"{"asset":"\#(asset)","amount":\#(amount),"reason":"event prize","idempotency_key":"\#(key)"}"#)
    }

    @Test("an operator grants a declared asset and the wallet shows it; an undeclared one is a 400 JSON error")
    func grantDeclaredAsset() async throws {
        let e = try await EngineHost(ledgerConfiguration: try LedgerConfiguration(declaredAssets: ["gold", "stars"]))
        let op = try e.token(.operator, user: "ops")
        let viewer = try e.token(.viewer, user: "v5")
        try await e.test { client in
            let granted = try await client.execute(uri: "/v1/admin/wallets/v5/grants", method: .post, headers: bearer(op), body: grant("gold", 7, key: "g1"))
            #expect(granted.status == .created)
            let transfer = try granted.json(Granted.self)
            #expect(transfer.asset == "gold" && transfer.amount == 7)
            let wallet = try await client.execute(uri: "/v1/wallet", method: .get, headers: bearer(viewer)).json(Balances.self)
            #expect(wallet.balances == ["coins": 0, "tickets": 0, "revenue": 0, "gold": 7, "stars": 0])
            let undeclared = try await client.execute(uri: "/v1/admin/wallets/v5/grants", method: .post, headers: bearer(op), body: grant("silver", 7, key: "g2"))
            #expect(undeclared.status == .badRequest)
            let body = try undeclared.json(ErrorBody.self)
            #expect(body.error == "unknown_asset" && body.message.contains("silver"))
            let malformed = try await client.execute(uri: "/v1/admin/wallets/v5/grants", method: .post, headers: bearer(op), body: grant("Gold", 7, key: "g3"))
            #expect(malformed.status == .badRequest)
            #expect(try malformed.json(ErrorBody.self).error == "unknown_asset")
            let gift = try await client.execute(uri: "/v1/admin/gifts/nugget", method: .put, headers: bearer(op),
                body: jsonBody(#"{"name":"Nugget","price_coins":5,"effect_asset":"gold"}"#))
            #expect(gift.status == .ok)
            let badGift = try await client.execute(uri: "/v1/admin/gifts/ingot", method: .put, headers: bearer(op),
                body: jsonBody(#"{"name":"Ingot","price_coins":5,"effect_asset":"silver"}"#))
            #expect(badGift.status == .badRequest)
            #expect(try badGift.json(ErrorBody.self).message.contains("silver"))
        }
        #expect(try await e.engine.ledger.balances(user: "v5") == ["coins": 0, "tickets": 0, "revenue": 0, "gold": 7, "stars": 0])
        let clean = try await e.engine.store.read { db in try Reconciliation().check(db).isClean }
        #expect(clean)
    }

    @Test("without the declaration the same asset is refused, and a gift step's grant of it is too")
    func builtInsOnly() async throws {
        let e = try await EngineHost()
        let op = try e.token(.operator, user: "ops")
        try await e.test { client in
            let r = try await client.execute(uri: "/v1/admin/wallets/v5/grants", method: .post, headers: bearer(op), body: grant("gold", 7, key: "g1"))
            #expect(r.status == .badRequest)
            #expect(try r.json(ErrorBody.self).error == "unknown_asset")
        }
        #expect(try await e.engine.ledger.balances(user: "v5")["gold"] == nil)
    }

    @Test("after_commit steps may grant a declared asset")
    func stepGrantsDeclaredAsset() async throws {
        let e = try await EngineHost(
            scripts: ["gifts/gold.lua": "return gift_step { id = 'gold', order = 1, after_commit = function(ctx, g) ctx.grant(g.sender_id, 'gold', g.count, 'gold rush') end }"],
            ledgerConfiguration: try LedgerConfiguration(declaredAssets: ["gold"]))
        defer { e.folder.remove() }
        _ = try await e.engine.rooms.create(NewRoom(id: "r1", streamerID: "s1", title: "Room", category: "chat"))
        _ = try await e.engine.gifts.put(id: "rose", GiftEdit(name: "Rose", priceCoins: 10))
        _ = try await e.engine.ledger.transfer([TransferRequest(id: "seed", debit: .system(.promotions, "coins"),
            credit: .user("v1", "coins"), asset: "coins", amount: 100, code: "seed")])
        _ = try await e.engine.giftSender.send(GiftSendRequest(roomID: "r1", senderID: "v1", giftID: "rose", count: 3, idempotencyKey: "k"))
        let report = try await e.engine.consumers.drain()
        #expect(report.parked == 0)
        #expect(try await e.engine.ledger.balances(user: "v1")["gold"] == 3)
    }

    @Test("grants and their audit facts are stamped by the engine's clock")
    func grantsUseTheEngineClock() async throws {
        let clock = ManualClock(nowMillis: 1_800_000_000_000)
        let e = try await EngineHost(clock: clock)
        let op = try e.token(.operator, user: "ops")
        try await e.test { client in
            let first = try await client.execute(uri: "/v1/admin/wallets/v5/grants", method: .post, headers: bearer(op), body: grant("tickets", 1, key: "a")).json(Granted.self)
            #expect(first.ts == 1_800_000_000_000 * 1000)
            clock.advance(byMillis: 60_000)
            let second = try await client.execute(uri: "/v1/admin/wallets/v5/grants", method: .post, headers: bearer(op), body: grant("tickets", 1, key: "b")).json(Granted.self)
            #expect(second.ts == 1_800_000_060_000 * 1000)
            let reversal = try await client.execute(uri: "/v1/admin/transfers/\(second.id)/reversals", method: .post, headers: bearer(op),
                body: jsonBody(#"{"reason":"typo","idempotency_key":"r"}"#)).json(Granted.self)
            #expect(reversal.ts == 1_800_000_060_000 * 1000 + 1)
        }
        let stamps = try await e.engine.store.read { db in
            try Int64.fetchAll(db, sql: "SELECT created_at FROM journal WHERE type IN ('admin_grant', 'admin_reversal') ORDER BY offset")
        }
        #expect(stamps == [1_800_000_000_000, 1_800_000_060_000, 1_800_000_060_000])
    }

    @Test("serve runs the pending expiry among its services, at the configured interval")
    func servicesIncludePendingExpiry() async throws {
        let e = try await EngineHost()
        defer { e.folder.remove() }
        let expiry = e.engine.services(watchScripts: false).compactMap { $0 as? PendingExpiry }
        #expect(expiry.count == 1 && expiry.first?.interval == .seconds(1))
        let tuned = e.engine.services(watchScripts: false, pendingExpiryInterval: .milliseconds(250)).compactMap { $0 as? PendingExpiry }
        #expect(tuned.first?.interval == .milliseconds(250))
        let serve = try #require(try ShowrunnerCommand.parseAsRoot(["serve", "--dev", "--pending-expiry-interval-ms", "250"]) as? ServeCommand)
        #expect(serve.pendingExpiryIntervalMs == 250)
        for bad in ["0", "-5", "3600001"] {
            #expect(throws: (any Error).self) { try ShowrunnerCommand.parseAsRoot(["serve", "--dev", "--pending-expiry-interval-ms", bad]) }
        }
    }

    @Test("--consumer-checkpoint-ms: 0...1000 (100 by default), anything else refused before the server starts")
    func consumerCheckpointFlag() throws {
        let plain = try #require(try ShowrunnerCommand.parseAsRoot(["serve", "--dev"]) as? ServeCommand)
        #expect(plain.consumerCheckpointMs == 100)
        for good in ["0", "1", "1000"] {
            let serve = try #require(try ShowrunnerCommand.parseAsRoot(["serve", "--dev", "--consumer-checkpoint-ms", good]) as? ServeCommand)
            #expect(serve.consumerCheckpointMs == Int64(good))
        }
        for bad in ["-1", "1001", "9223372036854775808", "1e3", ""] {
            #expect(throws: (any Error).self) { try ShowrunnerCommand.parseAsRoot(["serve", "--dev", "--consumer-checkpoint-ms", bad]) }
        }
    }

    @Test("--consumer-catch-up-checkpoint-ms: --consumer-checkpoint-ms...1000 (1000 by default), anything else refused with its range before the server starts")
    func consumerCatchUpCheckpointFlag() throws {
        let flag = "--consumer-catch-up-checkpoint-ms"
        let plain = try #require(try ShowrunnerCommand.parseAsRoot(["serve", "--dev"]) as? ServeCommand)
        #expect(plain.consumerCatchUpCheckpointMs == 1000 && ConsumerRunner.catchUpCheckpointMillisDefault == 1000)
        for (checkpoint, good) in [("100", "100"), ("100", "101"), ("100", "1000"), ("0", "0"), ("1000", "1000")] {
            let serve = try #require(
                try ShowrunnerCommand.parseAsRoot(["serve", "--dev", "--consumer-checkpoint-ms", checkpoint, flag, good]) as? ServeCommand)
            #expect(serve.consumerCatchUpCheckpointMs == Int64(good), "\(checkpoint) \(good)")
        }
        // Below the checkpoint interval (the default's 100 or the one given), past 1000, or not a number.
        for (checkpoint, bad) in [("100", "99"), ("100", "0"), ("500", "499"), ("100", "1001"), ("100", "-1"), ("100", "9223372036854775808"),
                                  ("100", "1e3"), ("100", ""), ("100", "20ms")] {
            #expect(throws: (any Error).self, "\(checkpoint) \(bad)") {
                try ShowrunnerCommand.parseAsRoot(["serve", "--dev", "--consumer-checkpoint-ms", checkpoint, flag, bad])
            }
        }
        do {
            _ = try ShowrunnerCommand.parseAsRoot(["serve", "--dev", "--consumer-checkpoint-ms", "500", flag, "499"])
            Issue.record("\(flag) 499 was accepted under a checkpoint of 500")
        } catch {
            #expect(ShowrunnerCommand.message(for: error).contains("\(flag) must be --consumer-checkpoint-ms (500)...1000"),
                "\(ShowrunnerCommand.message(for: error))")
        }
    }

    @Test("the engine's runner reads a behind consumer's batches for the catch-up interval it was opened with (1 s by default, never below the checkpoint interval)")
    func consumerCatchUpReachesTheRunner() async throws {
        let cases: [(Duration?, Duration?, Duration, Duration)] = [
            (nil, nil, .milliseconds(100), .seconds(1)), (.zero, nil, .zero, .seconds(1)),
            (.milliseconds(100), .milliseconds(100), .milliseconds(100), .milliseconds(100)),
            (.milliseconds(200), .milliseconds(600), .milliseconds(200), .milliseconds(600)),
        ]
        for (checkpoint, catchUp, expected, expectedCatchUp) in cases {
            try await TemporaryDatabase.with { tmp in
                let folder = try ScriptFolder([:])
                defer { folder.remove() }
                let engine = try EngineParts.open(
                    databasePath: tmp.path, scriptsPath: folder.path, consumerCheckpointInterval: checkpoint,
                    consumerCatchUpCheckpointInterval: catchUp, logger: .quiet())
                #expect(engine.consumers.checkpointInterval == expected)
                #expect(engine.consumers.catchUpCheckpointInterval == expectedCatchUp)
                try engine.store.close()
            }
        }
    }

    @Test("--consumer-spacing-ms: 0...1000 (20 by default), anything else refused with its range before the server starts")
    func consumerSpacingFlag() throws {
        let plain = try #require(try ShowrunnerCommand.parseAsRoot(["serve", "--dev"]) as? ServeCommand)
        #expect(plain.consumerSpacingMs == 20)
        #expect(ConsumerRunner.batchSpacingDefault == .milliseconds(plain.consumerSpacingMs))
        try Self.checkMillisFlag("--consumer-spacing-ms") { $0.consumerSpacingMs }
    }

    @Test("--consumer-bulk-spacing-ms: 0...1000 (100 by default), anything else refused with its range before the server starts")
    func consumerBulkSpacingFlag() throws {
        let plain = try #require(try ShowrunnerCommand.parseAsRoot(["serve", "--dev"]) as? ServeCommand)
        #expect(plain.consumerBulkSpacingMs == 100)
        #expect(ConsumerRunner.bulkBatchSpacingDefault == .milliseconds(plain.consumerBulkSpacingMs))
        try Self.checkMillisFlag("--consumer-bulk-spacing-ms") { $0.consumerBulkSpacingMs }
        let bulk = try #require(try ShowrunnerCommand.parseAsRoot(["serve", "--dev", "--consumer-bulk-spacing-ms", "7"]) as? ServeCommand)
        #expect(bulk.consumerSpacingMs == 20, "the prompt consumers' spacing is its own flag")
    }

    /// A `serve` flag of milliseconds 0...1000: its edges are taken as given, and anything else
    /// (negative, past 1000 or Int64, not a whole number, empty, with a unit) is refused before
    /// the server starts, with the flag's range in the message.
    private static func checkMillisFlag(_ flag: String, read: (ServeCommand) -> Int64) throws {
        for good in ["0", "1", "1000"] {
            let serve = try #require(try ShowrunnerCommand.parseAsRoot(["serve", "--dev", flag, good]) as? ServeCommand)
            #expect(read(serve) == Int64(good), "\(flag) \(good)")
        }
        for bad in ["-1", "1001", "9223372036854775808", "1e3", "", "20ms"] {
            #expect(throws: (any Error).self, "\(flag) \(bad)") { try ShowrunnerCommand.parseAsRoot(["serve", "--dev", flag, bad]) }
        }
        do {
            _ = try ShowrunnerCommand.parseAsRoot(["serve", "--dev", flag, "1001"])
            Issue.record("\(flag) 1001 was accepted")
        } catch {
            #expect(ShowrunnerCommand.message(for: error).contains("\(flag) must be 0...1000"), "\(ShowrunnerCommand.message(for: error))")
        }
    }

    @Test("the engine's consumers start their batches at least the spacing it was opened with apart (20 ms by default; bulk ones 100 ms)")
    func consumerSpacingReachesTheRunner() async throws {
        for (spacing, bulk) in [(nil, nil), (Duration.zero, Duration.zero), (.milliseconds(250), .milliseconds(500))] {
            try await TemporaryDatabase.with { tmp in
                let folder = try ScriptFolder([:])
                defer { folder.remove() }
                let engine = try EngineParts.open(
                    databasePath: tmp.path, scriptsPath: folder.path, consumerBatchSpacing: spacing, consumerBulkBatchSpacing: bulk, logger: .quiet())
                #expect(engine.consumers.batchSpacing == spacing ?? .milliseconds(20))
                #expect(engine.consumers.bulkBatchSpacing == bulk ?? .milliseconds(100))
                try engine.store.close()
            }
        }
    }

    @Test("--consumer-prepares: 1...64 (one fewer than the cores, at least 1, by default), anything else refused with its range before the server starts")
    func consumerPreparesFlag() throws {
        let plain = try #require(try ShowrunnerCommand.parseAsRoot(["serve", "--dev"]) as? ServeCommand)
        #expect(plain.consumerPrepares == nil)
        #expect(ConsumerRunner.preparesMaxDefault == max(1, ProcessInfo.processInfo.activeProcessorCount - 1))
        for good in ["1", "2", "64"] {
            let serve = try #require(try ShowrunnerCommand.parseAsRoot(["serve", "--dev", "--consumer-prepares", good]) as? ServeCommand)
            #expect(serve.consumerPrepares == Int(good), "--consumer-prepares \(good)")
        }
        for bad in ["0", "-1", "65", "9223372036854775808", "1.5", "", "two"] {
            #expect(throws: (any Error).self, "--consumer-prepares \(bad)") {
                try ShowrunnerCommand.parseAsRoot(["serve", "--dev", "--consumer-prepares", bad])
            }
        }
        for outside in ["0", "65"] {
            do {
                _ = try ShowrunnerCommand.parseAsRoot(["serve", "--dev", "--consumer-prepares", outside])
                Issue.record("--consumer-prepares \(outside) was accepted")
            } catch {
                #expect(ShowrunnerCommand.message(for: error).contains("--consumer-prepares must be 1...64"), "\(ShowrunnerCommand.message(for: error))")
            }
        }
    }

    @Test("the engine's runner lets as many consumers prepare at once as it was opened with (by default one fewer than the cores)")
    func consumerPreparesReachTheRunner() async throws {
        for prepares in [nil, 1, 3] {
            try await TemporaryDatabase.with { tmp in
                let folder = try ScriptFolder([:])
                defer { folder.remove() }
                let engine = try EngineParts.open(databasePath: tmp.path, scriptsPath: folder.path, consumerPreparesMax: prepares, logger: .quiet())
                #expect(engine.consumers.preparesMax == prepares ?? ConsumerRunner.preparesMaxDefault)
                try engine.store.close()
            }
        }
    }

    @Test("bulk consumers are the state nobody reads to the tenth of a second; what viewers watch stays prompt")
    func consumerPaces() async throws {
        try await TemporaryDatabase.with { tmp in
            let folder = try ScriptFolder([:])
            defer { folder.remove() }
            let engine = try EngineParts.open(databasePath: tmp.path, scriptsPath: folder.path, logger: .quiet())
            let paces = Dictionary(uniqueKeysWithValues: engine.consumers.consumers.map { ($0.name, $0.pace) })
            #expect(paces["tasks"] == .bulk)
            #expect(paces["activities"] == .bulk)
            #expect(paces["earnings"] == .bulk)
            #expect(paces["account-history"] == .bulk)
            #expect(paces["room-events"] == .prompt)
            #expect(paces["gift-steps"] == .prompt)
            #expect(paces["notifications"] == .prompt)
            let bulk = try #require(engine.consumers.consumers.first { $0.name == "tasks" })
            let prompt = try #require(engine.consumers.consumers.first { $0.name == "room-events" })
            #expect(engine.consumers.spacing(of: bulk) == .milliseconds(100))
            #expect(engine.consumers.spacing(of: prompt) == .milliseconds(20))
            try engine.store.close()
        }
    }

    @Test("--writer-priority-boost: 0...19 (10 by default), anything else refused before the server starts")
    func writerPriorityFlag() throws {
        let plain = try #require(try ShowrunnerCommand.parseAsRoot(["serve", "--dev"]) as? ServeCommand)
        #expect(plain.writerPriorityBoost == 10)
        for good in ["0", "1", "19"] {
            let serve = try #require(try ShowrunnerCommand.parseAsRoot(["serve", "--dev", "--writer-priority-boost", good]) as? ServeCommand)
            #expect(serve.writerPriorityBoost == Int(good))
        }
        for bad in ["-1", "20", "9223372036854775808", "5.5", ""] {
            #expect(throws: (any Error).self) { try ShowrunnerCommand.parseAsRoot(["serve", "--dev", "--writer-priority-boost", bad]) }
        }
    }

    @Test("--synchronous: pipelined by default; full, pipelined, normal and off in any case; anything else refused")
    func synchronousFlag() throws {
        let plain = try #require(try ShowrunnerCommand.parseAsRoot(["serve", "--dev"]) as? ServeCommand)
        #expect(plain.synchronous == .pipelined)
        for (text, level) in [("full", StoreConfiguration.Synchronous.full), ("PIPELINED", .pipelined), ("Normal", .normal), ("off", .off)] {
            let serve = try #require(try ShowrunnerCommand.parseAsRoot(["serve", "--dev", "--synchronous", text]) as? ServeCommand)
            #expect(serve.synchronous == level)
        }
        for bad in ["", "extra", "2", "full "] {
            #expect(throws: (any Error).self) { try ShowrunnerCommand.parseAsRoot(["serve", "--dev", "--synchronous", bad]) }
        }
    }
}

@Suite("--asset and SHOWRUNNER_ASSETS")
struct AssetOptionsTests {
    @Test func flagsDeclareAssetsInOrderAndOverrideTheEnvironment() throws {
        let serve = try #require(try ShowrunnerCommand.parseAsRoot(["serve", "--dev", "--asset", "gold", "--asset", "gems"]) as? ServeCommand)
        let env = ["SHOWRUNNER_ASSETS": "stars"]
        #expect(try serve.assetOptions.configuration(environment: env).assets == ["coins", "tickets", "revenue", "gold", "gems"])
        let bare = try AssetOptions.parse([])
        #expect(try bare.configuration(environment: ["SHOWRUNNER_ASSETS": "gold, gems,"]).assets == ["coins", "tickets", "revenue", "gold", "gems"])
        #expect(try bare.configuration(environment: [:]).assets == LedgerConfiguration.builtInAssets)
        let reconcile = try #require(try ShowrunnerCommand.parseAsRoot(["reconcile", "--asset", "gold"]) as? ReconcileCommand)
        #expect(reconcile.assetOptions.declared(environment: [:]) == ["gold"])
    }

    @Test(
        "a bad asset stops serve before it starts, with a message naming it",
        arguments: [
            (["--asset", "Gold!"], "asset id 'Gold!' must match ^[a-z][a-z0-9_]{0,31}$"),
            (["--asset", "gold", "--asset", "gold"], "asset 'gold' is declared twice or is built in"),
            (["--asset", "coins"], "asset 'coins' is declared twice or is built in"),
            (["--asset", ""], "asset id '' must match"),
            (["--asset", String(repeating: "a", count: 33)], "must match ^[a-z][a-z0-9_]{0,31}$"),
        ])
    func badFlags(_ flags: [String], _ message: String) throws {
        do {
            _ = try ShowrunnerCommand.parseAsRoot(["serve", "--dev"] + flags)
            Issue.record("serve accepted \(flags)")
        } catch {
            let text = ShowrunnerCommand.message(for: error)
            #expect(text.hasPrefix("--asset: ") && text.contains(message), "\(text)")
        }
    }

    @Test func badEnvironmentNamesTheVariable() throws {
        let bare = try AssetOptions.parse([])
        #expect {
            try bare.configuration(environment: ["SHOWRUNNER_ASSETS": "gold,Bad Asset"])
        } throws: { error in
            ShowrunnerCommand.message(for: error).hasPrefix("$SHOWRUNNER_ASSETS: asset id 'Bad Asset' must match")
        }
        let many = (0...LedgerConfiguration.declaredAssetsMax).map { "a\($0)" }.joined(separator: ",")
        #expect {
            try bare.configuration(environment: ["SHOWRUNNER_ASSETS": many])
        } throws: { error in
            ShowrunnerCommand.message(for: error).contains("at most \(LedgerConfiguration.declaredAssetsMax) assets")
        }
    }
}
