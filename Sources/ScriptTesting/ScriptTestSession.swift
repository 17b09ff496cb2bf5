import Engine
import Foundation
import Logging
import Scripting

/// One test file on its own thread: its VM, its cases in order, each on a fresh engine. The
/// test API reaches it through the VM; engine calls cross to the runner's task through the
/// bridge. Used only on that thread.
final class ScriptTestSession {
    /// Most lines a case may print; later ones are dropped.
    static let outputLinesMax = 1_000

    let setup: ScriptTestSetup
    let bridge: BlockingBridge
    let clock = ScriptTestClock()
    private var engine: ScriptTestEngine?
    private var output: [String] = []

    init(setup: ScriptTestSetup, bridge: BlockingBridge) {
        self.setup = setup
        self.bridge = bridge
    }

    /// Refuses engine and clock calls outside a case (at a file's top level).
    func requireCase(_ function: String) throws(ScriptArgumentError) {
        guard engine != nil else {
            throw ScriptArgumentError(message: "\(function): only inside a test case (test(\"name\", function() ... end))")
        }
    }

    /// Runs `work` on the case's engine, on the runner's task, and waits for it.
    func perform<T: Sendable>(_ function: String, _ work: @escaping @Sendable (ScriptTestEngine) async throws -> T) throws -> T {
        try requireCase(function)
        let engine = self.engine!
        return try bridge.run { try await work(engine) }
    }

    /// A line of the case's output.
    func print(_ line: String) {
        if output.count < Self.outputLinesMax { output.append(line) }
    }

    /// Loads `file` and runs its cases (those `setup.filter` selects), reporting each as it ends.
    func run(_ file: ScriptFile, report: (ScriptTestResult) -> Void) {
        let shown = setup.shownPath(file.path)
        let vm: LuaVM
        let names: [String]
        do {
            vm = try LuaVM.testVM(api: .scriptTests, limits: setup.testLimits, label: setup.label, libraries: setup.libraries)
            vm.testSession = self
            names = try vm.loadTestFile(file)
        } catch {
            let problem = setup.problem(error, file: shown)
            report(ScriptTestResult(file: shown, name: "(load)", outcome: .errored(problem), output: output, durationMillis: 0))
            return
        }
        for (index, name) in names.enumerated() where setup.selects(file: shown, case: name) {
            report(runCase(index, name: name, vm: vm, file: file))
        }
    }

    private func runCase(_ index: Int, name: String, vm: LuaVM, file: ScriptFile) -> ScriptTestResult {
        let started = ContinuousClock.now
        clock.set(millis: ScriptTestClock.startMillis)
        output = []
        let setup = self.setup
        let clock = self.clock
        let outcome: ScriptTestResult.Outcome
        do {
            engine = try bridge.run {
                try await ScriptTestEngine.open(
                    files: setup.files, directory: setup.directory, limits: setup.scriptLimits, calendar: setup.calendar,
                    clock: clock, logger: setup.logger)
            }
            if let failure = vm.runTestCase(index, path: "\(setup.label)/\(file.path)") {
                let problem = setup.problem(failure, file: setup.shownPath(file.path))
                outcome = problem.message.hasPrefix("expect_") || problem.message.hasPrefix("fail: ") ? .failed(problem) : .errored(problem)
            } else {
                outcome = .passed
            }
        } catch {
            outcome = .errored(setup.problem(error, file: setup.shownPath(file.path)))
        }
        engine?.close()
        engine = nil
        let elapsed = started.duration(to: .now).components
        return ScriptTestResult(
            file: setup.shownPath(file.path), name: name, outcome: outcome, output: output,
            durationMillis: elapsed.seconds * 1000 + elapsed.attoseconds / 1_000_000_000_000_000)
    }
}
