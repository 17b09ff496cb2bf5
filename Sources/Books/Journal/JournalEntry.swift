import Foundation

/// One fact of the append-only journal.
public struct JournalEntry: Sendable, Codable, Equatable {
    /// Position in the journal: strictly increasing, never reused, never 0.
    public var offset: Int64
    /// What happened, e.g. `room_created`.
    public var type: String
    /// The fact's details as JSON text.
    public var payload: String
    /// When it was appended, in milliseconds since the Unix epoch.
    public var createdAt: Int64
    /// The key that made the append idempotent, if one was given.
    public var idempotencyKey: String?
    /// The fact's place in its row: 0 for a row of one fact; 0..<`rowFacts` in a packed row
    /// (`Journal.appendPacked`), whose facts share the row's offset.
    public var index: Int = 0
    /// How many facts the entry's row holds: 1, or a pack's count.
    public var rowFacts: Int = 1

    /// Creates an entry value; entries are normally made by `Journal.append`.
    public init(
        offset: Int64, type: String, payload: String, createdAt: Int64, idempotencyKey: String?, index: Int = 0, rowFacts: Int = 1
    ) {
        self.offset = offset
        self.type = type
        self.payload = payload
        self.createdAt = createdAt
        self.idempotencyKey = idempotencyKey
        self.index = index
        self.rowFacts = rowFacts
    }

    /// The fact's name in call origins (transfer ids), seeds and logs: its offset, and for a
    /// later fact of a pack `offset.index`, so no two facts share a name and a fact alone in its
    /// row is named as it always was.
    public var name: String { index == 0 ? String(offset) : "\(offset).\(index)" }

    /// Where a consumer that is done with this fact stands: the whole row once it is the row's
    /// last fact.
    public var position: JournalPosition {
        JournalPosition(offset: offset, index: index + 1 >= rowFacts ? JournalPosition.wholeRow : index)
    }

    /// The fact's key in a consumer's failures and parked events.
    package var factKey: FactKey { FactKey(offset: offset, index: index) }

    enum CodingKeys: String, CodingKey {
        case offset, type, payload
        case createdAt = "created_at"
        case idempotencyKey = "idempotency_key"
    }

    /// Decodes the JSON payload.
    /// - Parameter type: the payload's type.
    /// - Throws: `JournalError.invalidPayload` when the JSON does not match `type`.
    public func decodePayload<T: Decodable>(as type: T.Type = T.self) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(payload.utf8))
        } catch {
            throw JournalError.invalidPayload(reason: "offset \(offset): \(error)")
        }
    }
}
