import ArgumentParser
import Engine
import Scripting

/// `showrunner scripts check DIR`: validates a scripts folder without a server. Exit 0 when
/// valid; otherwise 1 and one line per problem, `path:line: message`, on standard output.
struct ScriptsCheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "check", abstract: "Validate a scripts folder.")

    @Argument(help: "The scripts folder.") var directory = "Scripts"

    func run() async throws {
        let problems = ScriptChecker.check(directory: directory)
        for p in problems { print(p.description) }
        if !problems.isEmpty { throw ExitCode(1) }
        print("ok: \(directory)")
    }
}
