import Books
import EngineCore
import Foundation
import Rooms

extension RoomNumbers {
    /// `room`'s streamer buys the listed `number` for the room: the price moves in coins from the
    /// streamer to `system:platform_fees:coins` in the same transaction as the assignment (and the
    /// release of the number the room held). Two buyers of one number are serialized by the
    /// store's one writer: the first wins, the second finds it taken and pays nothing.
    ///
    /// Idempotent per buyer by `idempotencyKey`: the same key and body (room and number) answer
    /// the first outcome, the receipt or the refusal (taken, cooling down, not for sale,
    /// insufficient funds), recorded with it; another body under the key is
    /// `idempotency_conflict`. A refusal moves nothing.
    /// - Throws: `RoomNumberError` (`invalid_number`, `invalid_idempotency_key`,
    ///   `not_room_streamer`, `number_taken`, `number_cooling_down`, `number_not_for_sale`,
    ///   `idempotency_conflict`), `LedgerError` `insufficient_funds`, `RecordedFailure` (a
    ///   replayed refusal).
    public func buy(_ number: String, for room: Room, buyer: String, idempotencyKey key: String) async throws -> RoomNumberPurchase {
        try RoomNumberRules.check(number)
        try RoomNumberRules.checkKey(key)
        guard buyer == room.streamerID else { throw RoomNumberError.notRoomStreamer(roomID: room.id) }
        let hash = SHA256.hex(Array("\(room.id)\n\(number)".utf8))
        let now = clock.nowMillis()
        let outcome: Result<RoomNumberPurchase, RecordedFailure> = try await store.write { [self] tx in
            if let prior = try Self.prior(tx, buyer: buyer, key: key, hash: hash) { return prior }
            let transferID = "room-number:\(buyer):\(key)"
            let price: Int64
            do {
                price = try checkSale(tx, number, room, now: now)
                _ = try tx.ledger.apply([TransferRequest(
                    id: transferID, debit: .user(buyer, "coins"), credit: .system(.platformFees, "coins"), asset: "coins",
                    amount: price, code: "room_number", memo: "number \(number) for room \(room.id)")], now: now)
            } catch let error as any ShowrunnerError where error is RoomNumberError || (error as? LedgerError)?.reason.isRecorded == true {
                let failure = RecordedFailure(error)
                try Self.record(tx, buyer: buyer, key: key, hash: hash, .failure(failure), now: now)
                return .failure(failure)
            }
            // Past the payment nothing is recorded as a refusal: an error here rolls back the
            // operation's savepoint, payment included.
            let replaced = try release(tx, roomID: room.id, by: buyer, via: "replaced", now: now)
            try Self.writeAssignment(
                tx, RoomNumberAssignment(
                    number: number, roomID: room.id, streamerID: room.streamerID, by: buyer, via: "purchase",
                    assignedAt: now, priceCoins: price, transferID: transferID))
            let receipt = RoomNumberPurchase(
                number: number, roomID: room.id, buyerID: buyer, priceCoins: price, transferID: transferID,
                assignedAt: now, replaced: replaced?.number)
            try Self.record(tx, buyer: buyer, key: key, hash: hash, .success(receipt), now: now)
            return .success(receipt)
        }
        return try outcome.get()
    }

    /// The listed price of `number`, checked free for `room` at `now`.
    /// - Throws: `RoomNumberError` `number_taken`, `number_cooling_down`, `number_not_for_sale`.
    private func checkSale(_ tx: any RoomNumberTransaction, _ number: String, _ room: Room, now: Int64) throws -> Int64 {
        switch try checkAssignable(tx, number, to: room, now: now) {
        case .free(let price?): return price
        // A held number is never listed (a listing ends when the number is assigned).
        case .held, .free(nil): throw RoomNumberError.notForSale(number: number)
        }
    }

    /// The recorded outcome of an earlier purchase under `key`, or nil for a new key.
    /// - Throws: `RoomNumberError.idempotencyConflict` for another body.
    private static func prior(
        _ tx: any RoomNumberTransaction, buyer: String, key: String, hash: String
    ) throws -> Result<RoomNumberPurchase, RecordedFailure>? {
        guard let row = try tx.purchaseRecord(buyer: buyer, key: key) else { return nil }
        guard row.bodyHash == hash else { throw RoomNumberError.idempotencyConflict(key: key) }
        let outcome = Data(row.outcomeJSON.utf8)
        if row.status == "ok" { return .success(try JSONDecoder().decode(RoomNumberPurchase.self, from: outcome)) }
        return .failure(try JSONDecoder().decode(RecordedFailure.self, from: outcome))
    }

    private static func record(
        _ tx: any RoomNumberTransaction, buyer: String, key: String, hash: String, _ outcome: Result<RoomNumberPurchase, RecordedFailure>, now: Int64
    ) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let (status, data) = switch outcome {
        case .success(let receipt): ("ok", try encoder.encode(receipt))
        case .failure(let failure): ("failed", try encoder.encode(failure))
        }
        try tx.recordPurchase(buyer: buyer, key: key, bodyHash: hash, status: status, outcomeJSON: String(decoding: data, as: UTF8.self), at: now)
    }
}
