import Foundation

extension Ledger {
    /// Transfers whose idempotency key starts with `prefix`, in history order (how a domain
    /// finds what it wrote under one origin, e.g. the grants of one gift's steps).
    public func transfers(_ rows: any LedgerRows, idPrefix prefix: String) throws -> [Transfer] {
        try rows.transfers(idPrefix: prefix)
    }
}
