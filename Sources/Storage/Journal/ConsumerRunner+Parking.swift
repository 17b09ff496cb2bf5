import Books
import Engine
import GRDB

extension ConsumerRunner {
    /// Parked events, oldest first.
    /// - Parameters:
    ///   - status: only events with this status; `nil` for all (`.parked` by default).
    ///   - limit: most events, 1...`Journal.readLimitMax` (100 by default).
    /// - Throws: `JournalError.invalidLimit`; database errors.
    public func parked(status: ParkedEvent.Status? = .parked, limit: Int = 100) async throws -> [ParkedEvent] {
        guard (1...Journal.readLimitMax).contains(limit) else {
            throw JournalError.invalidLimit(limit, max: Journal.readLimitMax)
        }
        return try await store.read { db in
            let rows: [Row]
            if let status {
                rows = try Row.fetchAll(
                    db, sql: "SELECT * FROM parked_events WHERE status = ? ORDER BY id LIMIT ?",
                    arguments: [status.rawValue, limit])
            } else {
                rows = try Row.fetchAll(db, sql: "SELECT * FROM parked_events ORDER BY id LIMIT ?", arguments: [limit])
            }
            return rows.map(ParkedEvent.init(row:))
        }
    }

    /// Re-applies a parked event through its consumer, in one transaction with the status
    /// change: on success the event is resolved (its effects exist exactly once); on failure it
    /// stays parked with the new error and one more attempt.
    /// - Parameter parkedID: the event's id.
    /// - Returns: whether the consumer applied it.
    /// - Throws: `JournalError.parkedEventNotFound`, `.parkedEventAlreadyResolved`,
    ///   `.unknownConsumer`; a `FatalConsumerError`; storage errors.
    public func retry(parkedID: Int64) async throws -> RetryOutcome {
        let byName = Dictionary(uniqueKeysWithValues: consumers.map { ($0.name, $0) })
        let now = clock.nowMillis()
        let outcome: RetryOutcome
        do {
            outcome = try await retryWrite(parkedID, byName, now)
        } catch {
            byName.values.forEach { $0.settled(committed: false) }
            throw error
        }
        logger.notice("parked journal entry retried", metadata: ["id": "\(parkedID)", "outcome": "\(outcome)"])
        return outcome
    }

    private func retryWrite(_ parkedID: Int64, _ byName: [String: any JournalConsumer], _ now: Int64) async throws -> RetryOutcome {
        try await store.write { db -> RetryOutcome in
            let row = try Row.fetchOne(db, sql: "SELECT * FROM parked_events WHERE id = ?", arguments: [parkedID])
            guard let row else { throw JournalError.parkedEventNotFound(id: parkedID) }
            let event = ParkedEvent(row: row)
            guard event.status == .parked else { throw JournalError.parkedEventAlreadyResolved(id: parkedID) }
            guard let consumer = byName[event.consumer] else { throw JournalError.unknownConsumer(event.consumer) }
            guard let entry = try Journal.fact(db, at: event.offset, index: event.factIndex) else {
                preconditionFailure("parked event \(parkedID) points at missing journal fact \(event.offset).\(event.factIndex)")
            }
            do {
                let tx = self.transaction(db)
                try db.inSavepoint {
                    try consumer.apply(entry, in: tx)
                    try consumer.finishBatch(in: tx)
                    return .commit
                }
            } catch let error where error is any FatalConsumerError {
                throw error
            } catch {
                try db.execute(
                    sql: "UPDATE parked_events SET attempts = attempts + 1, error = ? WHERE id = ?",
                    arguments: [Self.text(of: error), parkedID])
                return .failedAgain(try Self.parkedEvent(parkedID, in: db))
            }
            try db.execute(
                sql: "UPDATE parked_events SET status = 'resolved', resolved_at = ?, attempts = attempts + 1 WHERE id = ?",
                arguments: [now, parkedID])
            return .resolved(try Self.parkedEvent(parkedID, in: db))
        }
    }

    private static func parkedEvent(_ id: Int64, in db: Database) throws -> ParkedEvent {
        let row = try Row.fetchOne(db, sql: "SELECT * FROM parked_events WHERE id = ?", arguments: [id])
        guard let row else { preconditionFailure("parked event \(id) vanished inside its transaction") }
        return ParkedEvent(row: row)
    }
}
