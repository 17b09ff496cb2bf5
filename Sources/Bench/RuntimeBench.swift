import ArgumentParser
import Engine
import Scripting

/// Benchmark 1 of the foundation: a handler call through the full runtime against a raw
/// `lua_pcall` of the same Lua function, same process, same run, one core.
struct RuntimeBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "runtime", abstract: "Handler calls per second vs raw lua_pcall.")

    @Option(help: "Calls per measurement.") var calls = 1_000_000
    @Option(help: "Measurements (the best of each side is reported).") var rounds = 5
    @Option(help: "Calls handed to a VM per checkout in the batched mode.") var batch = 256
    @Flag(help: "Run only the batched runtime path (for profiling).") var batchedOnly = false

    static let handler = "function(ctx, gift) ctx.grant(gift.sender_id, \"coins\", gift.value_coins * gift.count, \"bench\") end"

    func run() async throws {
        guard let raw = RawLuaBaseline(chunk: "return " + Self.handler) else { throw ValidationError("baseline does not compile") }
        let text = "return activity { id = \"bench\", on = { gift = \(Self.handler) } }"
        var limits = ScriptLimits()
        limits.vmCount = 1
        let generation = try ScriptGeneration.compile([ScriptFile(path: "activities/bench.lua", text: text)],
            api: .standard, limits: limits).get()
        let address = ScriptAddress(.activity, "bench")
        guard let handler = generation.handler(address, "on.gift") else { throw ValidationError("no handler") }
        func event(_ i: Int) -> BenchGift { BenchGift(count: Int64(i & 7) + 1) }
        var best = (raw: Double.infinity, perCall: Double.infinity, batched: Double.infinity)
        for _ in 0..<rounds {
            if batchedOnly {
                best.raw = 1
                best.perCall = 1
            } else {
                best.raw = min(best.raw, seconds { precondition(raw.run(count: calls) == calls) })
            }
            if !batchedOnly { best.perCall = min(best.perCall, try await seconds {
                for i in 0..<calls {
                    let ctx = CallContext(script: address, nowMillis: 0, seed: UInt64(i))
                    _ = try await generation.withVM { vm in try vm.call(handler, event: event(i), context: ctx) }
                    precondition(ctx.effects.count == 1)
                }
            }) }
            best.batched = min(best.batched, try await seconds {
                var i = 0
                while i < calls {
                    let n = min(batch, calls - i)
                    try await generation.withVM { vm in
                        for j in i..<(i + n) {
                            let ctx = CallContext(script: address, nowMillis: 0, seed: UInt64(j))
                            _ = try vm.call(handler, event: event(j), context: ctx)
                        }
                    }
                    i += n
                }
            })
        }
        let rate = (raw: Double(calls) / best.raw, perCall: Double(calls) / best.perCall, batched: Double(calls) / best.batched)
        print("| path | calls/s | ratio to raw |")
        print("|---|---:|---:|")
        print("| raw lua_pcall, C grant | \(grouped(rate.raw)) | 1.00 |")
        print("| runtime, VM checkout per call | \(grouped(rate.perCall)) | \(String(format: "%.2f", rate.perCall / rate.raw)) |")
        print("| runtime, batch of \(batch) per checkout | \(grouped(rate.batched)) | \(String(format: "%.2f", rate.batched / rate.raw)) |")
    }
}

/// The 5-field event both sides build per call.
struct BenchGift: LuaEncodable {
    let count: Int64
    var luaFieldCount: Int { 5 }
    func encode(to table: inout LuaTableWriter) {
        table.set("sender_id", "viewer-1")
        table.set("streamer_id", "streamer-1")
        table.set("gift_id", "rose")
        table.set("count", count)
        table.set("value_coins", Int64(10))
    }
}
