import ArgumentParser
import Engine
import EngineCore
import Foundation
import ScriptTesting
import Scripting

/// `showrunner scripts test [DIR]`: runs the folder's `*_test.lua` files against its scripts,
/// each case on a fresh engine with a fake clock. Prints one line per case and a summary; exit 0
/// when every case passes, 1 when one fails, 65 when the scripts folder itself does not load.
struct ScriptsTestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "test", abstract: "Run the script tests (*_test.lua) of a scripts folder.")

    /// Exit status when the scripts under test do not load (as `serve` on a broken folder).
    static let scriptsInvalidStatus: Int32 = 65

    @Argument(help: "The scripts folder.") var directory = "Scripts"
    @Option(help: "The operations time zone: where days and weeks begin (e.g. Asia/Shanghai).") var timeZone = "UTC"
    @Option(help: "Run only the cases whose name or file path contains this text.") var filter: String?

    func run() async throws {
        guard let calendar = OperationsCalendar(identifier: timeZone) else {
            throw ValidationError("unknown time zone '\(timeZone)' (name one, e.g. UTC or Asia/Shanghai)")
        }
        var options = ScriptTestOptions()
        options.calendar = calendar
        options.filter = filter
        let runner = ScriptTestRunner(directory: directory, options: options)
        let started = ContinuousClock.now
        let report: ScriptTestReport
        do {
            report = try await runner.run { result in
                var lines = [result.line]
                lines += result.output.map { "     | \($0)" }
                print(lines.joined(separator: "\n"))
            }
        } catch let rejected as GenerationRejected {
            for p in rejected.problems { print(p.description) }
            print("scripts do not load: no test ran")
            throw ExitCode(Self.scriptsInvalidStatus)
        }
        let elapsed = started.duration(to: .now).components
        let millis = elapsed.seconds * 1000 + elapsed.attoseconds / 1_000_000_000_000_000
        if report.files == 0 { print("no *_test.lua files in \(directory)") }
        print("\(report.summary) in \(millis / 1000).\(String(format: "%02d", millis % 1000 / 10)) s")
        if !report.ok { throw ExitCode(1) }
    }
}
