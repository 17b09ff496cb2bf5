import Books

/// Where partners' orders are kept: each debit of a user's coins and its refunds.
///
/// The seam at the level of a transaction: a debit or refund moves coins through the ledger and
/// writes its row and its journal fact, all in one transaction or none. So the store hands the
/// domain a `PartnerOrderTransaction` inside `write` (and `read`), and the domain decides; the
/// backend owns the SQL. (Partners, nonces and statements are `PartnerStore`'s.)
///
/// For implementers: `write` runs `body` in one write transaction of the store, serialized with
/// every other write, and commits only when it returns; a throw rolls everything back, ledger
/// transfers and journal facts included. `read` runs `body` on a consistent snapshot (its
/// writing methods throw).
public protocol PartnerOrderStore: Sendable {
    /// Runs `body` in one write transaction; rethrows its error after rolling back.
    func write<T: Sendable>(_ body: @escaping @Sendable (any PartnerOrderTransaction) throws -> T) async throws -> T
    /// Runs `body` on a consistent snapshot; rethrows its error.
    func read<T: Sendable>(_ body: @escaping @Sendable (any PartnerOrderTransaction) throws -> T) async throws -> T
}

/// The partner order tables as one transaction sees them, beside the ledger and the journal
/// (`StoreTransaction`).
///
/// For implementers: an order is keyed by (partner, order id), a refund by (partner, refund id);
/// a refund answers its order's user and streamer. Methods answer what their statement reads,
/// deciding nothing: the idempotency and refund rules are `PartnerOrders`'.
public protocol PartnerOrderTransaction: StoreTransaction {
    /// The partner's order `orderID`, or nil.
    func debit(partner: String, orderID: String) throws -> PartnerDebit?
    /// The refunds of the partner's order `orderID`, oldest first (then by refund id).
    func refunds(partner: String, orderID: String) throws -> [PartnerRefund]
    /// The partner's refund `refundID` (of any order), or nil.
    func refund(partner: String, refundID: String) throws -> PartnerRefund?
    /// The streamer of room `roomID`, or nil when there is no such room.
    func streamer(ofRoom roomID: String) throws -> String?
    /// The partner's `streamer_share_bp`, or nil when there is no such partner.
    func streamerShareBP(partner: String) throws -> Int64?
    /// Stores a debit (a share of 0 without a room).
    func insert(_ debit: PartnerDebit) throws
    /// Stores a refund (a share of 0 without a streamer).
    func insert(_ refund: PartnerRefund) throws
}
