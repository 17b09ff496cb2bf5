import Engine
import EngineTesting
@testable import Scripting

/// Compiles one activity whose gift handler runs `body`, and calls it once.
func runGiftHandler(
    _ body: String, limits: ScriptLimits = ScriptLimits(), event: LuaValue = ["sender_id": "u1", "count": 1],
    extra: [String: String] = [:], config: LuaTable = LuaTable()
) async throws -> (CallContext, Result<[LuaValue], ScriptFailure>) {
    var files = [ScriptFile(path: "activities/probe.lua", text: ScriptSamples.activity(body))]
    for (path, text) in extra { files.append(ScriptFile(path: path, text: text)) }
    let generation = try ScriptGeneration.compile(files, api: .standard, limits: limits, vmCount: 1).get()
    let ctx = CallContext(script: ScriptAddress(.activity, "probe"), nowMillis: 1_000, seed: 42, config: config)
    let result = try await generation.withVM { vm in
        Result { () throws(ScriptFailure) -> [LuaValue] in
            try vm.call(ScriptAddress(.activity, "probe"), "on.gift", args: [event], context: ctx, results: 1)
        }
    }
    return (ctx, result)
}

