@testable import Books
import EngineTesting
import Foundation
@testable import LiveOps
@testable import Scripting
import Testing
@testable import Engine

@Suite("LuaValue(json:): journal payloads into handler tables")
struct FastJSONTests {
    /// The reference: the `Decodable` conformance through `JSONDecoder`.
    static func reference(_ text: String) throws -> LuaValue {
        try JSONDecoder().decode(LuaValue.self, from: Data(text.utf8))
    }

    @Test("means what the Decodable conformance means", arguments: [
        #"{"send_id":"b1","count":3,"price_coins":10,"transfer_ids":["t1","t2"],"ledger_time":1800403200000000}"#,
        #"{"a":null,"b":[1,null,"x"],"c":{"d":{"e":[]}},"f":{}}"#,
        #"{"t":true,"f":false,"neg":-42,"zero":0,"big":9223372036854775807,"small":-9223372036854775808}"#,
        #"{"pi":3.25,"negexp":-2.5E-3}"#,
        #"{"esc":"a\"b\\c\/d\b\f\n\r\t","u":"\u00e9\u4e2d","pair":"\ud83d\ude00","raw":"中文 é 😀"}"#,
        #"  [ 1 , 2 , { "k" : "v" } ]  "#,
        #""just a string""#,
        "17",
    ])
    func matchesTheReference(_ text: String) throws {
        #expect(try LuaValue(json: text) == (try Self.reference(text)))
    }

    @Test("integers stay integers; past Int64 a number is a double")
    func numbers() throws {
        #expect(try LuaValue(json: "9223372036854775807") == .integer(.max))
        #expect(try LuaValue(json: "-9223372036854775808") == .integer(.min))
        #expect(try LuaValue(json: "9223372036854775808") == .number(9_223_372_036_854_775_808))
        #expect(try LuaValue(json: "-0") == .integer(0))
        #expect(try LuaValue(json: "2.0") == .number(2))
        #expect(try LuaValue(json: "2.0").integer == 2)
        // JSONDecoder reads 1e3 as the integer 1000; here it is the float, equal to it in Lua.
        #expect(try LuaValue(json: "1e3") == .number(1000) && (try LuaValue(json: "1e3").integer) == 1000)
    }

    @Test("malformed text is an error with the byte offset", arguments: [
        ("", 0), ("{", 1), (#"{"a":1,}"#, 7), (#"{"a" 1}"#, 5), ("[1 2]", 3), ("01", 2), ("1.", 2), ("1e", 2), ("-", 1),
        (#""abc"#, 4), ("\"a\u{01}\"", 2), (#""\ud800""#, 7), (#""\udc00x""#, 7), (#""\x""#, 3), ("tru", 0), ("nul", 0),
        ("[1] 2", 4), ("{\"a\":1}}", 7), ("1e999", 5),
    ] as [(String, Int)])
    func malformed(_ text: String, offset: Int) {
        #expect(throws: JSONParseError.self) { try LuaValue(json: text) }
        do {
            _ = try LuaValue(json: text)
        } catch {
            #expect(error.offset == offset, "\(text): \(error)")
        }
    }

    @Test("nesting is bounded")
    func depth() throws {
        let ok = String(repeating: "[", count: LuaValue.jsonDepthMax) + String(repeating: "]", count: LuaValue.jsonDepthMax)
        #expect(try LuaValue(json: ok).table != nil)
        let deep = String(repeating: "[", count: LuaValue.jsonDepthMax + 1) + String(repeating: "]", count: LuaValue.jsonDepthMax + 1)
        #expect(throws: JSONParseError.self) { try LuaValue(json: deep) }
    }

    @Test("a gift fact becomes its documented fields with value_coins; a bad one is an invalid payload")
    func giftEvents() throws {
        let json = """
            {"send_id":"s","room_id":"r","sender_id":"v","streamer_id":"m","gift_id":"rose","gift_version":1,"count":2,\
            "price_coins":5,"total_coins":10,"streamer_revenue":5,"guild_share":0,"platform_fee":5,"combo":1,\
            "balance_coins":90,"transfer_ids":["a"],"ledger_time":7}
            """
        let entry = JournalEntry(offset: 9, type: "gift", payload: json, createdAt: 1, idempotencyKey: nil)
        let event = try HandlerEvents.parse(entry)
        #expect(event["value_coins"] == 10 && event["total_coins"] == 10 && event["sender_id"] == "v")
        #expect(Set(event.table?.fields.keys ?? [:].keys) == Set(HandlerEvents.giftFields + ["value_coins"]))
        // The gift steps build their table from the decoded receipt: both shapes must stay one.
        #expect(event == (try entry.decodePayload(as: GiftReceipt.self)).luaValue)
        let cache = HandlerEvents()
        #expect(try cache.event(entry) == event)
        #expect(try cache.event(entry) == event)

        // Handlers get the gift written straight into their table: the same table, field for field.
        let files = [ScriptFile(path: "activities/probe.lua", text: ScriptSamples.activity("return gift"))]
        let generation = try ScriptGeneration.compile(files, api: .standard, limits: ScriptLimits(), vmCount: 1).get()
        let handler = try #require(generation.handler(ScriptAddress(.activity, "probe"), "on.gift"))
        let written = try cache.handlerEvent(entry)
        guard case .gift = written else {
            Issue.record("a gift fact is read as its receipt")
            return
        }
        let ctx = CallContext(script: ScriptAddress(.activity, "probe"), nowMillis: 1, seed: 1)
        let back = try generation.withTransactionVM { vm in try vm.call(handler, event: written, context: ctx, results: 1) }
        #expect(back == [event])
        #expect(written.roomID == "r" && HandlerEvent.value(["room": "q"]).roomID == "q" && HandlerEvent.value(["n": 1]).roomID == nil)

        // Past its capacity a newer fact takes an older one's slot; every answer stays the
        // fact's own, asked again in any order, and facts of one packed row are told apart.
        let small = HandlerEvents(capacity: 2)
        for offsets in [Array(Int64(1)...5), Array((Int64(1)...5).reversed())] {
            for offset in offsets {
                let e = JournalEntry(offset: offset, type: "tick", payload: #"{"n":\#(offset)}"#, createdAt: 1, idempotencyKey: nil)
                #expect(try small.event(e) == ["n": .integer(offset)])
                #expect(small.count <= 2)
            }
        }
        for index in 0..<4 {
            let e = JournalEntry(offset: 7, type: "tick", payload: #"{"i":\#(index)}"#, createdAt: 1, idempotencyKey: nil, index: index, rowFacts: 4)
            #expect(try small.event(e) == ["i": .integer(Int64(index))])
        }
        #expect(HandlerEvents(capacity: 3).capacity == 4)
        #expect(HandlerEvents(capacity: HandlerEvents.stripesMax * 2).capacity == HandlerEvents.stripesMax * 2)

        // A gift that is not a whole receipt (no ledger fields) still gives handlers their fields.
        let partial = JournalEntry(offset: 13, type: "gift", payload: """
            {"send_id":"k","room_id":"r","sender_id":"v","streamer_id":"s","gift_id":"rose","count":1,"price_coins":10,\
            "total_coins":10,"combo":2}
            """, createdAt: 1, idempotencyKey: nil)
        #expect(try HandlerEvents.parse(partial)["value_coins"] == 10)
        #expect(try HandlerEvents.parse(partial)["combo"] == 2)
        let missing = JournalEntry(offset: 10, type: "gift", payload: #"{"send_id":"s"}"#, createdAt: 1, idempotencyKey: nil)
        #expect(throws: JournalError.self) { try HandlerEvents.parse(missing) }
        let broken = JournalEntry(offset: 11, type: "tick", payload: "{", createdAt: 1, idempotencyKey: nil)
        #expect(throws: JournalError.self) { try HandlerEvents.parse(broken) }
        let scalar = JournalEntry(offset: 12, type: "tick", payload: "5", createdAt: 1, idempotencyKey: nil)
        #expect(try HandlerEvents.parse(scalar) == ["value": 5])
    }

    @Test("consumers sharing the event cache at once each get every fact's own event")
    func sharedEventsAtOnce() async throws {
        let cache = HandlerEvents(capacity: 64)
        let entries = (Int64(1)...2_000).map {
            JournalEntry(offset: $0, type: "tick", payload: #"{"n":\#($0)}"#, createdAt: 1, idempotencyKey: nil)
        }
        let wrong = try await withThrowingTaskGroup(of: Int.self) { group in
            for consumer in 0..<4 {
                group.addTask {
                    var wrong = 0
                    // Each consumer walks the facts from its own starting point, as consumers
                    // at different places in the journal do.
                    for i in 0..<entries.count {
                        let e = entries[(i + consumer * 500) % entries.count]
                        if try cache.event(e) != ["n": .integer(e.offset)] { wrong += 1 }
                    }
                    return wrong
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(wrong == 0)
        #expect(cache.count <= 64)
    }
}

@Suite("JSONText: hand-written fact JSON")
struct JSONTextTests {
    @Test("a task_completed fact is byte for byte what JSONEncoder writes", arguments: [
        "plain", "quote\" back\\slash /slash", "ctl \u{01}\u{1F}\n\r\t\u{08}\u{0C}", "中文 é 😀", "",
    ])
    func matchesJSONEncoder(_ user: String) throws {
        let fact = TaskCompleted(taskID: "gift-levels", userID: user, stage: 3, goal: 60, period: "2027-W03")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        #expect(fact.json == String(decoding: try encoder.encode(fact), as: UTF8.self))
        #expect(try JSONDecoder().decode(TaskCompleted.self, from: Data(fact.json.utf8)) == fact)
    }

    static func encoded(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static let strings = ["plain", "quote\" back\\slash /slash", "ctl \u{01}\u{1F}\n\r\t\u{08}\u{0C}", "中文 é 😀", ""]

    @Test("chest openings, notices and their rewards are byte for byte what JSONEncoder writes")
    func factsMatchJSONEncoder() throws {
        for s in Self.strings {
            for reward in [Reward.asset(s, 5), .asset("coins", -1), .badge(s), .item(s, Int64.max)] {
                #expect(reward.jsonText == (try Self.encoded(reward)))
                let opening = ChestOpening(activity: s, chest: "golden", owner: s + "x", number: 7, draw: Int64.min, reward: reward)
                #expect(opening.jsonText == (try Self.encoded(opening)))
            }
            let notice = EffectApplier.noticeJSON(user: s, text: s + "!", origin: "activity:a:1:on.gift")
            #expect(notice == (try Self.encoded(["user_id": s, "text": s + "!", "origin": "activity:a:1:on.gift"])))
        }
    }

    @Test("a room event's table is byte for byte what JSONEncoder writes, or left to it")
    func roomEventsMatchJSONEncoder() throws {
        let nested = LuaValue.table(LuaTable(fields: ["z": .integer(-3), "a": .boolean(false), "m": .string("/\"\u{7}")]))
        let handWritten: [LuaValue] = Self.strings.map(LuaValue.string) + [
            .integer(0), .integer(.min), .integer(.max), .boolean(true),
            .table(LuaTable()),
            .table(LuaTable(array: [.integer(1), .string("two"), nested])),
            .table(LuaTable(fields: ["kind": .string("chest"), "user_id": .string("v1"), "chests": .integer(2), "Z": .integer(1), "_": nested,
                "list": .table(LuaTable(array: [.boolean(true)]))])),
        ]
        for event in handWritten {
            let json = try #require(EffectApplier.roomEventJSON(room: "room-7", event: event))
            #expect(json == (try Self.encoded(EffectPayload(room: "room-7", event: event))))
        }
        // Doubles, non-ASCII keys and tables with a sequence beside keys are the encoder's.
        let leftToTheEncoder: [LuaValue] = [
            .number(1.5), .nil,
            .table(LuaTable(fields: ["é": .integer(1)])),
            .table(LuaTable(array: [.integer(1)], fields: ["k": .integer(2)])),
            .table(LuaTable(fields: ["k": .table(LuaTable(array: [.number(0.1)]))])),
        ]
        for event in leftToTheEncoder { #expect(EffectApplier.roomEventJSON(room: "r", event: event) == nil) }
    }
    @Test("JSONBytes writes integers as String(n) does and strings as JSONText.quoted does")
    func bytesMatchStrings() throws {
        for n: Int64 in [0, 1, -1, 9, 10, -10, 99, 100, 1_234_567_890, .max, .min, .max - 1, .min + 1] {
            var out = JSONBytes(capacity: 0)
            out.int(n)
            #expect(out.text == String(n))
        }
        for s in Self.strings + ["del \u{7F}", "a\u{00}b", "\\"] {
            var out = JSONBytes(capacity: 4)
            out.raw("[")
            out.quoted(s)
            out.raw("]")
            #expect(out.text == "[" + JSONText.quoted(s) + "]")
            #expect(try JSONDecoder().decode([String].self, from: Data(out.text.utf8)) == [s])
        }
    }
}

extension HandlerEvents {
    /// The handler's table for `entry`, as a value.
    func event(_ entry: JournalEntry) throws -> LuaValue { try handlerEvent(entry).luaValue }

    /// The table for `entry`, as a value, without the cache.
    static func parse(_ entry: JournalEntry) throws -> LuaValue { try parseEvent(entry).luaValue }
}
