import EngineCore
import Foundation
import Synchronization

/// One complete, validated set of scripts, named by the hash of its sources, with its own VMs.
/// Calls that began on a generation finish on it even after a newer one replaces it.
public final class ScriptGeneration: Sendable {
    /// Hex SHA-256 over every file's path and text.
    public let hash: String
    /// The sources, sorted by path.
    public let files: [ScriptFile]
    /// Every declaration, sorted by kind and id.
    public let declarations: [Declaration]
    let pool: VMPool
    /// The VM for calls made inside a store transaction (gift validation, journal consumers).
    /// Those run one at a time on the store's writer, so one VM serves them without waiting.
    private let transactionVM: Mutex<LuaVM>
    /// VMs for journal consumers that run their handlers off the writer, one per lane (one lane
    /// per such consumer, so two consumers run at once), made on first use.
    private let laneVMs: [LaneVM] = (0..<ScriptGeneration.lanes).map { _ in LaneVM() }
    private final class LaneVM: Sendable {
        let vm = Mutex<LuaVM?>(nil)
    }
    /// Lanes a generation has: one per consumer that runs handlers off the writer (activities 0,
    /// tasks 1, gift steps 2).
    public static let lanes = 3
    private let handlerIDs: [ScriptAddress: [String: HandlerID]]

    private init(
        hash: String, files: [ScriptFile], declarations: [Declaration], pool: VMPool, transactionVM: LuaVM,
        handlerIDs: [ScriptAddress: [String: HandlerID]]
    ) {
        self.transactionVM = Mutex(transactionVM)
        self.hash = hash
        self.files = files
        self.declarations = declarations
        self.pool = pool
        self.handlerIDs = handlerIDs
    }

    /// The id of a handler, valid in every VM of this generation; nil when not declared.
    public func handler(_ address: ScriptAddress, _ path: String) -> HandlerID? {
        handlerIDs[address]?[path]
    }

    /// The content hash of a set of files.
    public static func hash(of files: [ScriptFile]) -> String {
        var bytes: [UInt8] = []
        for f in files.sorted(by: { $0.path < $1.path }) {
            bytes += Array(f.path.utf8) + [0] + Array(f.text.utf8) + [0]
        }
        return SHA256.hex(bytes)
    }

    /// Compiles and validates `files` in fresh VMs.
    /// - Parameters:
    ///   - label: prefix of paths in messages (e.g. `Scripts`).
    ///   - vmCount: overrides `limits.vmCount` (1 for checking only).
    /// - Returns: the generation, or every problem found (never a partial generation).
    public static func compile(
        _ files: [ScriptFile], api: HostAPI, limits: ScriptLimits, label: String = "Scripts", vmCount: Int? = nil
    ) -> Result<ScriptGeneration, GenerationRejected> {
        var problems: [ScriptProblem] = []
        if files.count > limits.filesMax {
            problems.append(ScriptProblem(path: label, line: nil, message: "more than \(limits.filesMax) script files"))
        }
        for f in files where f.kind == nil && !f.isLibrary {
            problems.append(ScriptProblem(path: "\(label)/\(f.path)", line: 1, message: "not in a script folder"))
        }
        let first: LuaVM
        do { first = try makeVM(files, api: api, limits: limits, label: label, problems: &problems) } catch {
            problems.append(ScriptProblem(error))
            return .failure(GenerationRejected(problems: problems))
        }
        guard problems.isEmpty else { return .failure(GenerationRejected(problems: problems)) }
        let declarations = first.scriptList.map(\.declaration).sorted {
            ($0.kind.rawValue, $0.id) < ($1.kind.rawValue, $1.id)
        }
        var handlerIDs: [ScriptAddress: [String: HandlerID]] = [:]
        for d in declarations {
            for h in d.handlers { handlerIDs[d.address, default: [:]][h] = first.handlerID(d.address, h) }
        }
        var vms = [first]
        let factory: @Sendable () throws -> LuaVM = {
            var ignored: [ScriptProblem] = []
            return try makeVM(files, api: api, limits: limits, label: label, problems: &ignored)
        }
        for _ in 1..<max(1, vmCount ?? limits.vmCount) {
            guard let vm = try? factory() else { break }
            vms.append(vm)
        }
        let pool = VMPool(vms: vms, limits: limits, factory: factory)
        let transactionVM: LuaVM
        do { transactionVM = try factory() } catch {
            let problem = (error as? ScriptFailure).map(ScriptProblem.init) ?? ScriptProblem(path: label, line: nil, message: "\(error)")
            return .failure(GenerationRejected(problems: [problem]))
        }
        return .success(ScriptGeneration(
            hash: hash(of: files), files: files, declarations: declarations, pool: pool,
            transactionVM: transactionVM, handlerIDs: handlerIDs))
    }

    private static func makeVM(
        _ files: [ScriptFile], api: HostAPI, limits: ScriptLimits, label: String, problems: inout [ScriptProblem]
    ) throws(ScriptFailure) -> LuaVM {
        let vm = try LuaVM(api: api, limits: limits)
        vm.label = label
        for f in files where f.isLibrary {
            if let name = f.moduleName { vm.libraries[name] = f }
        }
        for f in files {
            guard let kind = f.kind else { continue }
            do { _ = try vm.load(f, as: kind, label: label) } catch { problems.append(ScriptProblem(error)) }
        }
        return vm
    }

    /// The declaration of a script, if loaded.
    public func declaration(_ address: ScriptAddress) -> Declaration? {
        declarations.first { $0.address == address }
    }

    /// Runs `body` synchronously with the transaction VM: for script calls made inside a store
    /// transaction (on the writer), where waiting for a pooled VM would stall every commit.
    public func withTransactionVM<T>(_ body: (LuaVM) throws -> T) rethrows -> T {
        try transactionVM.withLock { vm in
            defer {
                if vm.wasMemoryKilled, let fresh = try? factoryForReplacement() { vm = fresh }
            }
            return try body(vm)
        }
    }

    private func factoryForReplacement() throws -> LuaVM { try pool.makeVM() }

    /// Runs `body` synchronously with the VM of `lane` (0..<`lanes`), made on first use: for a
    /// journal consumer's handlers run off the writer (`OffWriterConsumer`). A lane serves one
    /// consumer, so its lock is not contended.
    /// - Throws: `ScriptFailure` when the VM cannot be made; what `body` throws.
    public func withLaneVM<T>(_ lane: Int, _ body: (LuaVM) throws -> T) throws -> T {
        precondition((0..<Self.lanes).contains(lane), "lane out of range")
        return try laneVMs[lane].vm.withLock { slot in
            let vm: LuaVM
            if let made = slot {
                vm = made
            } else {
                vm = try pool.makeVM()
                slot = vm
            }
            defer { if vm.wasMemoryKilled { slot = nil } }
            return try body(vm)
        }
    }

    /// Runs `body` with one VM of this generation: hand it a batch of calls, not one.
    /// - Throws: `ScriptFailure(.overloaded)` when no VM is free in time, or what `body` throws.
    public func withVM<T>(_ body: (LuaVM) throws -> T) async throws -> T {
        let vm = try await pool.acquire(path: "Scripts")
        defer { pool.release(vm) }
        return try body(vm)
    }
}

/// A generation that did not compile: every problem found, none applied.
public struct GenerationRejected: ShowrunnerError {
    /// Each problem, as `path:line: message`.
    public let problems: [ScriptProblem]
    /// - Parameter problems: at least one problem.
    public init(problems: [ScriptProblem]) { self.problems = problems }
    public var code: String { "scripts_invalid" }
    public var kind: ErrorKind { .unprocessable }
    public var message: String { problems.map(\.description).joined(separator: "\n") }
}
