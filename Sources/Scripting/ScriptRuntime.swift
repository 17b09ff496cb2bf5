import Foundation
import Logging
import Metrics
import Synchronization

/// The scripts a server runs: the current generation, reloads, rollbacks and their history.
///
/// A reload compiles every file in fresh VMs; only a fully valid generation replaces the
/// current one, atomically. Calls in flight finish on the generation they began on. A broken
/// generation changes nothing and is reported with every problem.
public final class ScriptRuntime: Sendable {
    /// The folder scripts are read from.
    public let directory: String
    package let api: HostAPI
    package let limits: ScriptLimits
    public let archive: any GenerationArchive
    let logger: Logger
    let clock: @Sendable () -> Int64

    struct State {
        var current: ScriptGeneration?
        /// Activated hashes, oldest first; `rollback()` steps back through it.
        var activations: [String] = []
        var lastReload: ReloadReport?
    }
    let state = Mutex(State())

    /// Activations remembered for stepping back.
    static let activationsMax = 50

    /// - Parameters:
    ///   - directory: the scripts folder.
    ///   - api: host functions bound into every VM.
    ///   - limits: budgets and pool sizes.
    ///   - archive: where generations are kept.
    ///   - clock: milliseconds since the epoch (injected so tests move time).
    public init(
        directory: String, api: HostAPI = .standard, limits: ScriptLimits = ScriptLimits(),
        archive: any GenerationArchive = MemoryGenerationArchive(), logger: Logger = Logger(label: "showrunner.scripts"),
        clock: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }
    ) {
        self.directory = directory
        self.api = api
        self.limits = limits
        self.archive = archive
        self.logger = logger
        self.clock = clock
    }

    /// The generation serving calls now, if any loaded.
    public var current: ScriptGeneration? { state.withLock { $0.current } }

    /// The last reload or rollback and its outcome.
    public var lastReload: ReloadReport? { state.withLock { $0.lastReload } }

    /// Runs `body` with a VM of the current generation.
    /// - Throws: `ScriptFailure(.overloaded)` when no VM is free in time or none is loaded.
    public func withVM<T>(_ body: (LuaVM) throws -> T) async throws -> T {
        guard let generation = current else {
            throw ScriptFailure(.overloaded, path: directory, detail: "no script generation is loaded")
        }
        return try await generation.withVM(body)
    }

    /// Calls one handler on the current generation, counting calls, errors and kills.
    public func call(
        _ address: ScriptAddress, _ handler: String, args: [LuaValue], context: CallContext, results: Int = 0
    ) async throws -> [LuaValue] {
        do {
            let out = try await withVM { vm in try vm.call(address, handler, args: args, context: context, results: results) }
            ScriptMetrics.calls.increment()
            return out
        } catch let failure as ScriptFailure {
            ScriptMetrics.record(failure)
            logger.warning("script call failed", metadata: ["error": "\(failure.message)"])
            throw failure
        }
    }
}
