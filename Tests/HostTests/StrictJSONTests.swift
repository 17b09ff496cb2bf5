import Engine
@testable import EngineCore
import Hummingbird
import HummingbirdTesting
import Testing
@testable import Host

/// The test-only body the echo route decodes.
struct EchoRequest: StrictDecodable, ResponseEncodable {
    static let allowedKeys: Set<String> = ["name", "count"]
    let name: String
    let count: Int
}

/// Registers `POST /test/echo`, which decodes strictly and sends the body back.
struct EchoArea: RouteArea {
    func addRoutes(to routes: AppRoutes) {
        routes.root.post("test/echo") { request, context in
            try await request.decodeStrict(as: EchoRequest.self, context: context)
        }
        routes.root.post("test/ignore") { _, _ -> HTTPResponse.Status in
            .noContent
        }
    }
}

@Suite struct StrictJSONTests {
    static let bodyBytesMax = 256

    func post(_ body: String, to uri: String = "/test/echo") async throws -> (HTTPResponse.Status, String) {
        let host = try TestHost(bodyBytesMax: Self.bodyBytesMax, areas: [EchoArea()])
        return try await host.test { client in
            try await client.execute(uri: uri, method: .post, body: ByteBuffer(string: body)) { response throws in
                (response.status, response.text)
            }
        }
    }

    @Test func validBodyIsDecoded() async throws {
        let (status, text) = try await post(#"{"name":"rose","count":3}"#)
        #expect(status == .ok)
        #expect(text.contains(#""name":"rose""#) && text.contains(#""count":3"#))
    }

    /// A body the echo route must refuse, the code it must answer and a word the message names.
    struct BadBody: Sendable, CustomTestStringConvertible {
        let body: String
        let code: String
        let mentions: String
        var testDescription: String { "\(code): \(body)" }
    }

    static let badBodies = [
        BadBody(body: #"{"name":"#, code: "malformed_json", mentions: "not valid JSON"),
        BadBody(body: "", code: "malformed_json", mentions: "not valid JSON"),
        BadBody(body: "[1, 2]", code: "malformed_json", mentions: "JSON object"),
        BadBody(body: #""rose""#, code: "malformed_json", mentions: "JSON object"),
        BadBody(body: #"{"name":"rose","count":3,"zeta":1,"extra":true}"#, code: "unknown_field", mentions: "'extra'"),
        BadBody(body: #"{"name":"rose"}"#, code: "invalid_field", mentions: "'count'"),
        BadBody(body: #"{"name":"rose","count":"three"}"#, code: "invalid_field", mentions: "'count'"),
        BadBody(body: #"{"name":null,"count":3}"#, code: "invalid_field", mentions: "'name'"),
        BadBody(body: #"{"name":"rose","count":3.5}"#, code: "invalid_field", mentions: "'count' must be an integer"),
        BadBody(body: #"{"name":"rose","count":1.0}"#, code: "invalid_field", mentions: "'count' must be an integer"),
        BadBody(body: #"{"name":"rose","count":1e2}"#, code: "invalid_field", mentions: "'count' must be an integer"),
        BadBody(body: #"{"name":"rose","count":-0.0}"#, code: "invalid_field", mentions: "'count' must be an integer"),
        BadBody(body: #"{"name":"rose","count":9223372036854775808}"#, code: "invalid_field", mentions: "'count' is out of range"),
        BadBody(body: #"{"name":"rose","count":-9223372036854775809}"#, code: "invalid_field", mentions: "'count' is out of range"),
        BadBody(body: #"{"name":"rose","count":3,}"#, code: "malformed_json", mentions: "not valid JSON"),
        BadBody(body: #"{"name":"rose","count":3 , }"#, code: "malformed_json", mentions: "not valid JSON"),
        BadBody(body: #"{"name":"rose","count":[3,]}"#, code: "malformed_json", mentions: "not valid JSON"),
        BadBody(body: #"{"name":"rose","count":3,"count":4}"#, code: "duplicate_field", mentions: "'count'"),
        BadBody(body: #"{"name":"rose","count":3,"name":"tulip"}"#, code: "duplicate_field", mentions: "'name'"),
        BadBody(body: #"{"name":"ro\u0000se","count":3}"#, code: "invalid_field", mentions: "'name' must not contain control characters"),
        BadBody(body: #"{"name":"ro\u001bse","count":3}"#, code: "invalid_field", mentions: "'name' must not contain control characters"),
        BadBody(body: #"{"name":"ro\nse","count":3}"#, code: "invalid_field", mentions: "'name' must not contain control characters"),
        BadBody(body: "{\"name\":\"ro\u{7F}se\",\"count\":3}", code: "invalid_field", mentions: "'name' must not contain control characters"),
        BadBody(body: "{\"name\":\"ro\u{01}se\",\"count\":3}", code: "malformed_json", mentions: "raw control character"),
        BadBody(body: #"{"name":"\ud800","count":3}"#, code: "malformed_json", mentions: "surrogate"),
        BadBody(body: #"{"name":"rose","count":03}"#, code: "malformed_json", mentions: "leading zero"),
        BadBody(body: #"{"name":"rose","count":+3}"#, code: "malformed_json", mentions: "not valid JSON"),
        BadBody(body: #"{"name":"rose","count":NaN}"#, code: "malformed_json", mentions: "not valid JSON"),
        BadBody(body: #"{"name":"rose", /* c */ "count":3}"#, code: "malformed_json", mentions: "not valid JSON"),
        BadBody(body: #"{"name":'rose',"count":3}"#, code: "malformed_json", mentions: "not valid JSON"),
        BadBody(body: #"{"name":"rose","count":3}x"#, code: "malformed_json", mentions: "after the JSON value"),
        BadBody(body: #"{"name":"rose","count":3,"deep":"# + String(repeating: "[", count: 40) + String(repeating: "]", count: 40) + "}",
                code: "malformed_json", mentions: "nested deeper"),
        BadBody(body: #"{"name":"rose","count":[3]}"#, code: "invalid_field", mentions: "'count'"),
    ]

    @Test(arguments: badBodies) func badBodiesAre400(bad: BadBody) async throws {
        let (status, text) = try await post(bad.body)
        #expect(status == .badRequest)
        #expect(text.contains(#""error":"\#(bad.code)""#))
        #expect(text.contains(bad.mentions), "\(text)")
    }

    @Test func nestingAtTheDepthLimitIsAcceptedOneMoreIsRefused() throws {
        // The body object is level 1; `deep` holds depthMax - 1 more levels, then one too many.
        func body(_ levels: Int) -> [UInt8] {
            Array((#"{"deep":"# + String(repeating: "[", count: levels) + String(repeating: "]", count: levels) + "}").utf8)
        }
        #expect(throws: Never.self) { try StrictJSONSyntax.validateObject(body(StrictJSONSyntax.depthMax - 1)) }
        #expect(throws: StrictJSONError.self) { try StrictJSONSyntax.validateObject(body(StrictJSONSyntax.depthMax)) }
    }

    @Test func bodyAtTheLimitIsAccepted() async throws {
        let json = #"{"name":"rose","count":3}"#
        let padded = json + String(repeating: " ", count: Self.bodyBytesMax - json.utf8.count)
        let (status, _) = try await post(padded)
        #expect(status == .ok)
    }

    @Test func bodyOverTheLimitIs413() async throws {
        let json = #"{"name":"rose","count":3}"#
        let padded = json + String(repeating: " ", count: Self.bodyBytesMax + 1 - json.utf8.count)
        let (status, text) = try await post(padded)
        #expect(status == .contentTooLarge)
        #expect(text.contains(#""error":"payload_too_large""#))
    }

    @Test func declaredOversizeIsRefusedEvenWhereTheBodyIsNotRead() async throws {
        // The test client sets Content-Length from the body; this route never reads it, so only
        // the middleware's check of the declared length can refuse it.
        let (atLimit, _) = try await post(String(repeating: " ", count: Self.bodyBytesMax), to: "/test/ignore")
        #expect(atLimit == .noContent)
        let (status, text) = try await post(String(repeating: " ", count: Self.bodyBytesMax + 1), to: "/test/ignore")
        #expect(status == .contentTooLarge)
        #expect(text.contains(#""error":"payload_too_large""#))
    }
}
