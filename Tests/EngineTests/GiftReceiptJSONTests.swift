@testable import Books
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

    @Test("the text written from a send's pieces is the text written whole, for every set of legs and escapes",
          arguments: ["r1", "room/with/slashes", "quote\"back\\slash", "tab\tnew\nline\u{01}", "ünïcødé 礼物 🎁", ""])
    func fromPieces(_ text: String) throws {
        // Amounts that leave out each leg in turn (a zero share, a zero fee), with and without a guild.
        let amounts: [(revenue: Int64, guild: Int64, fee: Int64)] = [(10, 2, 8), (0, 2, 8), (10, 0, 8), (10, 2, 0), (0, 0, 20), (20, 0, 0), (0, 0, 0)]
        for (revenue, guild, fee) in amounts {
            for guildID in [nil, "g/" + text] {
                let names = GiftLegs.Names(senderID: text + "-v", sendID: "k" + text, streamerID: "s" + text, giftID: "g" + text, count: 3, roomID: text)
                let parts = GiftReceiptJSONParts(
                    roomID: text, senderID: text + "-v", sendID: "k" + text, streamerID: "s" + text, giftID: "g" + text, count: 3, names: names)
                var r = GiftReceipt(
                    sendID: "k" + text, roomID: text, senderID: text + "-v", streamerID: "s" + text, giftID: "g" + text, giftVersion: -7,
                    count: 3, priceCoins: 0, totalCoins: revenue + guild + fee, streamerRevenue: revenue, guildShare: guild, platformFee: fee,
                    combo: 1_000_000, balanceCoins: Int64.min, transferIDs: [], ledgerTime: 9, guildID: guildID)
                r.transferIDs = GiftLegs.of(r, names).map(\.id)
                #expect(r.jsonText(parts) == r.jsonText, "\(revenue) \(guild) \(fee) \(guildID ?? "-")")
                #expect(try GiftReceipt(jsonText: r.jsonText(parts)) == r)
            }
        }
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

    /// What a reader made of a text: the receipt, or the error's text.
    enum Outcome: Equatable {
        case success(GiftReceipt)
        case failure(String)
    }

    /// What the general reader makes of a text.
    static func general(_ text: String) -> Outcome {
        do { return .success(try GiftReceipt(checking: text)) } catch { return .failure("\(error)") }
    }

    /// The amounts-only reader answers exactly when the general reader succeeds on an ordinary
    /// receipt, with the same receipt less its transfer ids; never where the general one fails.
    static func expectAmountsAgree(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let amounts = ReceiptReader.amounts(text)
        switch general(text) {
        case .failure: #expect(amounts == nil, "\(text)", sourceLocation: sourceLocation)
        case .success(var full):
            if let amounts {
                full.transferIDs = []
                #expect(amounts == full, "\(text)", sourceLocation: sourceLocation)
            }
            #expect((amounts == nil) == (ReceiptReader.read(text) == nil), "\(text)", sourceLocation: sourceLocation)
        }
    }

    /// What `GiftReceipt(jsonText:)` (the one-pass reader, then the general one) makes of it.
    static func answer(_ text: String) -> Outcome {
        do { return .success(try GiftReceipt(jsonText: text)) } catch { return .failure("\(error)") }
    }

    @Test("every receipt key names its field, and no other key does")
    func keysNameTheirFields() {
        func named(_ key: String) -> ReceiptReader.Field? {
            var k = key
            return k.withUTF8 { ReceiptReader.Field.named($0) }
        }
        for field in ReceiptReader.Field.allCases {
            let key = field.key.description
            #expect(named(key) == field, "\(key)")
            // The same length with its last letter changed, one letter more, one less.
            #expect(named(String(key.dropLast()) + "X") == nil, "\(key)")
            #expect(named(key + "s") == nil && named(String(key.dropLast())) == nil, "\(key)")
        }
        for other in ["", "a", "combs", "coxnt", "gift_ie", "total_coinz", "streamer_revenue_", "balance_coin", "guild_ix"] {
            #expect(named(other) == nil, "\(other)")
        }
    }

    @Test("the one-pass reader reads every ordinary receipt itself, with or without a guild, spaced or not")
    func fastPathTaken() throws {
        var withGuild = Self.receipt()
        withGuild.guildID = "g-7"
        let pretty = JSONEncoder()
        pretty.outputFormatting = [.prettyPrinted]
        for r in [Self.receipt(), Self.receipt(ids: []), withGuild, Self.receipt(room: "quote\"back\\slash 礼物"),
                  Self.receipt(ids: ["with \\ escape", "é \u{01}"])] {
            #expect(ReceiptReader.read(r.jsonText) == r)
            var legless = r
            legless.transferIDs = []
            #expect(ReceiptReader.amounts(r.jsonText) == legless)
            #expect(ReceiptReader.read(String(decoding: try pretty.encode(r), as: UTF8.self)) == r)
        }
    }

    @Test("the one-pass reader and the general one agree: duplicates, nulls, unknown and escaped keys, wrong types")
    func agreesOnOddShapes() {
        let base = Self.receipt().jsonText
        let body = String(base.dropFirst().dropLast())
        let texts = [
            "{\"extra\":{\"a\":[1,2,{\"b\":null}]}," + body + "}",
            "{" + body + ",\"count\":7}",
            "{" + body + ",\"count\":null}",
            "{" + body + ",\"guild_id\":null}",
            "{" + body + ",\"guild_id\":\"g\"}",
            "{" + body + ",\"guild_id\":5}",
            "{" + body + ",\"transfer_ids\":null}",
            "{" + body + ",\"transfer_ids\":[\"a\",null]}",
            "{" + body + ",\"transfer_ids\":[ ]}",
            "{" + body + ",\"c\\u006funt\":9}",
            "{" + body + ",\"count\":9.0}",
            "{" + body + ",\"count\":-0}",
            "{" + body + ",\"count\":99999999999999999999}",
            "{" + body + ",\"send_id\":\"x\\u00e9\"}",
            "{" + body + ",\"send_id\":true}",
            "{" + body + ",\"\":1}",
            "{" + body + "} ",
            "{" + body + "}x",
            "{" + body + ",}",
            "{" + body,
            base.replacingOccurrences(of: "\"combo\":4,", with: ""),
            base.replacingOccurrences(of: "\"room_id\":\"r1\",", with: ""),
            " \n" + base + "\t",
            "[" + base + "]",
        ]
        for text in texts {
            #expect(Self.answer(text) == Self.general(text), "\(text)")
            if let fast = ReceiptReader.read(text) { #expect(Self.general(text) == .success(fast), "\(text)") }
            Self.expectAmountsAgree(text)
        }
    }

    @Test("cut, doubled and changed bytes anywhere in a receipt: both readers agree on every one")
    func agreesOnMutations() {
        var guild = Self.receipt(room: "r/é")
        guild.guildID = "g1"
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("{}[]\",:\\ 0123456789-.eEtrufalsn".utf8)
        for receipt in [Self.receipt(), guild] {
            let bytes = Array(receipt.jsonText.utf8)
            for i in bytes.indices {
                var cut = bytes
                cut.remove(at: i)
                var doubled = bytes
                doubled.insert(bytes[i], at: i)
                var changed = bytes
                changed[i] = alphabet.randomElement(using: &rng)!
                for variant in [cut, doubled, changed] {
                    let text = String(decoding: variant, as: UTF8.self)
                    #expect(Self.answer(text) == Self.general(text), "\(text)")
                    Self.expectAmountsAgree(text)
                }
            }
        }
    }
}
