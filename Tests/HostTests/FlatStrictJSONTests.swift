import Engine
@testable import EngineCore
import Foundation
import Testing
@testable import Host

/// The gift send's body decoded by `JSONDecoder` after the strict check, for comparison with the
/// one-pass reader the route uses.
private struct SendByDecoder: StrictDecodable, Equatable {
    static let allowedKeys: Set<String> = ["gift_id", "count", "idempotency_key"]
    let giftID: String
    let count: Int64
    let idempotencyKey: String
    enum CodingKeys: String, CodingKey {
        case count
        case giftID = "gift_id"
        case idempotencyKey = "idempotency_key"
    }
}

@Suite("One-pass decoding of flat bodies")
struct FlatStrictJSONTests {
    static let bodies = [
        #"{"gift_id":"rose","count":3,"idempotency_key":"k1"}"#,
        #"  {"count":9223372036854775807,"idempotency_key":"k\u0031","gift_id":"r\u00e9"}  "#,
        #"{"gift_id":"rose","count":-9223372036854775808,"idempotency_key":"k"}"#,
        #"{"gift_id":"rose","count":3}"#,
        #"{"gift_id":null,"count":3,"idempotency_key":"k"}"#,
        #"{"gift_id":"rose","count":"3","idempotency_key":"k"}"#,
        #"{"gift_id":"rose","count":true,"idempotency_key":"k"}"#,
        #"{"gift_id":["rose"],"count":3,"idempotency_key":"k"}"#,
        #"{"gift_id":{"id":"rose"},"count":3,"idempotency_key":"k"}"#,
        #"{"gift_id":"rose","count":3.0,"idempotency_key":"k"}"#,
        #"{"gift_id":"rose","count":9223372036854775808,"idempotency_key":"k"}"#,
        #"{"gift_id":"rose","count":3,"idempotency_key":"k","extra":1}"#,
        #"{"gift_id":"rose","gift_id":"box","count":3,"idempotency_key":"k"}"#,
        #"{"gift_id":"rose","count":3,"idempotency_key":"k",}"#,
        #"{"gift_id":"ro\u0000se","count":3,"idempotency_key":"k"}"#,
        #"[1,2]"#, "", "{}", "null", #"{"gift_id":"rose","count":3,"idempotency_key":"k"} x"#,
    ]

    @Test("the one pass answers every body exactly as the decoder did: the same value, or the same code and message", arguments: bodies)
    func sameAnswers(body: String) {
        let data = Data(body.utf8)
        let flat = Result { () throws(RequestError) in try StrictJSON.decode(GiftSendRoutes.Send.self, from: data) }
        let decoded = Result { () throws(RequestError) in try StrictJSON.decode(SendByDecoder.self, from: data) }
        switch (flat, decoded) {
        case (.success(let a), .success(let b)):
            #expect(a.giftID == b.giftID && a.count == b.count && a.idempotencyKey == b.idempotencyKey)
        case (.failure(let a), .failure(let b)):
            #expect(a.code == b.code, "\(body)")
            #expect(a.message == b.message, "\(body)")
        default:
            Issue.record("\(body): one pass \(flat), decoder \(decoded)")
        }
    }

    @Test("the reader hands back strings unescaped, integers exactly, and names other values")
    func topLevelValues() throws {
        let values = try StrictJSONSyntax.parseFlatObject(Array(#"{"a":"x\"y","b":-12,"c":null,"d":[1,{"e":2}],"f":false,"g":{}}"#.utf8))
        #expect(values == ["a": .string("x\"y"), "b": .integer(-12), "c": .null, "d": .other("an array"), "f": .other("a boolean"), "g": .other("an object")])
    }
}
