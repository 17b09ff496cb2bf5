import ArgumentParser
import Engine
import EngineTesting
import Foundation
@testable import Scripting
import Testing
@testable import Host

@Suite("scripts CLI")
struct ScriptsCLITests {
    @Test("check exits 0 on a valid folder and 1 on a broken one")
    func check() async throws {
        let folder = try ScriptFolder(["activities/ok.lua": "return activity { id = 'ok' }"])
        defer { folder.remove() }
        try await ScriptsCheckCommand.parse([folder.path]).run()
        try folder.write(["activities/bad.lua": "return activity { id = 'ok' }"])
        await #expect(throws: ExitCode(1)) { try await ScriptsCheckCommand.parse([folder.path]).run() }
    }

    @Test("test exits 0 when every case passes, 1 on a failure, 65 when the scripts do not load")
    func test() async throws {
        let folder = try ScriptFolder([
            "activities/ok.lua": "return activity { id = 'ok' }",
            "activities/ok_test.lua": "test('passes', function() expect_eq(1, 1) end)",
        ])
        defer { folder.remove() }
        try await ScriptsTestCommand.parse([folder.path]).run()
        try await ScriptsTestCommand.parse([folder.path, "--time-zone", "Asia/Shanghai", "--filter", "pass"]).run()
        await #expect(throws: ValidationError.self) { try await ScriptsTestCommand.parse([folder.path, "--time-zone", "Mars/Base"]).run() }
        try folder.write(["activities/ok_test.lua": "test('fails', function() expect_eq(1, 2) end)"])
        await #expect(throws: ExitCode(1)) { try await ScriptsTestCommand.parse([folder.path]).run() }
        try folder.write(["activities/broken.lua": "return 42"])
        await #expect(throws: ExitCode(65)) { try await ScriptsTestCommand.parse([folder.path]).run() }
    }

    @Test("stubs writes every file, --check passes when fresh and fails when stale")
    func stubs() async throws {
        let folder = try ScriptFolder([:])
        defer { folder.remove() }
        try await ScriptsStubsCommand.parse(["--out", folder.path]).run()
        let meta = try String(contentsOfFile: folder.path + "/types/showrunner.lua", encoding: .utf8)
        #expect(meta.hasPrefix("---@meta"))
        #expect(meta.contains("function activity(declaration) end"))
        #expect(meta.contains("function Ctx.grant(user, asset, amount, memo) end"))
        #expect(meta.contains("---@field id string"))
        let rc = try String(contentsOfFile: folder.path + "/.luacheckrc", encoding: .utf8)
        #expect(rc.contains("\"order_machine\","))
        #expect(!rc.contains("\"os\""))
        #expect(rc.contains("\"expect_eq\",") && rc.contains("files[\"**/*_test.lua\"]"))
        let tests = try String(contentsOfFile: folder.path + "/types/showrunner_test.lua", encoding: .utf8)
        #expect(tests.contains("function expect_eq(actual, expected, message) end"))
        #expect(tests.contains("function events.gift(gift) end"))
        try await ScriptsStubsCommand.parse(["--out", folder.path, "--check"]).run()
        try folder.write([".luacheckrc": "-- edited by hand"])
        await #expect(throws: ExitCode(1)) { try await ScriptsStubsCommand.parse(["--out", folder.path, "--check"]).run() }
    }

    @Test("the committed stubs match the binding registry")
    func committedStubsAreFresh() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let meta = try String(contentsOf: root.appendingPathComponent("Scripts/types/showrunner.lua"), encoding: .utf8)
        #expect(meta == StubGenerator.luaLS(.standard))
        let tests = try String(contentsOf: root.appendingPathComponent("Scripts/types/showrunner_test.lua"), encoding: .utf8)
        #expect(tests == StubGenerator.luaLSTests(.scriptTests))
        let rc = try String(contentsOf: root.appendingPathComponent("Scripts/.luacheckrc"), encoding: .utf8)
        #expect(rc == StubGenerator.luacheck(.standard, tests: .scriptTests))
    }

    @Test("demo seed is repeatable")
    func demoSeed() async throws {
        let db = try TemporaryDatabase()
        let store = try db.openStore(synchronous: .off)
        let first = try await DemoData.seed(store: store)
        let second = try await DemoData.seed(store: store)
        #expect(first.roomsCreated == DemoData.rooms.count)
        #expect(second.roomsCreated == 0)
        #expect(second.rooms.count == DemoData.rooms.count)
    }
}
