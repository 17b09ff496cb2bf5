import Rooms

/// What a vanity room number is: a decimal string of `digitsMin`...`digitsMax` digits with no
/// leading zero (so `100`...`999999999`), compared as text. Every number from outside (a path
/// segment, a body field, a query) is checked here before anything else sees it.
public enum RoomNumberRules {
    /// Fewest digits of a number: short numbers would collide with ordinary ids and be guessed.
    public static let digitsMin = 3
    /// Most digits of a number: nine digits always fit an `Int32`, and a person reads them aloud.
    public static let digitsMax = 9
    /// Highest price of a listed number, in coins (the top-up limit).
    public static let priceCoinsMax: Int64 = 100_000_000
    /// Longest purchase idempotency key, in bytes: the ledger id is `room-number:<buyer>:<key>`,
    /// which must fit `TransferRequest.idBytesMax` with a 64-byte buyer id.
    public static let idempotencyKeyBytesMax = 48

    /// Whether `text` has the shape of a number (the resolver's first question about a segment).
    public static func isNumber(_ text: some StringProtocol) -> Bool {
        let bytes = text.utf8
        guard (digitsMin...digitsMax).contains(bytes.count), let first = bytes.first, first != UInt8(ascii: "0") else { return false }
        return bytes.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    /// Checks a number from outside.
    /// - Returns: the number, unchanged.
    /// - Throws: `RoomNumberError.invalid(.number, ...)` naming the broken rule.
    @discardableResult
    public static func check(_ text: String) throws(RoomNumberError) -> String {
        let bytes = text.utf8
        guard !bytes.isEmpty else { throw .invalid(.number, "must not be empty") }
        guard bytes.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else {
            throw .invalid(.number, "must be decimal digits only (0-9)")
        }
        guard bytes.first != UInt8(ascii: "0") else { throw .invalid(.number, "must not start with 0") }
        guard (digitsMin...digitsMax).contains(bytes.count) else {
            throw .invalid(.number, "must be \(digitsMin)-\(digitsMax) digits")
        }
        return text
    }

    /// Checks a listing price.
    /// - Throws: `RoomNumberError.invalid(.priceCoins, ...)` outside 1...`priceCoinsMax`.
    public static func checkPrice(_ priceCoins: Int64) throws(RoomNumberError) {
        guard (1...priceCoinsMax).contains(priceCoins) else { throw .invalid(.priceCoins, "must be 1-\(priceCoinsMax)") }
    }

    /// Checks a purchase key: 1...`idempotencyKeyBytesMax` bytes of printable ASCII, no spaces.
    /// - Throws: `RoomNumberError.invalid(.idempotencyKey, ...)`.
    public static func checkKey(_ key: String) throws(RoomNumberError) {
        let bytes = key.utf8
        guard (1...idempotencyKeyBytesMax).contains(bytes.count), bytes.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw .invalid(.idempotencyKey, "must be 1-\(idempotencyKeyBytesMax) bytes of printable ASCII without spaces")
        }
    }
}
