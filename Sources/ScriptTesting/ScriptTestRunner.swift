import Engine
import EngineCore
import Foundation
import Logging
import Scripting
import Synchronization

/// How `ScriptTestRunner` runs a folder's tests.
public struct ScriptTestOptions: Sendable {
    /// The operations calendar of every case's engine: where days and weeks begin (UTC by default).
    public var calendar = OperationsCalendar()
    /// Run only cases whose name, or whose file's path, contains this text.
    public var filter: String?
    /// Budgets of the scripts under test: the production ones, so a test catches a handler
    /// that would be killed in production.
    public var scriptLimits = ScriptLimits()
    /// Budgets of the test files themselves: a file's top level, then each case (which waits on
    /// the engine, so its time budget is generous).
    public var testLimits: ScriptLimits = {
        var l = ScriptLimits()
        l.callInstructionsMax = 1_000_000_000
        l.callTimeout = .seconds(120)
        l.loadTimeout = .seconds(5)
        l.vmMemoryBytesMax = 256 << 20
        return l
    }()

    /// The defaults.
    public init() {}
}

/// Runs the script tests of a scripts folder (`showrunner scripts test`): every `*_test.lua`
/// file, each in a sandboxed VM of its own, each case on a fresh engine with the folder's
/// scripts (see `docs/scripting.md`, "Testing scripts").
///
/// A test VM's host functions are synchronous and the engine is async, so each file runs on a
/// dedicated thread that blocks while the runner's task does the engine's work; no thread of
/// the cooperative pool ever blocks.
public struct ScriptTestRunner: Sendable {
    /// The scripts folder, as given.
    public let directory: String
    /// How to run.
    public let options: ScriptTestOptions
    let logger: Logger

    /// Stack of a test file's thread (Lua recursion and the Swift frames of host functions).
    static let threadStackBytes = 16 << 20

    /// - Parameters: directory: the scripts folder; options: how to run; logger: the engines'
    ///   logs (quiet by default: failures reach the results).
    public init(directory: String, options: ScriptTestOptions = ScriptTestOptions(), logger: Logger? = nil) {
        self.directory = directory.count > 1 && directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        self.options = options
        self.logger = logger ?? {
            var l = Logger(label: "showrunner.scripts.test")
            l.logLevel = .critical
            return l
        }()
    }

    /// The test files, relative to the folder (`activities/gala_test.lua`), sorted; `types/` is skipped.
    public func testFiles() -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: directory) else { return [] }
        var found: [String] = []
        for case let relative as String in walker where relative.hasSuffix("_test.lua") {
            if let top = relative.split(separator: "/").first, ScriptKind.ignoredFolders.contains(String(top)) { continue }
            found.append(relative)
        }
        return found.sorted()
    }

    /// Checks the folder, then runs every test file in order.
    /// - Parameter progress: sees each result as soon as its case ends (from another thread).
    /// - Returns: every result.
    /// - Throws: `GenerationRejected` when the scripts folder itself does not load.
    public func run(progress: @escaping @Sendable (ScriptTestResult) -> Void = { _ in }) async throws -> ScriptTestReport {
        let problems = ScriptChecker.check(directory: directory, limits: options.scriptLimits)
        guard problems.isEmpty else { throw GenerationRejected(problems: problems) }
        let (files, _) = ScriptSources.read(directory: directory, limits: options.scriptLimits)
        let setup = ScriptTestSetup(directory: directory, files: files, options: options, logger: logger)
        let paths = testFiles()
        var results: [ScriptTestResult] = []
        for path in paths {
            let url = URL(fileURLWithPath: directory).appendingPathComponent(path)
            guard let data = try? Data(contentsOf: url), data.count <= options.scriptLimits.fileBytesMax,
                let text = String(data: data, encoding: .utf8)
            else {
                let problem = ScriptProblem(
                    path: setup.shownPath(path), line: nil,
                    message: "cannot be read as UTF-8 text of at most \(options.scriptLimits.fileBytesMax) bytes")
                let result = ScriptTestResult(
                    file: setup.shownPath(path), name: "(load)", outcome: .errored(problem), output: [], durationMillis: 0)
                progress(result)
                results.append(result)
                continue
            }
            results += await run(ScriptFile(path: path, text: text), setup: setup, progress: progress)
        }
        return ScriptTestReport(results: results, files: paths.count)
    }

    /// Runs one file on a thread of its own while this task serves its engine calls.
    private func run(
        _ file: ScriptFile, setup: ScriptTestSetup, progress: @escaping @Sendable (ScriptTestResult) -> Void
    ) async -> [ScriptTestResult] {
        let bridge = BlockingBridge()
        let results = Results()
        let thread = Thread {
            let session = ScriptTestSession(setup: setup, bridge: bridge)
            session.run(file) { result in
                results.list.withLock { $0.append(result) }
                progress(result)
            }
            bridge.finish()
        }
        thread.name = "script-test"
        thread.stackSize = Self.threadStackBytes
        thread.start()
        await bridge.serve()
        return results.list.withLock { $0 }
    }

    private final class Results: Sendable {
        let list = Mutex<[ScriptTestResult]>([])
    }
}
