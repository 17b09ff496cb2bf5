extension AccountID: Codable {
    /// Parses the text form `kind:owner:asset`.
    /// - Throws: `LedgerError` `invalid_account` for a malformed text or owner id.
    public init(parsing text: String) throws {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3 else { throw Self.invalid(text, "must be kind:owner:asset") }
        switch parts[0] {
        case "user": self = .user(parts[1], parts[2])
        case "guild": self = .guild(parts[1], parts[2])
        case "system":
            guard let name = SystemAccount(rawValue: parts[1]) else { throw Self.invalid(text, "names no system account") }
            self = .system(name, parts[2])
        default: throw Self.invalid(text, "kind must be user, guild or system")
        }
        try validateOwner()
    }

    /// Decodes the text form.
    public init(from decoder: any Decoder) throws {
        try self.init(parsing: decoder.singleValueContainer().decode(String.self))
    }

    /// Encodes the text form.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    /// Checks a user or guild id: 1-`ownerIDBytesMax` bytes of `[A-Za-z0-9_-]`.
    /// - Throws: `LedgerError` `invalid_account`.
    func validateOwner() throws {
        switch owner {
        case .system: return
        case .user(let id), .guild(let id):
            let bytes = Array(id.utf8)
            guard !bytes.isEmpty, bytes.count <= Self.ownerIDBytesMax else {
                throw Self.invalid(description, "owner id must be 1-\(Self.ownerIDBytesMax) bytes")
            }
            let allowed = bytes.allSatisfy { byte in
                (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                    || byte == 0x5F || byte == 0x2D
            }
            guard allowed else { throw Self.invalid(description, "owner id must contain only A-Z, a-z, 0-9, '_' and '-'") }
        }
    }

    static func invalid(_ text: String, _ reason: String) -> LedgerError {
        LedgerError(.invalidAccount, "account '\(text.prefix(200))' \(reason)")
    }
}
