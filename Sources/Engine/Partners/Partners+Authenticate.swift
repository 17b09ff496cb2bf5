extension Partners {
    /// Authenticates a partner request: the timestamp is inside the window, the partner is
    /// known, the signature matches (compared in constant time), and the nonce is new for this
    /// partner. The nonce is then stored (with its signed timestamp) in a transaction of its own,
    /// before the request is served: a captured request cannot be replayed, whatever it answered.
    /// Nonces whose timestamp left the window are pruned there, since a request carrying one is
    /// refused as stale anyway.
    /// - Returns: the partner's id.
    /// - Throws: `PartnerError` `.staleTimestamp`, `.invalidNonce`, `.badSignature` (401), `.nonceReused` (409).
    public func authenticate(_ request: PartnerSignedRequest) async throws -> String {
        let now = clock.nowMillis()
        let signedAt = try PartnerSignature.seconds(request.timestamp, nowMillis: now)
        guard PartnerSignature.isValidNonce(request.nonce) else { throw PartnerError.invalidNonce }
        guard Self.isValidPartnerID(request.partnerID) else { throw PartnerError.badSignature }
        let partnerID = request.partnerID
        let secret = try await store.secret(partnerID: partnerID)
        guard let secret, PartnerSignature.matches(secret: secret, request: request) else { throw PartnerError.badSignature }
        let oldest = now / 1000 - PartnerSignature.windowSeconds
        guard try await store.useNonce(partnerID: partnerID, nonce: request.nonce, signedAt: signedAt, pruneBefore: oldest) else {
            throw PartnerError.nonceReused
        }
        return partnerID
    }
}
