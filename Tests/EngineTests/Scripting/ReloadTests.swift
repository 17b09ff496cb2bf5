import Engine
import EngineTesting
@testable import Scripting
import Testing

@Suite("Generations and reload")
struct ReloadTests {
    static func version(_ n: Int) -> String { ScriptSamples.activity("return \(n)") }
    let address = ScriptAddress(.activity, "probe")

    func callOnce(_ runtime: ScriptRuntime) async throws -> LuaValue? {
        try await runtime.call(address, "on.gift", args: [[:]], context: CallContext(script: address, nowMillis: 0, seed: 1), results: 1).first
    }

    @Test("a generation is named by the hash of its sources")
    func hashIsContent() {
        let a = [ScriptFile(path: "activities/a.lua", text: "x")]
        #expect(ScriptGeneration.hash(of: a) == ScriptGeneration.hash(of: a))
        #expect(ScriptGeneration.hash(of: a) != ScriptGeneration.hash(of: [ScriptFile(path: "activities/a.lua", text: "y")]))
        #expect(ScriptGeneration.hash(of: a).count == 64)
    }

    @Test("a broken generation leaves the old one serving and reports every problem")
    func brokenReloadKeepsOld() async throws {
        let folder = try ScriptFolder(["activities/probe.lua": Self.version(1)])
        defer { folder.remove() }
        let runtime = ScriptRuntime(directory: folder.path)
        let first = await runtime.reload(trigger: "start")
        #expect(first.ok)
        try folder.write(["activities/probe.lua": "return activity { id = 'probe', on = { gift = 1 } }",
                          "activities/other.lua": "syntax error here"])
        let report = await runtime.reload(trigger: "api")
        #expect(!report.ok)
        #expect(report.problems.count == 2)
        #expect(report.generation == first.generation)
        #expect(try await callOnce(runtime) == 1)
        #expect(runtime.lastReload == report)
    }

    @Test("rollback steps back through activations, and to a named generation")
    func rollback() async throws {
        let folder = try ScriptFolder(["activities/probe.lua": Self.version(1)])
        defer { folder.remove() }
        let runtime = ScriptRuntime(directory: folder.path)
        await #expect(throws: ScriptRuntimeError.self) { try await runtime.rollback() }
        let v1 = await runtime.reload(trigger: "start")
        try folder.write(["activities/probe.lua": Self.version(2)])
        let v2 = await runtime.reload(trigger: "api")
        try folder.write(["activities/probe.lua": Self.version(3)])
        _ = await runtime.reload(trigger: "api")
        #expect(try await callOnce(runtime) == 3)
        let back = try await runtime.rollback()
        #expect(back.ok && back.generation == v2.generation)
        #expect(try await callOnce(runtime) == 2)
        _ = try await runtime.rollback()
        #expect(try await callOnce(runtime) == 1)
        let named = try await runtime.rollback(to: v2.generation ?? "")
        #expect(named.generation == v2.generation)
        #expect(try await callOnce(runtime) == 2)
        await #expect(throws: ScriptRuntimeError.self) { try await runtime.rollback(to: "feedface") }
        _ = v1
    }

    @Test("no call fails while generations are swapped under load")
    func reloadUnderLoad() async throws {
        let folder = try ScriptFolder(["activities/probe.lua": Self.version(0)])
        defer { folder.remove() }
        let runtime = ScriptRuntime(directory: folder.path)
        _ = await runtime.reload(trigger: "start")
        let failures = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    var failed = 0
                    for _ in 0..<300 {
                        do { _ = try await callOnce(runtime) } catch { failed += 1 }
                    }
                    return failed
                }
            }
            group.addTask {
                for n in 1...10 {
                    try folder.write(["activities/probe.lua": Self.version(n)])
                    let r = await runtime.reload(trigger: "api")
                    #expect(r.ok)
                    try folder.write(["activities/probe.lua": "broken("])
                    #expect(!(await runtime.reload(trigger: "api")).ok)
                }
                return 0
            }
            return try await group.reduce(0, +)
        }
        #expect(failures == 0)
        try folder.write(["activities/probe.lua": Self.version(10)])
        #expect(try await callOnce(runtime) == 10)
    }

    @Test("watch mode reloads when a file changes")
    func watch() async throws {
        let folder = try ScriptFolder(["activities/probe.lua": Self.version(1)])
        defer { folder.remove() }
        let runtime = ScriptRuntime(directory: folder.path)
        _ = await runtime.reload(trigger: "start")
        let watcher = ScriptWatcher(runtime: runtime, interval: .milliseconds(20))
        let task = Task { try await watcher.run() }
        try await Task.sleep(for: .milliseconds(60))
        try folder.write(["activities/probe.lua": Self.version(2) + "\n-- changed size"])
        var value: LuaValue? = nil
        for _ in 0..<100 {
            try await Task.sleep(for: .milliseconds(20))
            value = try await callOnce(runtime)
            if value == 2 { break }
        }
        task.cancel()
        #expect(value == 2)
        #expect(runtime.lastReload?.trigger == "watch")
    }
}
