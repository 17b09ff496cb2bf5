import Books
import Engine
import EngineTesting
import Foundation
import Rooms
import Showrunner
import Testing
@testable import Bench

/// The in-process money bench's senders on loops (`gifts-engine --callers loops`): every send
/// they count as answered is a gift the ledger holds, once, and they stop at the deadline.
@Suite struct LoopSendersTests {
    @Test(arguments: [false, true])
    func everySendCountedIsOneGiftInTheLedger(hot: Bool) async throws {
        try await TemporaryDatabase.with { tmp in
            let folder = try ScriptFolder([:])
            defer { folder.remove() }
            let engine = try EngineParts.open(EngineOptions(databasePath: tmp.path, scriptsPath: folder.path), logger: .quiet())
            try await engine.loadScripts()
            for r in 0..<16 {
                _ = try await engine.rooms.create(NewRoom(id: "r\(r)", streamerID: "s\(r)", title: "Bench", category: "chat"))
            }
            _ = try await engine.gifts.put(id: "rose", GiftEdit(name: "Rose", priceCoins: 10))
            let senders = 5
            let funds: Int64 = 1_000_000
            for w in 0..<senders {
                _ = try await engine.ledger.transfer([TransferRequest(
                    id: "seed-\(w)", debit: .system(.promotions, "coins"), credit: .user("v\(w)", "coins"), asset: "coins",
                    amount: funds, code: "grant")])
            }
            let loops = LoopSenders(sender: engine.giftSender, senders: senders, hot: hot, randomKeys: false, prefix: "t")
            let deadline = ContinuousClock.now + .seconds(1)
            let result = await loops.run(until: deadline)
            #expect(ContinuousClock.now >= deadline, "the senders stop only at the deadline")
            #expect(result.errors == 0)
            // How many gifts fit in the second depends on the machine's load (in the whole suite a
            // sender may get no further than its first): the count is what the ledger holds.
            #expect(result.ok > 0)
            var spent: Int64 = 0
            for w in 0..<senders { spent += try await funds - engine.ledger.balance(.user("v\(w)", "coins")) }
            #expect(spent == 10 * Int64(result.ok), "every answered send is one gift of 10 coins, and no gift is unanswered")
            try engine.store.close()
        }
    }
}
