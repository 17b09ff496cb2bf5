import Foundation
import GRDB

/// Runs the `after_commit` steps of every durable gift, from the journal with a durable cursor:
/// a crash replays from the cursor and each step's effects apply exactly once (they commit with
/// the cursor). Randomness is seeded from the journal offset and the step id, so a replay draws
/// the same.
public struct GiftStepsConsumer: JournalConsumer {
    public let name = "gift-steps"
    public let types: Set<String>? = [GiftSender.giftType]
    let scripts: ScriptRuntime
    let effects: EffectApplier

    /// - Parameters: scripts: the running generation; ledger: where grants go.
    public init(scripts: ScriptRuntime, ledger: Ledger) {
        self.scripts = scripts
        self.effects = EffectApplier(ledger: ledger)
    }

    public func apply(_ entry: JournalEntry, in db: Database) throws {
        guard let generation = scripts.current else { return }
        let receipt = try entry.decodePayload(as: GiftReceipt.self)
        let event = receipt.luaValue
        for step in GiftSteps.ordered(generation, handler: "after_commit", giftID: receipt.giftID) {
            let ctx = CallContext(
                script: step.address, nowMillis: entry.createdAt, seed: Seeds.seed(offset: entry.offset, name: step.id),
                reads: LedgerReads(db: db, ledger: effects.ledger), config: step.data.fields["config"]?.table ?? LuaTable())
            _ = try generation.withTransactionVM { vm in try vm.call(step.address, "after_commit", args: [event], context: ctx) }
            try effects.apply(ctx, origin: "gift:\(entry.offset):\(step.id)", in: db, at: entry.createdAt)
        }
    }
}

/// Deterministic seeds for journaled randomness.
public enum Seeds {
    /// FNV-1a of the name mixed with the journal offset.
    public static func seed(offset: Int64, name: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in name.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h ^ UInt64(bitPattern: offset) &* 0x9E37_79B9_7F4A_7C15
    }
}

extension GiftReceipt {
    /// The event table handed to gift steps.
    var luaValue: LuaValue {
        .table(LuaTable(fields: [
            "send_id": .string(sendID), "room_id": .string(roomID), "sender_id": .string(senderID),
            "streamer_id": .string(streamerID), "gift_id": .string(giftID), "count": .integer(count),
            "price_coins": .integer(priceCoins), "value_coins": .integer(totalCoins), "total_coins": .integer(totalCoins),
            "combo": .integer(combo),
        ]))
    }
}
