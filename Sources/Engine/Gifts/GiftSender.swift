import Books
import EngineCore
import Foundation
import Rooms
import Scripting

/// Sends gifts. A send is one operation of the store's group commit: the checks and the
/// `validate` steps of `Scripts/gifts/` read the balances as the batch has them, and the send
/// writes one row, its `gift` journal fact, which is the receipt and carries the legs
/// (`GiftLegs`). The balances it moves and its combo streak stay in the batch's overlays and
/// are written once per commit. The caller's answer comes after the commit is durable.
/// Everything after (combo effects, ticket exchange, lucky gifts, the room event) runs from the
/// journal (`GiftStepsConsumer`).
public struct GiftSender: Sendable {
    /// Journal type of a durable gift.
    public static let giftType = GiftReceipt.factType

    let sends: any GiftSendStore
    let rooms: RoomDirectory
    let scripts: ScriptRuntime
    let clock: any WallClock
    let calendar: OperationsCalendar

    /// - Parameters: sends: the store's group commit; rooms and scripts: the engine's; clock:
    ///   send times; calendar: the operations day the `validate` steps' reads use and guild
    ///   contracts cover (the store's own guild reads use the same calendar).
    package init(
        sends: any GiftSendStore, rooms: RoomDirectory, scripts: ScriptRuntime, clock: any WallClock,
        calendar: OperationsCalendar
    ) {
        self.sends = sends
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
        try await sendText(r).receipt
    }

    /// Sends a gift as `send` does, and answers with the receipt's JSON text as well (the
    /// journal row's own payload for a new send: it is not encoded twice).
    public func sendText(_ r: GiftSendRequest) async throws -> SentGift {
        try Self.checkRequest(r)
        let room = try await rooms.room(id: r.roomID)
        let op = try operation(r, room: room)
        return try await sends.send(op).get()
    }

    /// Sends a gift as `sendText` does, without waiting: `completion` is told the outcome once
    /// the commit is durable, on the store's answering queue (`Store.submitBatched`), so it must
    /// only hand the outcome on (to an event loop). A caller on an event loop sends without a task of its own
    /// when the room is known (else a task looks it up first).
    public func submit(_ r: GiftSendRequest, completion: @escaping @Sendable (Result<SentGift, any Error>) -> Void) {
        let op: @Sendable (any GiftSendTransaction) throws -> Result<SentGift, RecordedFailure>
        do {
            try Self.checkRequest(r)
            guard let room = rooms.knownRoom(id: r.roomID) else {
                Task { [self] in
                    do { completion(.success(try await sendText(r))) } catch { completion(.failure(error)) }
                }
                return
            }
            op = try operation(r, room: room)
        } catch {
            completion(.failure(error))
            return
        }
        sends.submit(op) { outcome in completion(outcome.flatMap { $0.mapError { $0 } }) }
    }

    /// The request's own checks, before anything is read.
    static func checkRequest(_ r: GiftSendRequest) throws {
        guard (1...TransferRequest.idBytesMax - 40).contains(r.idempotencyKey.utf8.count),
            r.idempotencyKey.utf8.allSatisfy({ $0 > 32 && $0 < 127 })
        else { throw GiftError.invalid(field: "idempotency_key", "1-88 printable ASCII characters without spaces") }
        guard r.count >= 1 else { throw GiftError.invalidCount(r.count, max: GiftRules.countMaxLimit) }
    }

    /// The send's operation in the group commit. The plan (the send's key and its legs' names)
    /// is made here, on the caller's task, not on the writer.
    private func operation(_ r: GiftSendRequest, room: Room) throws -> @Sendable (any GiftSendTransaction) throws -> Result<SentGift, RecordedFailure> {
        guard room.streamerID != r.senderID else { throw GiftError.giftToSelf }
        let plan = GiftPlan(request: r, room: room, generation: scripts.current, calendar: calendar, now: clock.nowMillis())
        return { tx in
            // A stored success or refusal answers at once, found by the writer's index of gift
            // keys (memory for the newest rows, else one lookup in `gift_keys`).
            if let prior = try tx.prior(r, key: plan.names.key) { return prior.map(SentGift.init) }
            let checked: GiftPlan.Checked
            do {
                checked = try plan.check(tx)
            } catch let e as any ShowrunnerError where !(e is ScriptFailure) {
                let failure = RecordedFailure(e)
                try tx.recordRefusal(r, key: plan.names.key, failure, at: plan.now)
                return .failure(failure)
            }
            // No savepoint: `write` checks every leg before its one INSERT, and changes the
            // overlays only after it, so a failing write leaves nothing behind.
            return .success(try plan.write(tx, checked))
        }
    }
}

/// A durable gift send's answer: its receipt, and the receipt's JSON text.
public struct SentGift: Sendable {
    public let receipt: GiftReceipt
    /// What `receipt.jsonText` gives: for a new send, the text its journal row holds.
    public let jsonText: String

    init(receipt: GiftReceipt, jsonText: String) {
        self.receipt = receipt
        self.jsonText = jsonText
    }

    /// A receipt read back (a retry): its text encoded again, as it was first.
    init(_ receipt: GiftReceipt) {
        self.init(receipt: receipt, jsonText: receipt.jsonText)
    }
}
