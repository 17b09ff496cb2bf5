@testable import Engine
@testable import EngineCore
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import Host

@Suite struct AuthMiddlewareTests {
    struct WhoAmI: Decodable, Equatable {
        let user_id: String
        let role: String
        let expires_at: Int64
    }

    /// How a token reaches the server.
    enum Carrier: CaseIterable {
        case header, query

        func request(_ path: String, token: String) -> (uri: String, headers: HTTPFields) {
            switch self {
            case .header: (path, bearer(token))
            case .query: (path + "?token=" + token, [:])
            }
        }
    }

    @Test(arguments: Carrier.allCases) func whoamiReturnsThePrincipal(carrier: Carrier) async throws {
        let host = try TestHost()
        let (uri, headers) = carrier.request("/v1/whoami", token: try host.token(.streamer, user: "bob-7"))
        try await host.test { client in
            try await client.execute(uri: uri, method: .get, headers: headers) { response throws in
                #expect(response.status == .ok)
                let expected = WhoAmI(user_id: "bob-7", role: "streamer", expires_at: 1_700_003_600)
                #expect(try response.json(WhoAmI.self) == expected)
            }
        }
    }

    /// A validly signed token whose `exp` is near the `Int64` edges once aborted the process in
    /// `/v1/whoami` (a claim went through a `Double` and back). Now it answers exactly.
    @Test(arguments: [Int64.max, Int64.max - 1, Int64.max - 511, 9_223_372_036_854_775_000, (1 << 53) + 1] as [Int64])
    func extremeExpiryAnswersExactly(exp: Int64) async throws {
        let host = try TestHost()
        let token = host.signer.sign(payload: Array(#"{"exp":\#(exp),"role":"viewer","sub":"edge"}"#.utf8))
        try await host.test { client in
            try await client.execute(uri: "/v1/whoami", method: .get, headers: bearer(token)) { response throws in
                #expect(response.status == .ok)
                #expect(try response.json(WhoAmI.self) == WhoAmI(user_id: "edge", role: "viewer", expires_at: exp))
            }
        }
    }

    @Test func expiryAtOrBelowTheInt64FloorIsExpired() async throws {
        let host = try TestHost()
        try await host.test { client in
            for exp in [Int64.min, Int64.min + 1, -1, 0, 1_700_000_000] {
                let token = host.signer.sign(payload: Array(#"{"exp":\#(exp),"role":"viewer","sub":"edge"}"#.utf8))
                try await client.execute(uri: "/v1/whoami", method: .get, headers: bearer(token)) { response throws in
                    #expect(response.status == .unauthorized)
                    #expect(try response.json(ErrorBody.self).error == "token_expired")
                }
            }
            for exp in ["9223372036854775808", "1e300", "1.5", "\"1\"", "null"] {
                let token = host.signer.sign(payload: Array(#"{"exp":\#(exp),"role":"viewer","sub":"edge"}"#.utf8))
                try await client.execute(uri: "/v1/whoami", method: .get, headers: bearer(token)) { response throws in
                    #expect(response.status == .unauthorized, "\(exp)")
                    #expect(try response.json(ErrorBody.self).error == "malformed_token", "\(exp)")
                }
            }
        }
    }

    @Test func issuingPastTheInt64EdgeIsRefused() throws {
        let host = try TestHost()
        #expect(throws: AuthError.self) {
            try host.signer.issue(userID: "a", role: .viewer, ttl: .seconds(3600), now: Date(timeIntervalSince1970: 9.3e18))
        }
    }

    @Test(arguments: Carrier.allCases) func badTokensAre401(carrier: Carrier) async throws {
        let host = try TestHost()
        let good = try host.token(.admin)
        let dot = good.firstIndex(of: ".")!
        let tampered = String(good[..<dot]) + "." + (good[good.index(after: dot)] == "A" ? "B" : "A")
            + good[good.index(dot, offsetBy: 2)...]
        let cases: [(token: String, code: String)] = [
            ("", "missing_token"),
            ("not-a-token", "malformed_token"),
            (good + ".extra", "malformed_token"),
            (tampered, "bad_signature"),
            (try TokenSigner(secret: String(repeating: "x", count: 32)).issue(userID: "a", role: .admin, ttl: .seconds(60), now: testNow), "bad_signature"),
            (try host.token(.admin, ttlSeconds: 60, now: testNow - 60), "token_expired"),
        ]
        try await host.test { client in
            for (token, code) in cases {
                let (uri, headers) = carrier.request("/v1/whoami", token: token)
                try await client.execute(uri: uri, method: .get, headers: headers) { response throws in
                    #expect(response.status == .unauthorized, "\(code)")
                    #expect(try response.json(ErrorBody.self).error == code)
                    #expect(response.headers[.wwwAuthenticate] == "Bearer")
                }
            }
        }
    }

    @Test func noTokenAtAllIs401() async throws {
        try await TestHost().test { client in
            for uri in ["/v1/whoami", "/v1/admin/ping"] {
                try await client.execute(uri: uri, method: .get) { response throws in
                    #expect(response.status == .unauthorized)
                    #expect(try response.json(ErrorBody.self).error == "missing_token")
                }
            }
        }
    }

    @Test("a bearer token is trimmed of spaces and tabs at either end, nothing else", arguments: [
        ("tok", "tok"), ("  tok", "tok"), ("tok \t ", "tok"), ("\t t o k\t", "t o k"), ("   ", ""), ("", ""),
        ("\u{00A0}tok", "\u{00A0}tok"), ("中文 ", "中文"),
    ])
    func bearerTokenTrimming(raw: String, trimmed: String) {
        #expect(AuthMiddleware.trimmingOptionalWhitespace(Substring(raw)) == trimmed)
    }

    @Test func bearerWithSpacedTokenIsAccepted() async throws {
        let host = try TestHost()
        let token = try host.token(.viewer)
        try await host.test { client in
            try await client.execute(uri: "/v1/whoami", method: .get, headers: [.authorization: "Bearer  \t\(token) \t"]) { response throws in
                #expect(response.status == .ok)
            }
        }
    }

    @Test func nonBearerAuthorizationIs401() async throws {
        try await TestHost().test { client in
            try await client.execute(uri: "/v1/whoami", method: .get, headers: [.authorization: "Basic YTpi"]) { response throws in
                #expect(response.status == .unauthorized)
                #expect(try response.json(ErrorBody.self).error == "malformed_token")
            }
        }
    }

    @Test(arguments: [(Role.viewer, false), (.streamer, false), (.partner, false), (.operator, true), (.admin, true)])
    func adminRoutesNeedStaff(role: Role, allowed: Bool) async throws {
        let host = try TestHost()
        let token = try host.token(role)
        try await host.test { client in
            try await client.execute(uri: "/v1/admin/ping", method: .get, headers: bearer(token)) { response throws in
                if allowed {
                    #expect(response.status == .ok)
                    #expect(response.text.contains(#""pong":true"#))
                } else {
                    #expect(response.status == .forbidden)
                    #expect(try response.json(ErrorBody.self).error == "forbidden")
                }
            }
            try await client.execute(uri: "/v1/admin/ping?token=\(token)", method: .get) { response throws in
                #expect(response.status == (allowed ? .ok : .forbidden))
            }
        }
    }
}
