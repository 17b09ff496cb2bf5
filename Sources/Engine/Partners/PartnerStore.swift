/// Where the partner API keeps its partners, the nonces it has seen and the rows of its
/// statements (the debits and refunds themselves move money and are written by `PartnerOrders`
/// through `PartnerOrderStore`, inside the ledger's transaction).
///
/// For implementers: each method is one transaction. `register` stores the partner with its
/// secret and journals `partner_registered` (`Partners.registeredType`, the partner without
/// its secret, as `registrationJSON`), or answers false, changing nothing, when the id is taken.
/// `partners` answers them by id, without secrets. `useNonce` first forgets every nonce signed
/// before `pruneBefore` (seconds), then records the nonce for the partner and answers true, or
/// false when the partner already used it. `statementRows` answers the partner's debits and
/// refunds made in `[from, to)` (milliseconds), at most `limit` of each kind, in no set order.
/// Every backend runs `PartnerStoreConformanceTests`.
public protocol PartnerStore: Sendable {
    func register(_ partner: Partners.Partner, secret: String, registrationJSON: String) async throws -> Bool
    func partners() async throws -> [Partners.Partner]
    func secret(partnerID: String) async throws -> String?
    func useNonce(partnerID: String, nonce: String, signedAt: Int64, pruneBefore: Int64) async throws -> Bool
    func statementRows(partnerID: String, from: Int64, to: Int64, limit: Int) async throws -> [PartnerStatementRow]
}
