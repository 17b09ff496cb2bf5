import Engine
import Foundation
import Scripting

extension HostAPI {
    /// The API of script test VMs (`showrunner scripts test`), never bound in a production VM:
    /// `require`'s loader, a `print` into the test's output, the fake clock (`clock.*`), fake
    /// events (`events.*`) and the reads and actions of `ScriptTestAPI`. The test prelude adds
    /// `test` and the `expect_*` assertions, in Lua.
    public static var scriptTests: HostAPI {
        var api = HostAPI()
        api.add(internals.filter { $0.name == "lib_source" })
        api.add(ScriptTestAPI.output)
        api.add(ScriptTestAPI.clock)
        api.add(ScriptTestAPI.events)
        api.add(ScriptTestAPI.reads)
        api.add(ScriptTestAPI.orders)
        api.add(ScriptTestAPI.settlement)
        return api
    }
}

/// The host functions of script tests. Each reaches the file's `ScriptTestSession` through the
/// VM, and the case's engine through the session.
enum ScriptTestAPI {
    static func session(_ call: borrowing LuaCall) throws(ScriptArgumentError) -> ScriptTestSession {
        guard let s = call.vm.testSession as? ScriptTestSession else {
            throw ScriptArgumentError(message: "\(call.function): only available in script tests")
        }
        return s
    }

    static let output: [HostFunction] = [
        HostFunction("print", scope: .internal, summary: "writes its arguments to the test's output") { call in
            var parts: [String] = []
            for i in 0..<call.count {
                switch try call.value(i + 1) {
                case .string(let s): parts.append(s)
                case .integer(let n): parts.append(String(n))
                case .number(let d): parts.append(String(d))
                case .boolean(let b): parts.append(String(b))
                case .nil: parts.append("nil")
                case .table: parts.append("table")
                }
            }
            try session(call).print(parts.joined(separator: "\t"))
        },
    ]

    static let clock: [HostFunction] = [
        HostFunction(
            "set", scope: .table("clock"), parameters: [.init("time", "string|integer")],
            summary: "Sets the fake clock: ISO 8601 with an offset (\"2027-01-20T10:00:00+08:00\") or milliseconds since the epoch."
        ) { call in
            let s = try session(call)
            let millis: Int64
            if let text = try? call.string(1) {
                guard let m = ScriptTestClock.parseTime(text) else {
                    throw call.argumentError(1, "ISO 8601 time with an offset expected, got '\(text)'")
                }
                millis = m
            } else {
                millis = try call.integer(1)
            }
            try s.requireCase(call.function)
            s.clock.set(millis: millis)
        },
        HostFunction(
            "advance", scope: .table("clock"), parameters: [.init("duration", "string")],
            summary: "Moves the fake clock forward: \"90s\", \"30m\", \"24h\", \"7d\"."
        ) { call in
            let text = try call.string(1)
            guard let millis = ScriptTestClock.parseDuration(text) else {
                throw call.argumentError(1, "duration like 90s, 30m, 24h or 7d expected, got '\(text)'")
            }
            let s = try session(call)
            try s.requireCase(call.function)
            s.clock.advance(millis: millis)
        },
        HostFunction(
            "now", scope: .table("clock"), returns: ["integer"], summary: "The fake clock, milliseconds since the epoch."
        ) { call in
            let s = try session(call)
            try s.requireCase(call.function)
            call.return(.integer(s.clock.nowMillis()))
        },
    ]
}
