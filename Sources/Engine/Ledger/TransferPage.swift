/// One page of transfer history, newest first.
public struct TransferPage: Sendable, Hashable, Codable {
    /// The transfers, newest first.
    public let transfers: [Transfer]
    /// Pass back to get the next (older) page; nil when this page is the last.
    public let nextCursor: String?

    /// Encodes a position in the history as an opaque cursor.
    static func cursor(before seq: Int64) -> String {
        Base64URL.encode(Array("ledger:\(seq)".utf8))
    }

    /// The `seq` a cursor points before.
    /// - Throws: `LedgerError` `invalid_cursor`.
    static func seq(fromCursor cursor: String) throws -> Int64 {
        guard let bytes = Base64URL.decode(cursor) else { throw LedgerError.invalidCursor }
        let text = String(decoding: bytes, as: UTF8.self)
        guard text.hasPrefix("ledger:"), let seq = Int64(text.dropFirst(7)), seq > 0 else {
            throw LedgerError.invalidCursor
        }
        return seq
    }
}
