import Foundation
import GRDB

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

    let store: Store
    let ledger: Ledger
    let scripts: ScriptRuntime
    let clock: any WallClock
    let calendar: OperationsCalendar

    /// - Parameters: calendar: the operations day the `on_refund` steps' reads use.
    public init(
        store: Store, ledger: Ledger, scripts: ScriptRuntime, clock: any WallClock = SystemWallClock(),
        calendar: OperationsCalendar = OperationsCalendar()
    ) {
        self.store = store
        self.ledger = ledger
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
        let (ledger, generation) = (self.ledger, scripts.current)
        return try await store.write { db in
            guard let entry = try Journal.entry(db, at: offset), entry.type == GiftSender.giftType else {
                throw GiftRefundError.notAGift(offset)
            }
            if try Self.isRefunded(db, offset: offset) { throw GiftRefundError.alreadyRefunded(offset) }
            let receipt = try entry.giftReceipt()
            let reversals = try ledger.apply(db, operations: receipt.transferIDs.reversed().map {
                .reverse(id: "refund:\(offset):\($0)", transferID: $0, reason: reason)
            }, now: now)
            var manual: [Transfer] = []
            var stepReversals: [Transfer] = []
            for grant in try ledger.transfers(db, idPrefix: "gift:\(offset):") where grant.code == "grant" {
                guard Self.stepAgrees(grant, receipt, generation, LedgerReads(db: db, ledger: ledger, calendar: calendar), now) else { manual.append(grant); continue }
                do {
                    try db.inSavepoint {
                        stepReversals += try ledger.apply(db, operations: [.reverse(id: "refund:\(offset):\(grant.id)", transferID: grant.id, reason: reason)], now: now)
                        return .commit
                    }
                } catch is LedgerError { manual.append(grant) }
            }
            let refund = GiftRefund(giftOffset: offset, sendID: receipt.sendID, reason: reason, by: operatorID,
                reversed: (reversals + stepReversals).map(\.id), manual: manual.map(\.id))
            let json = String(decoding: try JSONEncoder().encode(refund), as: UTF8.self)
            try db.execute(sql: "INSERT INTO gift_refunds (gift_offset, reason, by_user, outcome, created_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [offset, reason, operatorID, json, now])
            _ = try Journal.append(db, type: Self.refundedType, payloadJSON: json, idempotencyKey: "gift_refunded:\(offset)", at: now)
            return refund
        }
    }

    /// Whether the gift at journal `offset` was refunded (in the caller's transaction).
    static func isRefunded(_ db: Database, offset: Int64) throws -> Bool {
        try db.cachedStatement(sql: "SELECT 1 FROM gift_refunds WHERE gift_offset = ?").firstRowRaw(.int(offset), read: { _ in true }) ?? false
    }

    /// Whether the step that made `grant` declares `on_refund` and does not return `false`.
    static func stepAgrees(_ grant: Transfer, _ receipt: GiftReceipt, _ generation: ScriptGeneration?, _ reads: LedgerReads, _ now: Int64) -> Bool {
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
