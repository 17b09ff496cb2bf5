import ArgumentParser
import Engine
import Foundation

/// The token secret, shared by every command that signs or verifies tokens.
///
/// Resolved in order: `--secret`, then the `SHOWRUNNER_SECRET` environment variable, then
/// `developmentSecret`, a fixed value that is public (it is in this source file), so anyone
/// can mint tokens for a server running with it. It exists only so `serve` starts on a laptop
/// with no setup; it is logged as a warning every time it is used.
struct SecretOptions: ParsableArguments {
    /// Environment variable consulted when `--secret` is absent.
    static let environmentVariable = "SHOWRUNNER_SECRET"
    /// The development default. Never use it where tokens matter.
    static let developmentSecret = "showrunner-development-secret-not-for-production"

    @Option(help: "HMAC secret for tokens, at least \(TokenSigner.secretBytesMin) bytes (default: $\(SecretOptions.environmentVariable), else a development secret).")
    var secret: String?

    /// The secret in effect and whether it is the development default.
    func resolve(environment: [String: String] = ProcessInfo.processInfo.environment) -> (secret: String, isDevelopmentDefault: Bool) {
        if let secret { return (secret, false) }
        if let fromEnvironment = environment[Self.environmentVariable], !fromEnvironment.isEmpty {
            return (fromEnvironment, false)
        }
        return (Self.developmentSecret, true)
    }

    /// A signer over the resolved secret.
    /// - Throws: `ValidationError` when the secret is shorter than `TokenSigner.secretBytesMin`.
    func makeSigner(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> (signer: TokenSigner, isDevelopmentDefault: Bool) {
        let resolved = resolve(environment: environment)
        do {
            return (try TokenSigner(secret: resolved.secret), resolved.isDevelopmentDefault)
        } catch {
            throw ValidationError(error.message)
        }
    }
}
