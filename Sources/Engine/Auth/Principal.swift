import Foundation

/// The verified identity behind a request: who, in which role, until when.
public struct Principal: Sendable, Hashable {
    /// Longest accepted user id, in characters.
    public static let userIDCharactersMax = 64

    /// The user id (`sub` in the token): 1–64 characters of `[A-Za-z0-9_-]`.
    public let userID: String
    /// The role the token grants.
    public let role: Role
    /// The instant the token stops being valid (exclusive).
    public let expiresAt: Date

    /// - Parameters: userID: a valid user id (see `isValidUserID`); role: granted role;
    ///   expiresAt: end of validity.
    public init(userID: String, role: Role, expiresAt: Date) {
        self.userID = userID
        self.role = role
        self.expiresAt = expiresAt
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
