import Books
import Engine
import GRDB

extension ParkedEvent {
    /// Reads a `parked_events` row.
    init(row: Row) {
        self.init(
            id: row["id"], consumer: row["consumer"], offset: row["offset"], factIndex: row["fact_index"],
            type: row["type"], error: row["error"], attempts: row["attempts"], parkedAt: row["parked_at"],
            status: Status(rawValue: row["status"]) ?? .parked, resolvedAt: row["resolved_at"])
    }
}
