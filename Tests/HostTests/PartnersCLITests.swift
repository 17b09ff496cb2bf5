import ArgumentParser
@testable import Books
import Engine
import EngineTesting
import Foundation
@testable import Showrunner
import Testing
@testable import Host

@Suite struct PartnersCLITests {
    /// A database with one day of partner `games`: debits o1 (v1, 100), o2 (v2, 50), refund r1 of o1 (30).
    func database() async throws -> TemporaryDatabase {
        let database = try TemporaryDatabase()
        let engine = try EngineParts.open(
            databasePath: database.path, scriptsPath: "Scripts", synchronous: .normal, clock: ManualClock(), logger: .quiet())
        for user in ["v1", "v2"] {
            _ = try await engine.ledger.transfer([TransferRequest(
                id: "seed:\(user)", debit: .system(.promotions, "coins"), credit: .user(user, "coins"), asset: "coins", amount: 1_000,
                code: "seed")])
        }
        _ = try await engine.partners.registry.register(id: "games", secret: nil, name: nil, by: "ops")
        _ = try await engine.partners.orders.debit(partner: "games", orderID: "o1", userID: "v1", amountCoins: 100, memo: nil)
        _ = try await engine.partners.orders.debit(partner: "games", orderID: "o2", userID: "v2", amountCoins: 50, memo: nil)
        _ = try await engine.partners.orders.refund(partner: "games", orderID: "o1", refundID: "r1", amountCoins: 30)
        return database
    }

    func command(_ database: TemporaryDatabase, file text: String) throws -> PartnersReconcileCommand {
        let file = database.directory.appendingPathComponent("theirs-\(UUID().uuidString).csv")
        try text.write(to: file, atomically: true, encoding: .utf8)
        let parsed = try ShowrunnerCommand.parseAsRoot([
            "partners", "reconcile", "--db", database.path, "--partner", "games", "--date", "2023-11-14", "--file", file.path,
        ])
        return try #require(parsed as? PartnersReconcileCommand)
    }

    @Test("a matching file reconciles with exit 0")
    func matching() async throws {
        let database = try await database()
        let ours = """
            kind,partner_order_id,refund_id,user_id,debit_coins,refund_coins,at_ms
            debit,o1,,v1,100,0,1700000000000
            debit,o2,,v2,50,0,1
            refund,o1,r1,v1,0,30,
            total,,,,150,30,

            """
        let command = try command(database, file: ours)
        #expect(try await command.mismatches().isEmpty)
        try await command.run()
    }

    @Test("missing, extra and differing rows are each listed, and the exit is non-zero")
    func mismatching() async throws {
        let database = try await database()
        let theirs = """
            kind,partner_order_id,refund_id,user_id,debit_coins,refund_coins,at_ms
            debit,o1,,v1,90,0,1700000000000
            refund,o1,r1,v1,0,30,1700000000000
            debit,o9,,v3,70,0,1700000000000
            total,,,,160,30,
            """
        let command = try command(database, file: theirs)
        let lines = try await command.mismatches().map(String.init(describing:))
        #expect(lines == [
            "amount_differs debit o1 ours=100 theirs=90",
            "missing_in_theirs debit o2 user=v2 ours=50",
            "extra_in_theirs debit o9 user=v3 theirs=70",
        ])
        await #expect(throws: ExitCode(1)) { try await command.run() }
    }

    @Test("a malformed file is a clear error, never a crash", arguments: [
        "kind,order\n", "kind,partner_order_id,refund_id,user_id,debit_coins,refund_coins,at_ms\ndebit,o1,,v1,abc,0,1\n",
        "kind,partner_order_id,refund_id,user_id,debit_coins,refund_coins,at_ms\ndebit,o1,,v1,9999999999999999999999,0,1\n",
        "kind,partner_order_id,refund_id,user_id,debit_coins,refund_coins,at_ms\ndebit,o1,,v1,-5,0,1\n",
        "kind,partner_order_id,refund_id,user_id,debit_coins,refund_coins,at_ms\nrefund,o1,,v1,0,5,1\n",
        "kind,partner_order_id,refund_id,user_id,debit_coins,refund_coins,at_ms\ndebit,o 1,,v1,5,0,1\n",
        "kind,partner_order_id,refund_id,user_id,debit_coins,refund_coins,at_ms\ndebit,o1,,v1,5,0\n",
        "kind,partner_order_id,refund_id,user_id,debit_coins,refund_coins,at_ms\ngift,o1,,v1,5,0,1\n",
    ])
    func malformed(_ text: String) async throws {
        let database = try await database()
        let command = try command(database, file: text)
        await #expect(throws: ValidationError.self) { try await command.mismatches() }
    }

    @Test("the command's arguments are checked")
    func arguments() throws {
        #expect(throws: (any Error).self) {
            try ShowrunnerCommand.parseAsRoot(["partners", "reconcile", "--partner", "bad id", "--date", "2023-11-14", "--file", "x"])
        }
        #expect(throws: (any Error).self) {
            try ShowrunnerCommand.parseAsRoot(["partners", "reconcile", "--partner", "games", "--date", "2023-11-14"])
        }
        #expect(throws: (any Error).self) {
            try ShowrunnerCommand.parseAsRoot([
                "partners", "reconcile", "--partner", "games", "--date", "2023-11-14", "--file", "x", "--time-zone", "Mars/Base",
            ])
        }
    }
}
