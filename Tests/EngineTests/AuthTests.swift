@testable import EngineCore
import Foundation
import Testing
@testable import Engine

private let secret = String(repeating: "s", count: 32)
private let now = Date(timeIntervalSince1970: 1_700_000_000)

private func verifyCode(_ signer: TokenSigner, _ token: String, at time: Date = now) -> String? {
    do {
        _ = try signer.verify(token, now: time)
        return nil
    } catch {
        return error.code
    }
}

/// Replaces the character at `offset` in `text` with a different base64url character.
private func flip(_ text: String, at offset: Int) -> String {
    var characters = Array(text)
    characters[offset] = characters[offset] == "A" ? "B" : "A"
    return String(characters)
}

@Suite struct TokenSignerTests {
    let signer: TokenSigner

    init() throws {
        signer = try TokenSigner(secret: secret)
    }

    @Test func roundTrip() throws {
        let token = try signer.issue(userID: "user_42-x", role: .operator, ttl: .seconds(3600), now: now)
        let principal = try signer.verify(token, now: now)
        #expect(principal == Principal(userID: "user_42-x", role: .operator, expiresAt: now + 3600))
    }

    @Test(arguments: Role.allCases) func everyRoleRoundTrips(role: Role) throws {
        let token = try signer.issue(userID: "u", role: role, ttl: .seconds(60), now: now)
        #expect(try signer.verify(token, now: now).role == role)
    }

    @Test func tamperedPayloadIsRejected() throws {
        let token = try signer.issue(userID: "alice", role: .viewer, ttl: .seconds(60), now: now)
        for offset in [0, 5, token.firstIndex(of: ".")!.utf16Offset(in: token) - 2] {
            #expect(verifyCode(signer, flip(token, at: offset)) != nil)
        }
        #expect(verifyCode(signer, flip(token, at: 3)) == "bad_signature")
    }

    @Test func tamperedSignatureIsRejected() throws {
        let token = try signer.issue(userID: "alice", role: .viewer, ttl: .seconds(60), now: now)
        let dot = token.firstIndex(of: ".")!.utf16Offset(in: token)
        #expect(verifyCode(signer, flip(token, at: dot + 1)) == "bad_signature")
        #expect(verifyCode(signer, flip(token, at: token.count - 5)) == "bad_signature")
    }

    @Test func nonCanonicalSignatureEncodingIsRejected() throws {
        // The last of 43 characters carries 2 unused bits; setting them must not verify.
        let token = try signer.issue(userID: "alice", role: .viewer, ttl: .seconds(60), now: now)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        let sibling = alphabet[alphabet.firstIndex(of: token.last!)! ^ 1]
        #expect(verifyCode(signer, String(token.dropLast()) + String(sibling)) == "malformed_token")
    }

    @Test func truncatedAndRestructuredTokensAreRejected() throws {
        let token = try signer.issue(userID: "alice", role: .viewer, ttl: .seconds(60), now: now)
        let payloadOnly = String(token.prefix(while: { $0 != "." }))
        // Depending on the bits cut, a shorter signature is non-canonical base64url or a wrong MAC.
        for cut in 1...8 {
            let code = verifyCode(signer, String(token.dropLast(cut)))
            #expect(code == "malformed_token" || code == "bad_signature", "cut \(cut): \(String(describing: code))")
        }
        #expect(verifyCode(signer, "." + token.split(separator: ".")[1]) == "malformed_token")
        #expect(verifyCode(signer, payloadOnly) == "malformed_token")
        #expect(verifyCode(signer, payloadOnly + ".") == "malformed_token")
        #expect(verifyCode(signer, token + ".x") == "malformed_token")
        #expect(verifyCode(signer, token + ".") == "malformed_token")
        #expect(verifyCode(signer, "") == "missing_token")
        #expect(verifyCode(signer, "a b.c") == "malformed_token")
        #expect(verifyCode(signer, String(repeating: "A", count: TokenSigner.tokenBytesMax + 1)) == "malformed_token")
    }

    @Test func wrongSecretIsRejected() throws {
        let other = try TokenSigner(secret: String(repeating: "t", count: 32))
        let token = try other.issue(userID: "alice", role: .admin, ttl: .seconds(60), now: now)
        #expect(verifyCode(signer, token) == "bad_signature")
    }

    @Test(arguments: [
        #"{"sub":"alice","role":"god","exp":1700000060}"#,
        #"{"sub":"","role":"viewer","exp":1700000060}"#,
        #"{"sub":"al ice","role":"viewer","exp":1700000060}"#,
        #"{"sub":"\#(String(repeating: "a", count: 65))","role":"viewer","exp":1700000060}"#,
        #"{"role":"viewer","exp":1700000060}"#,
        #"{"sub":"alice","role":"viewer","exp":"soon"}"#,
        #"["alice","viewer",1700000060]"#,
        "not json at all",
        "",
    ])
    func validlySignedBadPayloadIsMalformed(payload: String) {
        let token = signer.sign(payload: Array(payload.utf8))
        #expect(verifyCode(signer, token) == "malformed_token")
    }

    @Test func longestUserIDIsAccepted() throws {
        let userID = String(repeating: "a", count: Principal.userIDCharactersMax)
        let token = try signer.issue(userID: userID, role: .viewer, ttl: .seconds(60), now: now)
        #expect(try signer.verify(token, now: now).userID == userID)
    }

    @Test func expiryIsExclusiveAtTheExactSecond() throws {
        let token = try signer.issue(userID: "alice", role: .viewer, ttl: .seconds(60), now: now)
        #expect(verifyCode(signer, token, at: now + 59.999) == nil)
        #expect(verifyCode(signer, token, at: now + 60) == "token_expired")
        #expect(verifyCode(signer, token, at: now + 61) == "token_expired")
    }

    @Test func aRememberedTokenIsStillCheckedForExpiryAndBelongsToItsSigner() throws {
        let token = try signer.issue(userID: "alice", role: .viewer, ttl: .seconds(60), now: now)
        #expect(verifyCode(signer, token) == nil)   // now remembered
        #expect(verifyCode(signer, token, at: now + 60) == "token_expired")
        let other = try TokenSigner(secret: String(repeating: "t", count: 32))
        #expect(verifyCode(other, token) == "bad_signature")
        // Past the memory's bound it starts again; every token still verifies.
        let tokens = try (0...TokenSigner.verifiedCacheMax).map {
            try signer.issue(userID: "u\($0)", role: .viewer, ttl: .seconds(60), now: now)
        }
        for (index, token) in tokens.enumerated() {
            #expect(try signer.verify(token, now: now).userID == "u\(index)")
        }
        #expect(verifyCode(signer, token) == nil)
    }

    @Test func issueRefusesBadInput() {
        #expect(throws: AuthError.invalidUser("")) { try signer.issue(userID: "", role: .viewer, ttl: .seconds(1)) }
        #expect(throws: AuthError.invalidUser("a/b")) { try signer.issue(userID: "a/b", role: .viewer, ttl: .seconds(1)) }
        #expect(throws: AuthError.invalidTTL) { try signer.issue(userID: "a", role: .viewer, ttl: .zero) }
        #expect(throws: AuthError.invalidTTL) {
            try signer.issue(userID: "a", role: .viewer, ttl: .seconds(TokenSigner.ttlSecondsMax + 1))
        }
    }

    @Test func shortSecretIsRefused() throws {
        #expect(throws: AuthError.secretTooShort) { try TokenSigner(secret: String(repeating: "s", count: 31)) }
        #expect(throws: AuthError.secretTooShort) { try TokenSigner(secret: [UInt8]()) }
        _ = try TokenSigner(secret: [UInt8](repeating: 7, count: 32))
    }
}
