import EngineCore

/// One page of transfer history, newest first.
public struct TransferPage: Sendable, Hashable, Codable {
    /// The transfers, newest first.
    public let transfers: [Transfer]
    /// Pass back to get the next (older) page; nil when this page is the last.
    public let nextCursor: String?

    /// Encodes a position in the history as an opaque cursor.
    static func cursor(_ position: HistoryPosition) -> String {
        Base64URL.encode(Array("ledger:\(position.seq):\(position.offset):\(position.leg)".utf8))
    }

    /// The position a cursor points before. A cursor from before gifts kept their legs in the
    /// journal (`ledger:<seq>`) still reads: every gift leg is newer than what it points
    /// before, so its pages hold transfer rows only.
    /// - Throws: `LedgerError` `invalid_cursor`.
    static func position(fromCursor cursor: String) throws -> HistoryPosition {
        guard let bytes = Base64URL.decode(cursor) else { throw LedgerError.invalidCursor }
        let text = String(decoding: bytes, as: UTF8.self)
        guard text.hasPrefix("ledger:") else { throw LedgerError.invalidCursor }
        let parts = text.dropFirst(7).split(separator: ":", omittingEmptySubsequences: false)
        guard let seq = Int64(parts[0]), seq > 0 else { throw LedgerError.invalidCursor }
        switch parts.count {
        case 1: return HistoryPosition(seq: seq, offset: 0, leg: 0)
        case 3:
            guard let offset = Int64(parts[1]), offset > 0, let leg = Int(parts[2]), (0...GiftLegs.countMax).contains(leg) else {
                throw LedgerError.invalidCursor
            }
            return HistoryPosition(seq: seq, offset: offset, leg: leg)
        default: throw LedgerError.invalidCursor
        }
    }
}
