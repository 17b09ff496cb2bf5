import EngineCore

/// The partners an operator registered for the signed partner API (mini-games): each has an id
/// and a shared secret that signs its requests (`PartnerSignature`). The secret is stored as
/// given, since verifying a MAC needs it; it is returned once, when the partner is registered,
/// and never listed.
public struct Partners: Sendable {
    /// Journal type of a registration (without the secret).
    public static let registeredType = "partner_registered"
    /// Longest partner id, in bytes (`[A-Za-z0-9_-]`).
    public static let idBytesMax = 32
    /// Shortest and longest accepted secret, in bytes of printable ASCII.
    public static let secretBytesMin = 32
    public static let secretBytesMax = 256
    /// Longest display name, in characters.
    public static let nameLengthMax = 100
    /// Random bytes in a generated secret (hex encoded: twice as many characters).
    static let generatedSecretBytes = 32

    let store: any PartnerStore
    let clock: any WallClock

    /// - Parameters: store: where partners are kept; clock: registration times and the signature window.
    public init(store: any PartnerStore, clock: any WallClock = SystemWallClock()) {
        self.store = store
        self.clock = clock
    }

    /// A registered partner as listed (no secret).
    public struct Partner: Sendable, Codable, Equatable {
        public let id: String
        public let name: String
        public let createdBy: String
        public let createdAt: Int64
        /// Basis points (0...10,000) of each debit made in a room that its streamer receives as
        /// revenue.
        public var streamerShareBP: Int64 = 0

        package init(id: String, name: String, createdBy: String, createdAt: Int64, streamerShareBP: Int64 = 0) {
            self.id = id
            self.name = name
            self.createdBy = createdBy
            self.createdAt = createdAt
            self.streamerShareBP = streamerShareBP
        }
    }

    /// A new registration's answer: the partner and its secret, shown this once.
    public struct Registration: Sendable, Codable, Equatable {
        public let partner: Partner
        public let secret: String
    }

    /// Registers a partner; generates a secret of `generatedSecretBytes` random bytes when none is given.
    /// - Throws: `PartnerError.invalid` (id, secret, name), `.partnerExists` (409).
    /// - Parameter streamerShareBP: of each debit made in a room, the basis points (0...10,000)
    ///   its streamer receives as revenue (0 by default).
    public func register(
        id: String, secret given: String?, name: String?, streamerShareBP: Int64 = 0, by operatorID: String
    ) async throws -> Registration {
        guard (0...10_000).contains(streamerShareBP) else { throw PartnerError.invalid("streamer_share_bp", "0...10000") }
        guard Self.isValidPartnerID(id) else { throw PartnerError.invalid("id", "1...\(Self.idBytesMax) bytes of A-Z a-z 0-9 _ -") }
        if let given {
            guard (Self.secretBytesMin...Self.secretBytesMax).contains(given.utf8.count), given.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
                throw PartnerError.invalid("secret", "\(Self.secretBytesMin)...\(Self.secretBytesMax) bytes of printable ASCII without spaces")
            }
        }
        let name = name ?? id
        guard (1...Self.nameLengthMax).contains(name.contractLength), !name.contains(where: { $0.isNewline }) else {
            throw PartnerError.invalid("name", "1...\(Self.nameLengthMax) characters on one line")
        }
        let secret = given ?? Self.generateSecret()
        let now = clock.nowMillis()
        let partner = Partner(id: id, name: name, createdBy: operatorID, createdAt: now, streamerShareBP: streamerShareBP)
        guard try await store.register(partner, secret: secret, registrationJSON: try PartnerJSON.text(partner)) else {
            throw PartnerError.partnerExists(id)
        }
        return Registration(partner: partner, secret: secret)
    }

    /// Every registered partner, by id.
    public func list() async throws -> [Partner] {
        try await store.partners()
    }

    /// Whether `id` can name a partner: 1...`idBytesMax` bytes of `[A-Za-z0-9_-]`.
    public static func isValidPartnerID(_ id: String) -> Bool {
        (1...idBytesMax).contains(id.utf8.count) && id.utf8.allSatisfy(isIDByte)
    }

    /// Whether `key` can be an order or refund id: 1...`PartnerOrders.keyBytesMax` bytes of
    /// `[A-Za-z0-9._:-]` (so it needs no quoting in a statement's CSV).
    public static func isValidKey(_ key: String) -> Bool {
        (1...PartnerOrders.keyBytesMax).contains(key.utf8.count)
            && key.utf8.allSatisfy { isIDByte($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: ":") }
    }

    private static func isIDByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "_"), UInt8(ascii: "-"):
            true
        default: false
        }
    }

    static func generateSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        return Hex.encode((0..<generatedSecretBytes).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }
}
