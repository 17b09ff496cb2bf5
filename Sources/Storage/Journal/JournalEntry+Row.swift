import Books
import Engine
import GRDB

extension JournalEntry {
    /// The columns `init(columns:)` reads, in its order. A gift's key is in `gift_key` (off the
    /// unique index, `GiftKeyIndex`); an entry shows it as its idempotency key.
    static let columns = "offset, type, payload, created_at, COALESCE(idempotency_key, gift_key)"

    /// Reads an entry from a row of `columns`, by position.
    init(columns row: Row) {
        self.init(offset: row[0], type: row[1], payload: row[2], createdAt: row[3], idempotencyKey: row[4])
    }

    /// Reads an entry from a `journal` row.
    init(row: Row) {
        self.init(
            offset: row["offset"],
            type: row["type"],
            payload: row["payload"],
            createdAt: row["created_at"],
            idempotencyKey: (row["idempotency_key"] as String?) ?? (row["gift_key"] as String?)
        )
    }
}
