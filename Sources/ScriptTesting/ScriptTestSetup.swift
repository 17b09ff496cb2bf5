import Engine
import EngineCore
import Foundation
import Logging
import Scripting

/// What every file of a run shares: the scripts under test and how to show paths.
struct ScriptTestSetup: Sendable {
    /// The scripts folder as given, and its last component (the prefix of chunk names, kept
    /// short because Lua shortens long ones).
    let directory: String
    let label: String
    let files: [ScriptFile]
    let calendar: OperationsCalendar
    let filter: String?
    let scriptLimits: ScriptLimits
    let testLimits: ScriptLimits
    let logger: Logger

    init(directory: String, files: [ScriptFile], options: ScriptTestOptions, logger: Logger) {
        self.directory = directory
        label = URL(fileURLWithPath: directory).lastPathComponent
        self.files = files
        calendar = options.calendar
        filter = options.filter
        scriptLimits = options.scriptLimits
        testLimits = options.testLimits
        self.logger = logger
    }

    /// `Scripts/lib/*.lua`, for `require` in tests.
    var libraries: [ScriptFile] { files.filter(\.isLibrary) }

    /// A test file's path as the operator named the folder.
    func shownPath(_ relative: String) -> String { "\(directory)/\(relative)" }

    /// Whether the filter selects a case.
    func selects(file: String, case name: String) -> Bool {
        guard let filter, !filter.isEmpty else { return true }
        return name.contains(filter) || file.contains(filter)
    }

    /// An error as a problem, with its path as the operator named the folder (`file` when the
    /// error names none).
    func problem(_ error: any Error, file: String) -> ScriptProblem {
        guard let failure = error as? ScriptFailure else {
            let text = (error as? any ShowrunnerError)?.message ?? "\(error)"
            return ScriptProblem(path: file, line: nil, message: text)
        }
        var path = failure.path
        if path.hasPrefix(label + "/") { path = directory + path.dropFirst(label.count) }
        return ScriptProblem(path: path, line: failure.line, message: failure.detail)
    }
}
