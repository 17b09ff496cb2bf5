import EngineCore


/// The validation rules of rooms and profiles, as named limits.
public enum RoomRules {
    /// Longest room id, in characters.
    public static let roomIDLengthMax = 64
    /// Longest streamer or user id, in characters.
    public static let accountIDLengthMax = 64
    /// Longest title, in characters (grapheme clusters).
    public static let titleLengthMax = 100
    /// Longest category, in characters (grapheme clusters).
    public static let categoryLengthMax = 40

    /// Checks `^[a-z0-9][a-z0-9_-]{0,63}$`.
    /// - Throws: `RoomError.invalid(.roomID, ...)`.
    public static func checkRoomID(_ id: String) throws {
        let bytes = Array(id.utf8)
        guard let first = bytes.first else { throw RoomError.invalid(.roomID, reason: "must not be empty") }
        guard bytes.count <= roomIDLengthMax else {
            throw RoomError.invalid(.roomID, reason: "must be at most \(roomIDLengthMax) characters")
        }
        guard isLowerAlphanumeric(first), bytes.allSatisfy({ isLowerAlphanumeric($0) || $0 == 0x5F || $0 == 0x2D }) else {
            throw RoomError.invalid(.roomID, reason: "must start with a-z or 0-9 and contain only a-z, 0-9, '_' and '-'")
        }
    }

    /// Checks 1-64 characters of `[A-Za-z0-9_-]`, for streamer and user ids.
    /// - Throws: `RoomError.invalid(field, ...)`.
    public static func checkAccountID(_ id: String, field: RoomField) throws {
        let bytes = Array(id.utf8)
        guard !bytes.isEmpty else { throw RoomError.invalid(field, reason: "must not be empty") }
        guard bytes.count <= accountIDLengthMax else {
            throw RoomError.invalid(field, reason: "must be at most \(accountIDLengthMax) characters")
        }
        let allowed = bytes.allSatisfy { isLowerAlphanumeric($0) || (0x41...0x5A).contains($0) || $0 == 0x5F || $0 == 0x2D }
        guard allowed else { throw RoomError.invalid(field, reason: "must contain only A-Z, a-z, 0-9, '_' and '-'") }
    }

    /// Checks free text: 1...`lengthMax` characters, not only whitespace, no control characters.
    /// - Throws: `RoomError.invalid(field, ...)`.
    public static func checkText(_ text: String, field: RoomField, lengthMax: Int) throws {
        guard !text.isEmpty else { throw RoomError.invalid(field, reason: "must not be empty") }
        guard text.contractLength <= lengthMax else {
            throw RoomError.invalid(field, reason: "must be at most \(lengthMax) characters")
        }
        guard text.contains(where: { !$0.isWhitespace }) else {
            throw RoomError.invalid(field, reason: "must not be blank")
        }
        guard !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw RoomError.invalid(field, reason: "must not contain control characters")
        }
    }

    /// Checks every field of a new room.
    /// - Throws: `RoomError.invalid` for the first field that breaks its rule.
    public static func check(_ new: NewRoom) throws {
        try checkRoomID(new.id)
        try checkAccountID(new.streamerID, field: .streamerID)
        try checkText(new.title, field: .title, lengthMax: titleLengthMax)
        try checkText(new.category, field: .category, lengthMax: categoryLengthMax)
    }

    private static func isLowerAlphanumeric(_ byte: UInt8) -> Bool {
        (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte)
    }
}
