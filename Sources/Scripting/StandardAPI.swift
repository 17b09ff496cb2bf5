extension HostAPI {
    /// The API every generation gets: the declaration constructors, `require`'s loader,
    /// `print`, and the `ctx` functions documented in `docs/scripting.md`. Domains add theirs.
    public static var standard: HostAPI {
        var api = HostAPI()
        api.add(DeclarationSchemas.constructors)
        api.add(internals)
        api.add(contextReads)
        api.add(contextEffects)
        api.add(contextBoards)
        api.add(contextPrivileges)
        return api
    }

    static func requireContext(_ call: borrowing LuaCall) throws(ScriptArgumentError) -> CallContext {
        guard let c = call.context else {
            throw ScriptArgumentError(message: "\(call.function): ctx is only usable while a handler runs")
        }
        return c
    }

    package static let internals: [HostFunction] = [
        HostFunction("lib_source", scope: .internal, summary: "source of a lib module") { call in
            let name = try call.string(1)
            guard let file = call.vm.libraries[name] else {
                let path = "lib/" + name.dropFirst(4) + ".lua"
                throw ScriptArgumentError(message: "require: module '\(name)' not found (no \(call.vm.label)/\(path))")
            }
            call.return(.string(file.text))
            call.return(.string("@\(call.vm.label)/\(file.path)"))
        },
        HostFunction("print", scope: .internal, summary: "logs its arguments") { call in
            var parts: [String] = []
            for i in 1...max(call.count, 1) where i <= call.count { parts.append(try call.value(i).logText) }
            call.context?.log(parts.joined(separator: "\t"))
        },
    ]

    static let contextReads: [HostFunction] = [
        HostFunction("now", scope: .ctx, returns: ["integer"], summary: "The host clock, milliseconds since the epoch.") { call in
            call.return(.integer(try requireContext(call).nowMillis))
        },
        HostFunction(
            "random", scope: .ctx, parameters: [.init("n", "integer")], returns: ["integer"],
            summary: "A uniform draw in 1..n from the seeded, journaled generator."
        ) { call in
            let n = try call.integer(1)
            guard n >= 1 else { throw call.argumentError(1, "must be at least 1") }
            call.return(.integer(try requireContext(call).draw(n)))
        },
        HostFunction(
            "config", scope: .ctx, parameters: [.init("key", "string")], returns: ["any"],
            summary: "An operator parameter from the declaration's `config`."
        ) { call in
            let key = try call.string(1)
            call.return(try requireContext(call).config.fields[key] ?? .nil)
        },
        HostFunction(
            "balance", scope: .ctx, parameters: [.init("user", "string"), .init("asset", "string")],
            returns: ["integer"], summary: "A user's balance of an asset."
        ) { call in
            let user = try call.string(1)
            let asset = try call.string(2)
            guard let reads = try requireContext(call).reads else { throw ScriptArgumentError(message: "ctx.balance: no ledger in this context") }
            call.return(.integer(try reads.balance(user: user, asset: asset)))
        },
        HostFunction(
            "follows", scope: .ctx, parameters: [.init("viewer", "string"), .init("streamer", "string")],
            returns: ["boolean"], summary: "Whether viewer follows streamer now."
        ) { call in
            let viewer = try call.string(1)
            let streamer = try call.string(2)
            guard let reads = try requireContext(call).reads else { throw ScriptArgumentError(message: "ctx.follows: no store in this context") }
            do { call.return(.boolean(try reads.follows(viewer: viewer, streamer: streamer))) } catch let e as ScriptArgumentError { throw e } catch {
                throw ScriptArgumentError(message: "ctx.follows: \(error)")
            }
        },
    ]
}
