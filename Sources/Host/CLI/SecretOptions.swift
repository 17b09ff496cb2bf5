import ArgumentParser
import Engine
import EngineCore
import Foundation

/// The token secret, shared by every command that signs or verifies tokens, and the development
/// switch that alone allows the public default secrets.
///
/// Resolved in order: `--secret`, then the `SHOWRUNNER_SECRET` environment variable. Without
/// either, a command fails before it starts, unless `--dev` is given: then `developmentSecret`, a
/// fixed value that is public (it is in this source file), so anyone can mint tokens for a server
/// running with it. A secret that is given is always checked for length, `--dev` or not.
struct SecretOptions: ParsableArguments {
    /// Environment variable consulted when `--secret` is absent.
    static let environmentVariable = "SHOWRUNNER_SECRET"
    /// The development default. Never use it where tokens matter.
    static let developmentSecret = "showrunner-development-secret-not-for-production"

    @Option(help: "HMAC secret for tokens, at least \(TokenSigner.secretBytesMin) bytes (default: $\(SecretOptions.environmentVariable)).")
    var secret: String?

    @Flag(help: "Development mode: fall back to public, well-known secrets when none is given. Never in production.")
    var dev = false

    /// The secret in effect and whether it is the development default.
    /// - Throws: `ValidationError` when no secret is given and `--dev` is not set.
    func resolve(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> (secret: String, isDevelopmentDefault: Bool) {
        if let secret { return (secret, false) }
        if let fromEnvironment = environment[Self.environmentVariable], !fromEnvironment.isEmpty {
            return (fromEnvironment, false)
        }
        guard dev else {
            throw ValidationError(
                "no token secret: pass --secret or set \(Self.environmentVariable) (at least \(TokenSigner.secretBytesMin) bytes), or --dev for the public development secret")
        }
        return (Self.developmentSecret, true)
    }

    /// A signer over the resolved secret.
    /// - Throws: `ValidationError` when no secret is given without `--dev`, or the secret is
    ///   shorter than `TokenSigner.secretBytesMin`.
    func makeSigner(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> (signer: TokenSigner, isDevelopmentDefault: Bool) {
        let resolved = try resolve(environment: environment)
        do {
            return (try TokenSigner(secret: resolved.secret), resolved.isDevelopmentDefault)
        } catch {
            throw ValidationError(error.message)
        }
    }
}
