import ArgumentParser
import Engine
import Foundation

/// The secret shared with the payment provider that signs top-up callbacks. Anyone who knows it
/// can mint coins, so it follows the token secret's rules: given by flag or environment, at least
/// `TopUps.secretBytesMin` bytes, and the public default only with `--dev`.
struct PaymentOptions: ParsableArguments {
    static let environmentVariable = "SHOWRUNNER_PAYMENT_SECRET"
    /// Public development default, used only with `--dev`.
    static let developmentSecret = TopUps.developmentSecret

    @Option(help: "HMAC secret of payment callbacks, at least \(TopUps.secretBytesMin) bytes (default: $\(PaymentOptions.environmentVariable)).")
    var paymentSecret: String?

    /// The secret in effect and whether it is the development default.
    /// - Parameter dev: whether `--dev` allows the public default.
    /// - Throws: `ValidationError` when no secret is given without `--dev`, or it is too short.
    func resolve(dev: Bool, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> (secret: String, isDevelopmentDefault: Bool) {
        let given = paymentSecret ?? environment[Self.environmentVariable].flatMap { $0.isEmpty ? nil : $0 }
        guard let given else {
            guard dev else {
                throw ValidationError(
                    "no payment secret: pass --payment-secret or set \(Self.environmentVariable) (at least \(TopUps.secretBytesMin) bytes), or --dev for the public development secret")
            }
            return (Self.developmentSecret, true)
        }
        guard given.utf8.count >= TopUps.secretBytesMin else {
            throw ValidationError("the payment secret must be at least \(TopUps.secretBytesMin) bytes (got \(given.utf8.count))")
        }
        return (given, false)
    }
}
