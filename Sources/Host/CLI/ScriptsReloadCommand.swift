import ArgumentParser
import Engine
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Options for commands that talk to a running server as an operator.
struct ServerOptions: ParsableArguments {
    @Option(help: "Base URL of the running server.") var url = "http://127.0.0.1:8080"
    @OptionGroup var secretOptions: SecretOptions

    /// POSTs `body` to `path` with a short-lived admin token; prints the response; fails on non-2xx.
    func post(_ path: String, body: Data? = nil) async throws {
        let (signer, _) = try secretOptions.makeSigner()
        let token = try signer.issue(userID: "cli", role: .admin, ttl: .seconds(60))
        guard let target = URL(string: url + path) else { throw ValidationError("bad --url '\(url)'") }
        var request = URLRequest(url: target)
        request.httpMethod = "POST"
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        if let body {
            request.httpBody = body
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        print(String(decoding: data, as: UTF8.self))
        guard let http = response as? HTTPURLResponse, (200..<300).contains(http.statusCode) else { throw ExitCode(1) }
    }
}

/// `showrunner scripts reload`: asks a running server to reload its scripts folder.
struct ScriptsReloadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "reload", abstract: "Reload the scripts of a running server.")
    @OptionGroup var server: ServerOptions
    func run() async throws { try await server.post("/v1/admin/scripts/reload") }
}

/// `showrunner scripts rollback [--generation HASH]`: steps a running server back.
struct ScriptsRollbackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rollback", abstract: "Roll a running server back to the previous or a named generation.")
    @OptionGroup var server: ServerOptions
    @Option(help: "Generation hash (default: the previous one).") var generation: String?
    func run() async throws {
        let body = try generation.map { try JSONEncoder().encode(["generation": $0]) }
        try await server.post("/v1/admin/scripts/rollback", body: body)
    }
}
