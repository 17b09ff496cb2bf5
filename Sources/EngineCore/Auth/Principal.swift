import Foundation

/// The verified identity behind a request: who, in which role, until when.
public struct Principal: Sendable, Hashable {
    /// Longest accepted user id, in characters.
    public static let userIDCharactersMax = 64

    /// The user id (`sub` in the token): 1–64 characters of `[A-Za-z0-9_-]`.
    public let userID: String
    /// The role the token grants.
    public let role: Role
    /// The second the token stops being valid (exclusive): the token's `exp`, exactly, as signed.
    /// Kept as an integer so no claim, however large, goes through a `Double` and back.
    public let expiresAtSeconds: Int64

    /// The instant the token stops being valid (exclusive).
    public var expiresAt: Date { Date(timeIntervalSince1970: TimeInterval(expiresAtSeconds)) }

    /// - Parameters: userID: a valid user id (see `isValidUserID`); role: granted role;
    ///   expiresAtSeconds: end of validity, whole seconds since 1970 (exclusive).
    public init(userID: String, role: Role, expiresAtSeconds: Int64) {
        self.userID = userID
        self.role = role
        self.expiresAtSeconds = expiresAtSeconds
    }

    /// - Parameters: userID; role; expiresAt: end of validity, rounded down to the second and
    ///   clamped to the `Int64` range.
    public init(userID: String, role: Role, expiresAt: Date) {
        self.init(userID: userID, role: role, expiresAtSeconds: Self.seconds(expiresAt))
    }

    /// Whether the token is still valid at `now` (strictly before `exp`).
    public func isValid(at now: Date) -> Bool { Self.seconds(now) < expiresAtSeconds }

    /// Whole seconds since 1970 of `date`, rounded down and clamped to the `Int64` range.
    static func seconds(_ date: Date) -> Int64 {
        let t = date.timeIntervalSince1970.rounded(.down)
        guard t.isFinite else { return t > 0 ? .max : .min }
        // 2^63 as a Double is exactly Int64.max + 1: anything at or past it clamps.
        if t >= 9_223_372_036_854_775_808.0 { return .max }
        if t < -9_223_372_036_854_775_808.0 { return .min }
        return Int64(t)
    }

    /// Whether `userID` has the accepted shape: 1–64 ASCII letters, digits, `_` or `-`.
    public static func isValidUserID(_ userID: String) -> Bool {
        let bytes = userID.utf8
        guard !bytes.isEmpty, bytes.count <= userIDCharactersMax else { return false }
        return bytes.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
                true
            default:
                false
            }
        }
    }
}
