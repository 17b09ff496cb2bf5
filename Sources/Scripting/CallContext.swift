import Logging

/// What one handler call may read and the effects it asks for. Effects are applied by the host,
/// all in one transaction, only when the handler returns without error.
public final class CallContext {
    /// The script running.
    public let script: ScriptAddress
    /// The host's clock for this call, in milliseconds since the epoch.
    public let nowMillis: Int64
    /// Read access to host state (balances, boards...); nil in pure contexts.
    public let reads: (any ScriptReads)?
    /// Operator parameters readable with `ctx.config(key)`.
    public let config: LuaTable
    /// The calling activity's leaderboards and chests; nil outside activities.
    public var boards: (any ScriptBoards)?
    /// Plain values set on `ctx` for this call only (`ctx.streamer_id` in a queue gate).
    public var fields: [String: LuaValue] = [:]
    /// Effects requested, in order.
    public private(set) var effects: [ScriptEffect] = []
    /// Lines logged with `ctx.log` / `print`.
    public private(set) var logs: [String] = []
    /// Random draws made, in order, so they can be journaled and replayed.
    public private(set) var draws: [Int64] = []
    var random: SeededRandom
    /// Effects one call may ask for; the VM sets it from its limits.
    var effectsMax: Int = 1_000

    /// - Parameters: script: who runs; nowMillis: the clock; seed: the journaled RNG seed;
    ///   reads: host state; config: operator parameters.
    public init(
        script: ScriptAddress, nowMillis: Int64, seed: UInt64, reads: (any ScriptReads)? = nil,
        config: LuaTable = LuaTable()
    ) {
        self.script = script
        self.nowMillis = nowMillis
        self.reads = reads
        self.config = config
        self.random = SeededRandom(seed: seed)
    }

    /// Records an effect, refusing past the cap.
    public func add(_ effect: ScriptEffect) throws(ScriptArgumentError) {
        guard effects.count < effectsMax else {
            throw ScriptArgumentError(message: "too many effects in one call (limit \(effectsMax))")
        }
        effects.append(effect)
    }

    /// Records a log line (bounded: later lines are dropped past 100).
    public func log(_ line: String) {
        if logs.count < 100 { logs.append(String(line.prefix(1_000))) }
    }

    /// Writes the lines logged with `ctx.log` / `print` during the call to `logger` (info),
    /// tagged with the script and `origin`, whether the call succeeded or not.
    public func emitLogs(to logger: Logger, origin: String) {
        for line in logs {
            logger.info("script log", metadata: ["script": "\(script)", "origin": "\(origin)", "line": "\(line)"])
        }
    }

    /// A uniform draw in 1...n, recorded.
    public func draw(_ n: Int64) -> Int64 {
        let v = random.next(upTo: n) + 1
        draws.append(v)
        return v
    }
}

/// An effect a script asks the host for.
public enum ScriptEffect: Sendable, Hashable {
    case grant(user: String, asset: String, amount: Int64, memo: String)
    case progress(user: String, amount: Int64)
    case notify(user: String, text: String)
    case broadcast(room: String, event: LuaValue)
    case emit(type: String, payload: LuaValue)
    /// Intimacy points toward `viewer`'s fan medal of `streamer`, under `rule`'s daily cap and levels.
    case fanPoints(viewer: String, streamer: String, points: Int64, rule: FanMedalRule)
    /// An `order` frame about the changing order to its streamer's rooms, with an optional text.
    case orderFrame(text: String?)
}

/// Host state a script may read through `ctx`. Domains implement it over the store.
public protocol ScriptReads {
    /// A user's balance of an asset.
    func balance(user: String, asset: String) throws -> Int64
    /// Whether `viewer` follows `streamer` now.
    func follows(viewer: String, streamer: String) throws -> Bool
    /// `viewer`'s fan medal of `streamer` (`{ level, points, today }`), or nil.
    func fanMedal(viewer: String, streamer: String, now: Int64) throws -> LuaValue
    /// The guard `viewer` holds for `streamer` now (`{ tier, rank, product, expires_at }`), or nil.
    func guardHeld(viewer: String, streamer: String, now: Int64) throws -> LuaValue
    /// The tier of VIP line `line` that `user` holds now (`{ tier, rank, expires_at }`), or nil.
    func vip(user: String, line: String, now: Int64) throws -> LuaValue
    /// Every privilege `user` holds now, highest priority first.
    func privileges(user: String, now: Int64) throws -> LuaValue
}

/// What `ctx.leaderboard(name)` and `ctx.chest(...)` reach: the calling activity's boards,
/// changed at once (inside the handler's transaction, undone if the handler fails) so a handler
/// reads its own writes.
public protocol ScriptBoards: AnyObject {
    /// Throws unless the activity declares `board`; `period` (optional) names a past period.
    func check(_ board: String, period: String?) throws -> Void
    /// Applies `op` (`add`, `set`, `best`) and returns the member's row afterwards (or nil).
    func mutate(_ board: String, period: String?, member: String, op: String, value: Int64) throws -> RankedRow?
    /// The first `n` rows.
    func top(_ board: String, period: String?, n: Int) throws -> [LuaValue]
    /// The member's row, or nil.
    func rank(_ board: String, period: String?, member: String) throws -> RankedRow?
    /// Rows around the member.
    func around(_ board: String, period: String?, member: String, n: Int) throws -> [LuaValue]
    /// Members on the board.
    func count(_ board: String, period: String?) throws -> Int
    /// Advances `owner`'s progress toward the chest; returns the rewards of every chest opened.
    func chest(_ name: String, owner: String, amount: Int64) throws -> [LuaValue]
}

/// SplitMix64: small, fast, and the same sequence for the same seed on every platform.
public struct SeededRandom: Sendable {
    private var state: UInt64
    /// - Parameter seed: the journaled seed.
    public init(seed: UInt64) { state = seed }
    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in 0..<n without modulo bias (n > 0).
    public mutating func next(upTo n: Int64) -> Int64 {
        precondition(n > 0)
        let bound = UInt64(n)
        let limit = UInt64.max - UInt64.max % bound
        var x = next()
        while x >= limit { x = next() }
        return Int64(x % bound)
    }
}
