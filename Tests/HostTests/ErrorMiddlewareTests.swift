import Engine
@testable import EngineCore
import Hummingbird
import HummingbirdTesting
import Testing
@testable import Host

/// An error the host knows nothing about, carrying something that must never reach a client.
struct LeakyError: Error {
    let detail = "password=hunter2"
}

/// Registers `GET /test/fail/{kind}` (throws a `RequestError` of that kind) and
/// `GET /test/crash` (throws an unknown error).
struct FailingArea: RouteArea {
    func addRoutes(to routes: AppRoutes) {
        routes.root.get("test/fail/:kind") { _, context -> HTTPResponse.Status in
            guard let kind = ErrorKind(rawValue: try context.parameters.require("kind")) else {
                throw HTTPError(.badRequest)
            }
            throw RequestError("test_\(kind.rawValue)", kind, "failed as \(kind.rawValue)")
        }
        routes.root.get("test/crash") { _, _ -> HTTPResponse.Status in
            throw LeakyError()
        }
    }
}

@Suite struct ErrorMiddlewareTests {
    @Test(arguments: [
        (ErrorKind.badRequest, 400), (.unauthorized, 401), (.forbidden, 403), (.notFound, 404),
        (.conflict, 409), (.payloadTooLarge, 413), (.unprocessable, 422), (.tooManyRequests, 429),
        (.unavailable, 503), (.internalFailure, 500),
    ])
    func engineErrorsMapByKind(kind: ErrorKind, status: Int) async throws {
        try await TestHost(areas: [FailingArea()]).test { client in
            try await client.execute(uri: "/test/fail/\(kind.rawValue)", method: .get) { response throws in
                #expect(response.status.code == status)
                let body = try response.json(ErrorBody.self)
                #expect(body == ErrorBody(error: "test_\(kind.rawValue)", message: "failed as \(kind.rawValue)"))
            }
        }
    }

    @Test func unknownErrorsAre500WithoutDetails() async throws {
        try await TestHost(areas: [FailingArea()]).test { client in
            try await client.execute(uri: "/test/crash", method: .get) { response throws in
                #expect(response.status == .internalServerError)
                #expect(try response.json(ErrorBody.self) == ErrorBody(error: "internal_error", message: "internal error"))
                #expect(!response.text.contains("hunter2"))
            }
        }
    }
}
