@testable import Books
import EngineTesting
@testable import Scripting
import Testing

/// Every handler gets its event as a table of its own: none sees what another did to its table.
@Suite("Event tables: a fresh table for every handler")
struct EventTableTests {
    static let giftJSON = """
        {"send_id":"s1","room_id":"r","sender_id":"v","streamer_id":"m","gift_id":"rose","gift_version":1,"count":2,\
        "price_coins":5,"total_coins":10,"streamer_revenue":5,"guild_share":0,"platform_fee":5,"combo":1,\
        "balance_coins":90,"transfer_ids":["a"],"ledger_time":7}
        """

    /// Each change a handler can make to its table, made before it returns (or fails).
    static let changes: [(name: String, lua: String)] = [
        ("a string field", #"gift.sender_id = "w""#),
        ("an integer field", "gift.count = 3"),
        ("an integer into an equal float", "gift.count = gift.count + 0.0"),
        ("a field removed", "gift.combo = nil"),
        ("a field added", "gift.note = 1"),
        ("a field added raw", #"rawset(gift, "note", 1)"#),
        ("a metatable", "setmetatable(gift, {})"),
        ("a change and then an error", #"gift.room_id = "q"; error("boom")"#),
    ]

    /// A probe that returns its table and whether it has a metatable, and one script per change.
    static func generation() throws -> ScriptGeneration {
        var files = [
            ScriptFile(path: "activities/probe.lua", text: ScriptSamples.activity(id: "probe", "return gift, getmetatable(gift) == nil")),
            ScriptFile(path: "activities/probe2.lua", text: ScriptSamples.activity(id: "probe2", "return gift")),
            ScriptFile(path: "activities/count3.lua", text: ScriptSamples.activity(id: "count3", "gift.count = 3 return gift")),
        ]
        for (i, change) in changes.enumerated() {
            files.append(ScriptFile(path: "activities/change\(i).lua", text: ScriptSamples.activity(id: "change\(i)", change.lua)))
        }
        return try ScriptGeneration.compile(files, api: .standard, limits: ScriptLimits(), vmCount: 1).get()
    }

    static func gift(_ json: String = giftJSON, offset: Int64 = 9) throws -> (HandlerEvent, LuaValue) {
        let entry = JournalEntry(offset: offset, type: "gift", payload: json, createdAt: 1, idempotencyKey: nil)
        let event = try HandlerEvents().handlerEvent(entry)
        guard case .gift = event else { throw ScriptFailure(.badResult, path: "test", detail: "a gift is read as its receipt") }
        return (event, try HandlerEvents.parse(entry))
    }

    @Test("each handler gets the gift as it is, whatever the handler before it did to its table")
    func freshTables() throws {
        let generation = try Self.generation()
        let (event, table) = try Self.gift()
        func call(_ script: String, results: Int = 0) throws -> [LuaValue] {
            let id = try #require(generation.handler(ScriptAddress(.activity, script), "on.gift"))
            let ctx = CallContext(script: ScriptAddress(.activity, script), nowMillis: 1, seed: 1)
            return try generation.withTransactionVM { vm in try vm.call(id, event: event, context: ctx, results: results) }
        }
        #expect(try call("probe", results: 2) == [table, true])
        for change in Self.changes.indices {
            _ = try? call("change\(change)")
            #expect(try call("probe", results: 2) == [table, true], "after \(Self.changes[change].name)")
        }
        // The value a handler returns is its own table, changed as it changed it.
        let changed = try #require(generation.handler(ScriptAddress(.activity, "count3"), "on.gift"))
        let ctx = CallContext(script: ScriptAddress(.activity, "count3"), nowMillis: 1, seed: 1)
        let back = try generation.withTransactionVM { vm in try vm.call(changed, event: event, context: ctx, results: 1) }
        #expect(back.first?["count"] == 3 && back.first?["sender_id"] == "v")
    }

    @Test("a handler's error and a budget kill name the script's own line, not the code that makes its table")
    func failuresNameTheScript() throws {
        let files = [
            ScriptFile(path: "activities/fails.lua", text: ScriptSamples.activity(id: "fails", #"error("boom")"#)),
            ScriptFile(path: "activities/spins.lua", text: ScriptSamples.activity(id: "spins", "while true do end")),
        ]
        let generation = try ScriptGeneration.compile(files, api: .standard, limits: ScriptLimits(), vmCount: 1).get()
        let (event, _) = try Self.gift()
        for (script, reason) in [("fails", ScriptFailure.Reason.runtime), ("spins", .instructions)] {
            let id = try #require(generation.handler(ScriptAddress(.activity, script), "on.gift"))
            let ctx = CallContext(script: ScriptAddress(.activity, script), nowMillis: 1, seed: 1)
            do {
                _ = try generation.withTransactionVM { vm in try vm.call(id, event: event, context: ctx) }
                Issue.record("\(script) returned")
            } catch let failure as ScriptFailure {
                #expect(failure.reason == reason)
                #expect(failure.path == "Scripts/activities/\(script).lua")
                #expect(failure.line == 6)
            }
        }
    }

    @Test("gifts that differ in any one field, and facts that are not gifts, each get their own table")
    func otherFacts() throws {
        let generation = try Self.generation()
        let id = try #require(generation.handler(ScriptAddress(.activity, "probe2"), "on.gift"))
        let ctx = CallContext(script: ScriptAddress(.activity, "probe2"), nowMillis: 1, seed: 1)
        let (first, firstTable) = try Self.gift()
        var others: [(HandlerEvent, LuaValue)] = []
        for (from, to) in [
            (#""send_id":"s1""#, #""send_id":"s2""#), (#""room_id":"r""#, #""room_id":"r2""#), (#""sender_id":"v""#, #""sender_id":"v2""#),
            (#""streamer_id":"m""#, #""streamer_id":"m2""#), (#""gift_id":"rose""#, #""gift_id":"lily""#), (#""count":2"#, #""count":3"#),
            (#""price_coins":5"#, #""price_coins":6"#), (#""total_coins":10"#, #""total_coins":11"#), (#""combo":1"#, #""combo":2"#),
        ] {
            others.append(try Self.gift(Self.giftJSON.replacingOccurrences(of: from, with: to)))
        }
        try generation.withTransactionVM { (vm: LuaVM) throws in
            for (event, table) in others {
                #expect(try vm.call(id, event: first, context: ctx, results: 1) == [firstTable])
                #expect(try vm.call(id, event: event, context: ctx, results: 1) == [table])
            }
            let tick = HandlerEvent.value(["n": 1])
            for _ in 0..<3 { #expect(try vm.call(id, event: tick, context: ctx, results: 1) == [["n": 1]]) }
        }
    }
}
