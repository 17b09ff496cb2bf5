import Engine
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
