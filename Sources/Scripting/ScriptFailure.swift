import EngineCore

/// A script that failed: a Lua error, a budget kill, a missing handler or an overloaded pool.
/// The message always names the script file and, where Lua knows it, the line.
public struct ScriptFailure: ShowrunnerError {
    /// Why the call failed.
    public enum Reason: String, Sendable {
        case runtime = "script_error"
        case instructions = "script_instruction_budget"
        case deadline = "script_time_budget"
        case memory = "script_memory_budget"
        case overloaded = "scripts_overloaded"
        case noHandler = "script_no_handler"
        case badResult = "script_bad_result"
    }

    /// The category.
    public let reason: Reason
    /// Script path as shown to operators, e.g. `Scripts/activities/gala.lua`.
    public let path: String
    /// Line, when known.
    public let line: Int?
    /// What went wrong, without the position.
    public let detail: String

    /// - Parameters: reason, path, line, detail: as above.
    public init(_ reason: Reason, path: String, line: Int? = nil, detail: String) {
        self.reason = reason
        self.path = path
        self.line = line
        self.detail = detail
    }

    /// A failure built from a Lua message `path:line: text` (the position is parsed out).
    init(_ reason: Reason, luaMessage: String, fallbackPath: String) {
        let p = LuaPosition(parsing: luaMessage)
        self.init(reason, path: p?.path ?? fallbackPath, line: p?.line, detail: p?.rest ?? luaMessage)
    }

    public var code: String { reason.rawValue }
    public var kind: ErrorKind { reason == .overloaded ? .unavailable : .internalFailure }
    public var message: String {
        if let line { return "\(path):\(line): \(detail)" }
        return "\(path): \(detail)"
    }
    /// Whether the budget stopped the call (counted as a budget kill in metrics).
    public var isBudgetKill: Bool { [.instructions, .deadline, .memory].contains(reason) }
}

/// `path:line: rest`, as Lua formats positions.
struct LuaPosition {
    let path: String
    let line: Int
    let rest: String

    init?(parsing message: String) {
        var search = message.startIndex
        while let colon = message[search...].firstIndex(of: ":") {
            let afterColon = message.index(after: colon)
            let digits = message[afterColon...].prefix(while: \.isNumber)
            if !digits.isEmpty, let n = Int(digits), message[digits.endIndex...].hasPrefix(": ") {
                path = String(message[..<colon])
                line = n
                rest = String(message[message.index(digits.endIndex, offsetBy: 2)...])
                return
            }
            search = afterColon
        }
        return nil
    }
}
