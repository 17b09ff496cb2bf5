import Books
import EngineCore
import Foundation

/// Coins bought through a payment provider. The provider calls back with a body signed by
/// HMAC-SHA256 over `"<timestamp>.<body>"`; the credit is idempotent by the provider's order id
/// and journaled (`topup`) in the same transaction.
public struct TopUps: Sendable {
    /// Journal type of a credited top-up.
    public static let topupType = "topup"
    /// How far a callback's timestamp may be from now, either way.
    public static let timestampSkewSecondsMax: Int64 = 300
    /// Shortest accepted callback secret, in bytes (anyone who knows it can mint coins).
    public static let secretBytesMin = 32
    /// The public development secret: what `serve --dev` and engines opened for tests use.
    /// Never where money matters.
    public static let developmentSecret = "showrunner-development-payment-secret-not-for-production"
    /// Longest accepted `X-Timestamp` header, in bytes (whole seconds since 1970, digits only).
    static let timestampBytesMax = 12
    /// Largest single top-up, in coins.
    public static let amountCoinsMax: Int64 = 100_000_000

    let ledger: Ledger
    let secret: [UInt8]
    let clock: any WallClock

    /// - Parameters: secret: shared with the provider, at least `secretBytesMin` bytes (the
    ///   command line refuses shorter ones before the engine starts).
    public init(ledger: Ledger, secret: String, clock: any WallClock = SystemWallClock()) {
        self.ledger = ledger
        self.secret = Array(secret.utf8)
        self.clock = clock
    }

    /// The signature a provider sends for `body` at `timestamp` (hex).
    public func signature(body: [UInt8], timestamp: String) -> String {
        Hex.encode(HMACSHA256.mac(key: secret, message: Array(timestamp.utf8) + [UInt8(ascii: ".")] + body))
    }

    /// Checks the signature and the timestamp's freshness.
    /// - Throws: `PaymentError` (401) for a missing, stale or wrong signature.
    public func verify(body: [UInt8], timestamp: String?, signature given: String?) throws(PaymentError) {
        guard let timestamp, let given, !given.isEmpty else { throw .missingSignature }
        let digits = timestamp.utf8
        guard (1...Self.timestampBytesMax).contains(digits.count),
            digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
            let seconds = Int64(timestamp)
        else { throw .staleTimestamp }
        // Both sides are bounded (12 digits; the clock's seconds), so the difference cannot
        // overflow; it is still taken with overflow reported rather than trapping.
        let (skew, overflow) = (clock.nowMillis() / 1000).subtractingReportingOverflow(seconds)
        guard !overflow, skew.magnitude <= Self.timestampSkewSecondsMax.magnitude else { throw .staleTimestamp }
        let expected = Array(signature(body: body, timestamp: timestamp).utf8)
        guard HMACSHA256.constantTimeEqual(expected, Array(given.lowercased().utf8)) else { throw .badSignature }
    }

    /// Credits a verified callback. A replay with the same body returns the first result, byte
    /// for byte: its `balance_coins` is the balance right after the first credit, rebuilt from the
    /// immutable history, not the balance now. The same order id with another body is
    /// `idempotency_conflict`.
    public func credit(_ c: PaymentCallback) async throws -> TopUpReceipt {
        // The order id names the ledger transfer (`topup:<order_id>`), whose ids are printable ASCII:
        // checked here so that other text is `invalid_order_id`, not the ledger's key error.
        guard (1...100).contains(c.orderID.utf8.count), c.orderID.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw PaymentError.invalid("order_id", "1-100 bytes of printable ASCII without spaces")
        }
        guard Principal.isValidUserID(c.userID) else { throw PaymentError.invalid("user_id", "not a user id") }
        guard (1...Self.amountCoinsMax).contains(c.amountCoins) else { throw PaymentError.invalid("amount_coins", "1...\(Self.amountCoinsMax)") }
        let now = clock.nowMillis()
        let ledger = self.ledger
        let id = "topup:\(c.orderID)"
        return try await ledger.store.ledgerWrite(ledger) { rows in
            let replay = try rows.transferExists(id: id)
            let transfers = try ledger.apply(rows, [TransferRequest(
                id: id, debit: .system(.paymentClearing, "coins"), credit: .user(c.userID, "coins"),
                asset: "coins", amount: c.amountCoins, code: "topup", memo: "order \(c.orderID)")], now: now)
            try rows.journal.append(type: Self.topupType, payload: c, idempotencyKey: id, at: now)
            // A replayed chain returned the original transfer (same body hash): answer as of it.
            let balance = replay
                ? try ledger.balance(rows, .user(c.userID, "coins"), through: transfers[0].seq)
                : try ledger.balance(rows, .user(c.userID, "coins"))
            return TopUpReceipt(orderID: c.orderID, userID: c.userID, amountCoins: c.amountCoins, balanceCoins: balance,
                transferID: transfers[0].id)
        }
    }
}

/// A provider's callback body.
public struct PaymentCallback: Sendable, Codable, Equatable {
    public var orderID: String
    public var userID: String
    public var amountCoins: Int64
    public init(orderID: String, userID: String, amountCoins: Int64) {
        self.orderID = orderID
        self.userID = userID
        self.amountCoins = amountCoins
    }
    /// The JSON keys a callback carries.
    public static let keys: Set<String> = ["order_id", "user_id", "amount_coins"]
    enum CodingKeys: String, CodingKey {
        case orderID = "order_id"
        case userID = "user_id"
        case amountCoins = "amount_coins"
    }
}

/// The answer to a credited callback.
public struct TopUpReceipt: Sendable, Codable, Equatable {
    public var orderID: String
    public var userID: String
    public var amountCoins: Int64
    public var balanceCoins: Int64
    public var transferID: String
}

/// Refused payment callbacks.
public enum PaymentError: ShowrunnerError {
    case missingSignature, staleTimestamp, badSignature
    case invalid(String, String)

    public var code: String {
        switch self {
        case .missingSignature: "missing_signature"
        case .staleTimestamp: "stale_timestamp"
        case .badSignature: "bad_signature"
        case .invalid(let field, _): "invalid_\(field)"
        }
    }
    public var kind: ErrorKind {
        if case .invalid = self { return .badRequest }
        return .unauthorized
    }
    public var message: String {
        switch self {
        case .missingSignature: "X-Signature and X-Timestamp headers are required"
        case .staleTimestamp: "timestamp is missing, malformed or more than \(TopUps.timestampSkewSecondsMax)s from now"
        case .badSignature: "signature does not match the body"
        case .invalid(let field, let why): "\(field): \(why)"
        }
    }
}
