import Foundation
import GRDB

/// Sends gifts. A send is one operation of the store's group commit: the checks and the
/// `validate` steps of `Scripts/gifts/` read the balances as the batch has them, and the send
/// writes one row, its `gift` journal fact, which is the receipt and carries the legs
/// (`GiftLegs`). The balances it moves and its combo streak stay in the batch's overlays and
/// are written once per commit. The caller's answer comes after the commit is durable.
/// Everything after (combo effects, ticket exchange, lucky gifts, the room event) runs from the
/// journal (`GiftStepsConsumer`).
public struct GiftSender: Sendable {
    /// Journal type of a durable gift.
    public static let giftType = "gift"

    let store: Store
    let ledger: Ledger
    let rooms: RoomDirectory
    let scripts: ScriptRuntime
    let clock: any WallClock
    let calendar: OperationsCalendar
    let guilds: Guilds?

    /// - Parameters: the store, ledger, rooms and scripts of the engine; clock: send times;
    ///   calendar: the operations day the `validate` steps' reads use and guild contracts
    ///   cover; guilds: whose account a gift's guild share credits (nil: the unassigned pool).
    public init(
        store: Store, ledger: Ledger, rooms: RoomDirectory, scripts: ScriptRuntime, clock: any WallClock = SystemWallClock(),
        calendar: OperationsCalendar = OperationsCalendar(), guilds: Guilds? = nil
    ) {
        self.guilds = guilds
        self.store = store
        self.ledger = ledger
        self.rooms = rooms
        self.scripts = scripts
        self.clock = clock
        self.calendar = calendar
    }

    /// Sends a gift. The same key with the same body returns the first receipt (or the first
    /// refusal); the same key with another body is `idempotency_conflict`.
    /// - Throws: `GiftError`, `RoomError.notFound`, `LedgerError` (insufficient funds...),
    ///   `RecordedFailure` (a replayed refusal), `ScriptFailure` (a broken gift step).
    public func send(_ r: GiftSendRequest) async throws -> GiftReceipt {
        guard (1...TransferRequest.idBytesMax - 40).contains(r.idempotencyKey.utf8.count),
            r.idempotencyKey.utf8.allSatisfy({ $0 > 32 && $0 < 127 })
        else { throw GiftError.invalid(field: "idempotency_key", "1-88 printable ASCII characters without spaces") }
        guard r.count >= 1 else { throw GiftError.invalidCount(r.count, max: GiftRules.countMaxLimit) }
        let room = try await rooms.room(id: r.roomID)
        guard room.streamerID != r.senderID else { throw GiftError.giftToSelf }
        let plan = GiftPlan(request: r, room: room, generation: scripts.current, ledger: ledger, calendar: calendar, now: clock.nowMillis(), guilds: guilds)
        let outcome: Result<GiftReceipt, RecordedFailure> = try await store.writeBatched { db, batch in
            // A stored refusal answers at once. A stored success is found by the fact's insert
            // (its unique key): the happy path looks nothing up in the journal.
            if let refused = try GiftSends.priorRefusal(db, r) { return refused }
            let checked: GiftPlan.Checked
            do {
                checked = try plan.check(db, batch)
            } catch let e as any ShowrunnerError where !(e is ScriptFailure) {
                // A retry of a send that succeeded is answered with its receipt, whatever the
                // checks say now (the coins it spent are gone).
                if let prior = try GiftSends.priorSuccess(db, r) { return prior }
                let failure = RecordedFailure(e)
                try GiftSends.recordRefusal(db, r, failure, at: plan.now)
                return .failure(failure)
            } catch {
                return try GiftSends.firstReceipt(db, r, elseThrow: error)
            }
            // No savepoint: `write` checks every leg before its one INSERT, and changes the
            // overlays only after it, so a failing write leaves nothing behind.
            do {
                if let written = try plan.write(db, batch, checked) { return .success(written) }
            } catch {
                return try GiftSends.firstReceipt(db, r, elseThrow: error)
            }
            // The insert met the key: a retry of a send that succeeded.
            guard let prior = try GiftSends.priorSuccess(db, r) else {
                preconditionFailure("gift fact \(GiftSends.factKey(r)) refused as a duplicate but not found")
            }
            return prior
        }
        return try outcome.get()
    }
}
