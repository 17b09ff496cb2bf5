import Engine
@testable import EngineCore
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTesting
import Logging
import Testing
@testable import Host

/// The secret every host test signs with.
let testSecret = String(repeating: "k", count: 32)
/// The fixed instant the test application checks token expiry against.
let testNow = Date(timeIntervalSince1970: 1_700_000_000)

/// An application wired like `serve`, with a private metrics registry and a fixed clock.
struct TestHost {
    let config: AppConfig
    var services: AppServices
    let signer: TokenSigner

    init(
        bodyBytesMax: Int = AppConfig.requestBodyBytesMaxDefault, areas: [any RouteArea] = [],
        httpServer: HTTPServerBuilder = .http1()
    ) throws {
        signer = try TokenSigner(secret: testSecret)
        var services = AppServices.standard(signer: signer, logger: Logger(label: "test"))
        services.now = { testNow }
        services.routeAreas = areas
        services.httpServer = httpServer
        self.services = services
        self.config = AppConfig(port: 0, requestBodyBytesMax: bodyBytesMax)
    }

    /// Runs `body` against the application through Hummingbird's in-process router client.
    func test<Value>(_ body: @Sendable (any TestClientProtocol) async throws -> Value) async throws -> Value {
        try await buildApplication(config, services: services).test(.router, body)
    }

    /// A token for `role`, valid from `now` for `ttlSeconds`.
    func token(_ role: Role, user: String = "alice", ttlSeconds: Int64 = 3600, now: Date = testNow) throws -> String {
        try signer.issue(userID: user, role: role, ttl: .seconds(ttlSeconds), now: now)
    }
}

/// The JSON error body every failure carries.
struct ErrorBody: Decodable, Equatable {
    let error: String
    let message: String
}

extension TestResponse {
    /// The body decoded as JSON of type `T`; fails the test when it is not.
    func json<T: Decodable>(_ type: T.Type = T.self) throws -> T {
        #expect(headers[.contentType]?.hasPrefix("application/json") == true)
        return try JSONDecoder().decode(T.self, from: Data(body.readableBytesView))
    }

    /// The body as UTF-8 text.
    var text: String { String(buffer: body) }
}

/// Headers carrying `token` as a bearer token.
func bearer(_ token: String) -> HTTPFields {
    [.authorization: "Bearer \(token)"]
}
