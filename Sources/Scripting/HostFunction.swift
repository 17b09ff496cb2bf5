
/// A Swift function exposed to scripts. The registry of these is the single source of truth for
/// what scripts may call: the VMs bind them and `showrunner scripts stubs` documents them.
public struct HostFunction: Sendable {
    /// Where a function appears to scripts.
    public enum Scope: Sendable, Hashable {
        /// A global, usable while a file loads (the declaration constructors).
        case global
        /// A field of the `ctx` table handed to every handler.
        case ctx
        /// A method of an object type returned by another function (`board:add(...)`).
        case method(String)
        /// A field of a global table of that name (`clock.set(...)`), for APIs grouped by topic.
        case table(String)
        /// Used by the sandbox itself (e.g. `require`'s loader); never visible to scripts.
        case `internal`
    }

    /// A documented parameter, for decoding errors and for the generated stubs.
    public struct Parameter: Sendable {
        /// Name as shown in stubs.
        public let name: String
        /// LuaLS type, e.g. `integer`, `string`, `table?`.
        public let type: String
        /// - Parameters: name: shown in stubs; type: LuaLS type.
        public init(_ name: String, _ type: String) {
            self.name = name
            self.type = type
        }
    }

    /// Name as scripts call it.
    public let name: String
    /// Where it lives.
    public let scope: Scope
    /// Parameters in order (after `self` for methods).
    public let parameters: [Parameter]
    /// LuaLS return types.
    public let returns: [String]
    /// One-line summary for stubs.
    public let summary: String
    /// The implementation; throws `ScriptArgumentError` (or any `ShowrunnerError`) to raise a
    /// Lua error at the caller's line.
    public let body: @Sendable (inout LuaCall) throws -> Void

    /// - Parameters: name, scope, parameters, returns, summary: as documented above; body: the code.
    public init(
        _ name: String, scope: Scope, parameters: [Parameter] = [], returns: [String] = [], summary: String,
        body: @escaping @Sendable (inout LuaCall) throws -> Void
    ) {
        self.name = name
        self.scope = scope
        self.parameters = parameters
        self.returns = returns
        self.summary = summary
        self.body = body
    }

    /// The name used in error messages, as Lua's own libraries do: `grant`, `add`, `clock.set`.
    var qualifiedName: String {
        if case .table(let table) = scope { return "\(table).\(name)" }
        return name
    }
}

/// The functions a runtime binds into every VM, grouped by scope.
public struct HostAPI: Sendable {
    /// Every function, in binding order.
    public private(set) var functions: [HostFunction] = []

    /// An empty API; see `HostAPI.standard` for the one the server uses.
    public init() {}

    /// Adds functions; a duplicate name in the same scope is a programmer error.
    public mutating func add(_ more: [HostFunction]) {
        for f in more {
            precondition(
                !functions.contains { $0.name == f.name && $0.scope == f.scope },
                "duplicate host function \(f.qualifiedName)")
            functions.append(f)
        }
    }

    /// Names of the object types that have methods.
    var methodTypes: [String] {
        var seen: [String] = []
        for f in functions { if case .method(let t) = f.scope, !seen.contains(t) { seen.append(t) } }
        return seen
    }

    /// Names of the global tables that group functions (scope `.table`), in first-use order.
    var tableNames: [String] {
        var seen: [String] = []
        for f in functions { if case .table(let t) = f.scope, !seen.contains(t) { seen.append(t) } }
        return seen
    }
}
