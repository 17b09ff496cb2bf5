@testable import Engine
import Foundation
import Testing

@Suite("Gift receipt JSON")
struct GiftReceiptJSONTests {
    static func receipt(room: String = "r1", sender: String = "v1", ids: [String] = ["gift:v1:k:paid", "gift:v1:k:fee"]) -> GiftReceipt {
        GiftReceipt(
            sendID: "k-1", roomID: room, senderID: sender, streamerID: "s1", giftID: "rose", giftVersion: 3, count: 2,
            priceCoins: 10, totalCoins: 20, streamerRevenue: 10, guildShare: 2, platformFee: 8, combo: 4,
            balanceCoins: Int64.max, transferIDs: ids, ledgerTime: 1_764_000_000_000_123)
    }

    static var reference: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }

    @Test("the hand-written text is byte for byte what JSONEncoder writes, escapes included",
          arguments: ["r1", "room/with/slashes", "quote\"back\\slash", "tab\tnew\nline\u{01}", "ünïcødé 礼物 🎁", ""])
    func sameAsEncoder(_ room: String) throws {
        let r = Self.receipt(room: room, sender: room + "-v")
        let expected = String(decoding: try Self.reference.encode(r), as: UTF8.self)
        #expect(r.jsonText == expected)
        #expect(try GiftReceipt(jsonText: r.jsonText) == r)
    }

    @Test("no transfer ids, and facts written by JSONEncoder read back the same")
    func emptyAndOld() throws {
        let r = Self.receipt(ids: [])
        #expect(r.jsonText.hasSuffix("\"transfer_ids\":[]}"))
        #expect(try GiftReceipt(jsonText: r.jsonText) == r)
        let pretty = JSONEncoder()
        pretty.outputFormatting = [.prettyPrinted]
        #expect(try GiftReceipt(jsonText: String(decoding: try pretty.encode(Self.receipt()), as: UTF8.self)) == Self.receipt())
    }

    @Test("bad payloads name the problem",
          arguments: [
            ("not json", "invalid JSON"),
            ("[1]", "JSON object"),
            (#"{"send_id":"k"}"#, "'room_id' must be a string"),
            (Self.receipt().jsonText.replacingOccurrences(of: #""count":2"#, with: #""count":"2""#), "'count' must be an integer"),
            (Self.receipt().jsonText.replacingOccurrences(of: #""count":2"#, with: #""count":2.5"#), "'count' must be an integer"),
            (Self.receipt().jsonText.replacingOccurrences(of: #"["gift:v1:k:paid","gift:v1:k:fee"]"#, with: "[1]"), "'transfer_ids'"),
            (Self.receipt().jsonText.replacingOccurrences(of: #"["gift:v1:k:paid","gift:v1:k:fee"]"#, with: #"{"a":"b"}"#), "'transfer_ids'"),
          ])
    func bad(_ text: String, _ expected: String) {
        #expect {
            try GiftReceipt(jsonText: text)
        } throws: { error in
            guard case JournalError.invalidPayload(let reason) = error else { return false }
            return reason.contains(expected)
        }
    }
}
