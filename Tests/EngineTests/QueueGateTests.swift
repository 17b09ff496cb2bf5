import Engine
@testable import EngineCore
import EngineTesting
import Foundation
import MetricsTestKit
@testable import Scripting
@testable import Showrunner
import Testing

@Suite("Queue gates")
struct QueueGateTests {
    static let scripts = [
        "queues/broken.lua": #"return queue_gate { id = "broken", check = function() error("boom") end }"#,
        "queues/spin.lua": #"return queue_gate { id = "spin", check = function() while true do end end }"#,
        "queues/silent.lua": #"return queue_gate { id = "silent", check = function() return false end }"#,
        "queues/truthy.lua": #"return queue_gate { id = "truthy", check = function() return 1 end }"#,
        "queues/reader.lua": #"""
            return queue_gate { id = "reader", params = { word = { type = "string" }, on = { type = "boolean", default = true } },
              check = function(ctx, viewer, params)
                if ctx.streamer_id == "s1" and viewer.id == "v1" and params.on then return true end
                return false, string.rep(params.word, 500)
              end }
            """#,
    ]

    func engine() throws -> (EngineParts, ScriptFolder, TemporaryDatabase) {
        let database = try TemporaryDatabase()
        let folder = try ScriptFolder(Self.scripts)
        var options = EngineOptions(databasePath: database.path, scriptsPath: folder.path)
        options.limits.callInstructionsMax = 100_000
        return (try EngineParts.open(options, logger: .quiet()), folder, database)
    }

    func check(_ e: EngineParts, _ gates: QueueGates, _ template: String, viewer: String = "v1", streamer: String = "s1",
        _ params: [String: LuaValue] = [:]) async throws -> QueueGates.Verdict {
        let checked = try gates.validate(template: template, params: params)
        let who = LuaValue.table(LuaTable(fields: ["id": .string(viewer)]))
        return try await e.store.read { db in gates.check(db, template: template, params: checked, viewer: who, streamer: streamer, now: 0) }
    }

    @Test("a gate that errors or runs out of budget refuses with a clear reason and is counted; only true admits")
    func failures() async throws {
        let (e, folder, database) = try engine()
        defer { withExtendedLifetime(database) { folder.remove() } }
        try await e.loadScripts()
        let metrics = TestMetrics()
        let gates = QueueGates(scripts: e.scripts, ledger: e.ledger, calendar: OperationsCalendar(), metrics: metrics)
        #expect(try await check(e, gates, "broken") == .refused("the gate 'broken' failed to run (script_error); nobody is let in until it is fixed"))
        #expect(try await check(e, gates, "spin") == .refused("the gate 'spin' failed to run (script_instruction_budget); nobody is let in until it is fixed"))
        #expect(try metrics.expectCounter(QueueGates.errorsLabel, [("template", "broken")]).totalValue == 1)
        #expect(try metrics.expectCounter(QueueGates.errorsLabel, [("template", "spin")]).totalValue == 1)
        #expect(try await check(e, gates, "silent") == .refused("refused by the gate 'silent'"))
        #expect(try await check(e, gates, "truthy") == .refused("refused by the gate 'truthy'"))
        // ctx.streamer_id, the viewer and defaulted params reach the script; a long reason is cut.
        #expect(try await check(e, gates, "reader", ["word": .string("ab")]) == .admitted)
        #expect(try await check(e, gates, "reader", ["word": .string("ab"), "on": .boolean(false)]) == .refused(String(repeating: "ab", count: 100)))
        #expect(try await check(e, gates, "reader", streamer: "s2", ["word": .string("x")]) == .refused(String(repeating: "x", count: 200)))
        // After the call, ctx.streamer_id is gone: another script's handler never sees it.
        #expect(try await check(e, gates, "reader", viewer: "v2", ["word": .string("y")]) != .admitted)
    }

    @Test("params are checked against the template's declared types and bounds")
    func params() async throws {
        let (e, folder, database) = try engine()
        defer { withExtendedLifetime(database) { folder.remove() } }
        try await e.loadScripts()
        let gates = e.queueGates
        let bad: [(String, [String: LuaValue], String)] = [
            ("reader", [:], "params.word: required (string)"),
            ("reader", ["word": .integer(1)], "params.word: must be a string"),
            ("reader", ["word": .string("")], "params.word: 1...200 bytes"),
            ("reader", ["word": .string(String(repeating: "w", count: 201))], "params.word: 1...200 bytes"),
            ("reader", ["word": .string("a"), "on": .string("yes")], "params.on: must be a boolean"),
            ("reader", ["word": .string("a"), "extra": .integer(1)], "params.extra: the template 'reader' has no such parameter"),
            ("nope", [:], "no gate template 'nope' (GET /v1/queues/gates lists them)"),
        ]
        for (template, params, message) in bad {
            #expect(throws: RequestError.self) { try gates.validate(template: template, params: params) }
            do {
                _ = try gates.validate(template: template, params: params)
            } catch {
                #expect(error.message == message)
                #expect(error.kind == .unprocessable)
            }
        }
        #expect(gates.templates().map(\.id) == ["broken", "reader", "silent", "spin", "truthy"])
        #expect(gates.templates()[1].params.map(\.name) == ["on", "word"])
        #expect(gates.templates()[1].params[0].defaultValue == .boolean(true))
    }
}
