import Engine
import Scripting

/// What one test case came to (or a test file that did not load, as the case `(load)`).
public struct ScriptTestResult: Sendable, Hashable {
    /// How the case ended.
    public enum Outcome: Sendable, Hashable {
        /// Every expectation held.
        case passed
        /// An expectation (`expect_*`, `fail`) did not hold: where and why.
        case failed(ScriptProblem)
        /// The case raised an error, ran out of budget, or its file did not load.
        case errored(ScriptProblem)
    }

    /// The test file, as the operator named the folder (`Scripts/activities/gala_test.lua`).
    public let file: String
    /// The case's name.
    public let name: String
    /// How it ended.
    public let outcome: Outcome
    /// What the case printed.
    public let output: [String]
    /// How long it took, engine set-up included.
    public let durationMillis: Int64

    /// - Parameters: as the properties.
    public init(file: String, name: String, outcome: Outcome, output: [String], durationMillis: Int64) {
        self.file = file
        self.name = name
        self.outcome = outcome
        self.output = output
        self.durationMillis = durationMillis
    }

    /// Whether the case passed.
    public var passed: Bool { outcome == .passed }

    /// The problem, when it did not pass.
    public var problem: ScriptProblem? {
        switch outcome {
        case .passed: nil
        case .failed(let p), .errored(let p): p
        }
    }

    /// One line: `ok   <file>: <name>`, or `FAIL <path>:<line>: <name>: <message>`.
    public var line: String {
        guard let p = problem else { return "ok   \(file): \(name)" }
        let position = p.line.map { "\(p.path):\($0)" } ?? p.path
        return "FAIL \(position): \(name): \(p.message)"
    }
}

/// Every result of a run.
public struct ScriptTestReport: Sendable, Hashable {
    /// Results in file order, then case order.
    public let results: [ScriptTestResult]
    /// Test files found.
    public let files: Int

    /// - Parameters: results; files: test files found.
    public init(results: [ScriptTestResult], files: Int) {
        self.results = results
        self.files = files
    }

    /// Cases that passed.
    public var passed: Int { results.count { $0.passed } }
    /// Cases that failed or errored (a file that did not load counts as one).
    public var failed: Int { results.count - passed }
    /// Whether nothing failed.
    public var ok: Bool { failed == 0 }

    /// `12 passed, 1 failed (4 files)`.
    public var summary: String {
        "\(passed) passed, \(failed) failed (\(files) test file\(files == 1 ? "" : "s"))"
    }
}

extension ScriptTestResult: Encodable {
    enum CodingKeys: String, CodingKey {
        case file, name, status, line, problem, output
        case durationMillis = "duration_millis"
    }

    /// `{file, name, status: passed|failed|errored, line, problem?, output, duration_millis}`,
    /// where `line` is the text `showrunner scripts test` prints for the case.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(file, forKey: .file)
        try c.encode(name, forKey: .name)
        let status = switch outcome {
        case .passed: "passed"
        case .failed: "failed"
        case .errored: "errored"
        }
        try c.encode(status, forKey: .status)
        try c.encode(line, forKey: .line)
        try c.encodeIfPresent(problem, forKey: .problem)
        try c.encode(output, forKey: .output)
        try c.encode(durationMillis, forKey: .durationMillis)
    }
}

extension ScriptTestReport: Encodable {
    enum CodingKeys: String, CodingKey {
        case ok, passed, failed, files, summary, results
    }

    /// `{ok, passed, failed, files, summary, results}`: the counts, the summary line and every result.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(ok, forKey: .ok)
        try c.encode(passed, forKey: .passed)
        try c.encode(failed, forKey: .failed)
        try c.encode(files, forKey: .files)
        try c.encode(summary, forKey: .summary)
        try c.encode(results, forKey: .results)
    }
}
