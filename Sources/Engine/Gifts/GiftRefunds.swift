import Books
import EngineCore
import Foundation
import Scripting

/// Operator refunds of durable gifts: the gift's whole ledger chain is reversed (all or
/// nothing), then what its `after_commit` steps granted is reversed for steps that declare
/// `on_refund` (returning anything but `false`); everything else is listed for manual handling.
///
/// The steps run later, from the journal (`GiftStepsConsumer`), so a refund may come first.
/// Then there is nothing to reverse yet, and the consumer skips every step of the refunded gift
/// when it gets there (recording a `gift_steps_skipped` fact): either order leaves the viewer
/// with none of the gift's effects, without manual work.
public struct GiftRefunds: Sendable {
    /// Journal type of a refund.
    public static let refundedType = "gift_refunded"

    let store: any GiftRefundStore
    let scripts: ScriptRuntime
    let clock: any WallClock
    let calendar: OperationsCalendar

    /// - Parameters: store: where refunds are kept (its transactions carry the reversals);
    ///   calendar: the operations day the `on_refund` steps' reads use.
    public init(
        store: any GiftRefundStore, scripts: ScriptRuntime, clock: any WallClock = SystemWallClock(),
        calendar: OperationsCalendar = OperationsCalendar()
    ) {
        self.store = store
        self.scripts = scripts
        self.clock = clock
        self.calendar = calendar
    }

    /// Refunds the gift recorded at journal `offset`.
    /// - Throws: `GiftRefundError` (not a gift, already refunded, bad reason), `LedgerError`
    ///   (the streamer no longer holds the revenue: nothing is reversed).
    public func refund(offset: Int64, reason: String, by operatorID: String) async throws -> GiftRefund {
        guard !reason.isEmpty, reason.utf8.count <= 200 else { throw GiftRefundError.invalidReason }
        let now = clock.nowMillis()
        let (generation, calendar) = (scripts.current, calendar)
        return try await store.write { tx in
            guard let entry = try tx.journal.entry(at: offset), entry.type == GiftSender.giftType else {
                throw GiftRefundError.notAGift(offset)
            }
            if try tx.isRefunded(offset: offset) { throw GiftRefundError.alreadyRefunded(offset) }
            let receipt = try entry.giftReceipt()
            let reversals = try tx.ledger.apply(operations: receipt.transferIDs.reversed().map {
                .reverse(id: "refund:\(offset):\($0)", transferID: $0, reason: reason)
            }, now: now)
            var manual: [Transfer] = []
            var stepReversals: [Transfer] = []
            let reads = tx.scriptReads(calendar: calendar)
            for grant in try tx.ledger.transfers(idPrefix: "gift:\(offset):") where grant.code == "grant" {
                guard Self.stepAgrees(grant, receipt, generation, reads, now) else { manual.append(grant); continue }
                do {
                    try tx.savepoint {
                        stepReversals += try tx.ledger.apply(
                            operations: [.reverse(id: "refund:\(offset):\(grant.id)", transferID: grant.id, reason: reason)], now: now)
                    }
                } catch is LedgerError { manual.append(grant) }
            }
            let refund = GiftRefund(giftOffset: offset, sendID: receipt.sendID, reason: reason, by: operatorID,
                reversed: (reversals + stepReversals).map(\.id), manual: manual.map(\.id))
            let json = String(decoding: try JSONEncoder().encode(refund), as: UTF8.self)
            try tx.recordRefund(offset: offset, reason: reason, by: operatorID, outcomeJSON: json, at: now)
            try tx.journal.append(type: Self.refundedType, payloadJSON: json, idempotencyKey: "gift_refunded:\(offset)", at: now)
            return refund
        }
    }

    /// Whether the step that made `grant` declares `on_refund` and does not return `false`.
    static func stepAgrees(_ grant: Transfer, _ receipt: GiftReceipt, _ generation: ScriptGeneration?, _ reads: any ScriptReads, _ now: Int64) -> Bool {
        let parts = grant.id.split(separator: ":")
        guard parts.count >= 4, let generation else { return false }
        let address = ScriptAddress(.giftStep, String(parts[2]))
        guard generation.declaration(address)?.handlers.contains("on_refund") == true else { return false }
        let ctx = CallContext(script: address, nowMillis: now, seed: 0, reads: reads)
        guard case .user(let userID) = grant.credit.owner else { return false }
        let args: [LuaValue] = [receipt.luaValue, .table(LuaTable(fields: [
            "user_id": .string(userID), "asset": .string(grant.asset), "amount": .integer(grant.amount),
        ]))]
        let out = try? generation.withTransactionVM { vm in try vm.call(address, "on_refund", args: args, context: ctx, results: 1) }
        return out != nil && out?.first != .boolean(false)
    }
}

/// Where refunds are kept. For implementers: `write` is one transaction of the store; the
/// reversals and the `gift_refunded` fact made through its transaction commit with the refund's
/// row or not at all.
public protocol GiftRefundStore: Sendable {
    /// Runs `body` in a write transaction; commits when it returns, rolls back when it throws.
    func write<T: Sendable>(_ body: @escaping @Sendable (any GiftRefundTransaction) throws -> T) async throws -> T
}

/// The refund records as one transaction sees them.
public protocol GiftRefundTransaction: StoreTransaction {
    /// Whether the gift at journal `offset` was refunded.
    func isRefunded(offset: Int64) throws -> Bool
    /// Records the refund of the gift at `offset`, with its outcome's JSON.
    func recordRefund(offset: Int64, reason: String, by operatorID: String, outcomeJSON: String, at ms: Int64) throws
    /// What an `on_refund` step reads (balances, follows, fan medals, privileges), in this
    /// transaction.
    func scriptReads(calendar: OperationsCalendar) -> any ScriptReads
}

/// The outcome of a refund.
public struct GiftRefund: Sendable, Codable, Equatable {
    public var giftOffset: Int64
    public var sendID: String
    public var reason: String
    public var by: String
    /// Reversal transfers written.
    public var reversed: [String]
    /// Grants by gift steps left for manual handling (no `on_refund`, or not reversible).
    public var manual: [String]
}

/// Refused refunds.
public enum GiftRefundError: ShowrunnerError {
    case notAGift(Int64), alreadyRefunded(Int64), invalidReason
    public var code: String {
        switch self {
        case .notAGift: "gift_not_found"
        case .alreadyRefunded: "already_refunded"
        case .invalidReason: "invalid_reason"
        }
    }
    public var kind: ErrorKind {
        switch self {
        case .notAGift: .notFound
        case .alreadyRefunded: .conflict
        case .invalidReason: .badRequest
        }
    }
    public var message: String {
        switch self {
        case .notAGift(let o): "journal offset \(o) is not a gift"
        case .alreadyRefunded(let o): "the gift at offset \(o) was already refunded"
        case .invalidReason: "reason must be 1-200 bytes"
        }
    }
}
