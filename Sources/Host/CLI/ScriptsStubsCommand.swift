import ArgumentParser
import Engine
import Foundation
import Scripting

/// `showrunner scripts stubs [--out DIR] [--check]`: writes the LuaLS annotations
/// (`DIR/types/showrunner.lua`, and `DIR/types/showrunner_test.lua` for script tests) and the
/// luacheck configuration (`DIR/.luacheckrc`) from the host's binding registry. With `--check`,
/// writes nothing and fails when they are stale.
struct ScriptsStubsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stubs", abstract: "Generate LuaLS stubs and luacheck globals.")

    @Option(help: "The scripts folder.") var out = "Scripts"
    @Flag(help: "Fail (exit 1) when the files on disk differ from what would be generated.") var check = false

    func run() async throws {
        let api = HostAPI.standard
        let files = [
            ("types/showrunner.lua", StubGenerator.luaLS(api)),
            ("types/showrunner_test.lua", StubGenerator.luaLSTests(.scriptTests)),
            (".luacheckrc", StubGenerator.luacheck(api, tests: .scriptTests)),
        ]
        var stale: [String] = []
        for (relative, text) in files {
            let url = URL(fileURLWithPath: out).appendingPathComponent(relative)
            let current = try? String(contentsOf: url, encoding: .utf8)
            if current == text { continue }
            if check {
                stale.append(url.path)
            } else {
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try text.write(to: url, atomically: true, encoding: .utf8)
                print("wrote \(url.path)")
            }
        }
        if !stale.isEmpty {
            for path in stale { print("stale: \(path) (run `showrunner scripts stubs`)") }
            throw ExitCode(1)
        }
    }
}
