import EngineCore
import Foundation

/// The outcome of a reload or rollback, as the admin API and the CLI report it.
public struct ReloadReport: Sendable, Codable, Hashable {
    /// Whether a new generation now serves.
    public let ok: Bool
    /// What started it: `start`, `api`, `watch`, `cli`, `rollback`.
    public let trigger: String
    /// Hash of the generation serving after the reload.
    public let generation: String?
    /// Hash serving before.
    public let previous: String?
    /// Every problem found (empty when ok).
    public let problems: [ScriptProblem]
    /// When, in milliseconds since the epoch.
    public let atMillis: Int64
    /// How long compiling and swapping took.
    public let durationMillis: Int64
}

extension ScriptRuntime {
    /// Reads the scripts folder and swaps in the new generation if every file is valid.
    @discardableResult
    public func reload(trigger: String) async -> ReloadReport {
        let (files, readProblems) = ScriptSources.read(directory: directory, limits: limits)
        if !readProblems.isEmpty { return finish(trigger: trigger, started: Date(), .failure(GenerationRejected(problems: readProblems))) }
        return await activate(files, trigger: trigger)
    }

    /// Steps back to the generation active before the current one, or to a named one.
    /// - Throws: `ScriptRuntimeError` when there is nothing to go back to or the hash is unknown.
    public func rollback(to hash: String? = nil) async throws -> ReloadReport {
        let target: String
        if let hash {
            target = hash
        } else {
            let activations = state.withLock { $0.activations }
            guard activations.count >= 2 else { throw ScriptRuntimeError.nothingToRollBackTo }
            target = activations[activations.count - 2]
        }
        guard let files = try await archive.files(hash: target) else { throw ScriptRuntimeError.unknownGeneration(target) }
        let report = await activate(files, trigger: "rollback", isRollback: hash == nil)
        return report
    }

    package func activate(_ files: [ScriptFile], trigger: String, isRollback: Bool = false) async -> ReloadReport {
        let started = Date()
        let label = URL(fileURLWithPath: directory).lastPathComponent
        let result = ScriptGeneration.compile(files, api: api, limits: limits, label: label)
        if case .success(let g) = result {
            do { try await archive.save(hash: g.hash, files: files, atMillis: clock()) } catch {
                logger.error("could not archive generation", metadata: ["hash": "\(g.hash)", "error": "\(error)"])
            }
        }
        return finish(trigger: trigger, started: started, result, isRollback: isRollback)
    }

    private func finish(
        trigger: String, started: Date, _ result: Result<ScriptGeneration, GenerationRejected>, isRollback: Bool = false
    ) -> ReloadReport {
        let elapsed = Int64(Date().timeIntervalSince(started) * 1000)
        let report: ReloadReport = state.withLock { s in
            let previous = s.current?.hash
            let report: ReloadReport
            switch result {
            case .success(let g):
                s.current = g
                if isRollback {
                    s.activations.removeLast()
                } else if s.activations.last != g.hash {
                    s.activations.append(g.hash)
                }
                if s.activations.count > Self.activationsMax { s.activations.removeFirst() }
                report = ReloadReport(ok: true, trigger: trigger, generation: g.hash, previous: previous, problems: [],
                    atMillis: clock(), durationMillis: elapsed)
            case .failure(let rejected):
                report = ReloadReport(ok: false, trigger: trigger, generation: previous, previous: previous,
                    problems: rejected.problems, atMillis: clock(), durationMillis: elapsed)
            }
            s.lastReload = report
            return report
        }
        ScriptMetrics.reload(ok: report.ok)
        if report.ok {
            logger.info("scripts loaded", metadata: ["generation": "\(report.generation ?? "")", "trigger": "\(trigger)"])
        } else {
            logger.error("scripts rejected; the running generation stays",
                metadata: ["problems": "\(report.problems.map(\.description))", "trigger": "\(trigger)"])
        }
        return report
    }
}

/// Reload and rollback refusals.
public enum ScriptRuntimeError: ShowrunnerError {
    case nothingToRollBackTo
    case unknownGeneration(String)

    public var code: String {
        switch self {
        case .nothingToRollBackTo: "no_previous_generation"
        case .unknownGeneration: "unknown_generation"
        }
    }
    public var kind: ErrorKind {
        switch self {
        case .nothingToRollBackTo: .conflict
        case .unknownGeneration: .notFound
        }
    }
    public var message: String {
        switch self {
        case .nothingToRollBackTo: "there is no earlier generation to roll back to"
        case .unknownGeneration(let h): "no generation \(h) is kept"
        }
    }
}
