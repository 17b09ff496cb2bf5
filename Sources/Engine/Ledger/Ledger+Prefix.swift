import Foundation
import GRDB

extension Ledger {
    /// Transfers whose idempotency key starts with `prefix`, in history order (how a domain
    /// finds what it wrote under one origin, e.g. the grants of one gift's steps).
    public func transfers(_ db: Database, idPrefix prefix: String) throws -> [Transfer] {
        let escaped = prefix.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_")
        return try Row.fetchAll(
            db, sql: "SELECT * FROM ledger_transfers WHERE id LIKE ? ESCAPE '\\' ORDER BY seq", arguments: [escaped + "%"]
        ).map(Transfer.init(row:))
    }
}
