import ArgumentParser
import Foundation

/// The secret shared with the payment provider that signs top-up callbacks.
struct PaymentOptions: ParsableArguments {
    static let environmentVariable = "SHOWRUNNER_PAYMENT_SECRET"
    /// Public development default; `serve` warns when it is used.
    static let developmentSecret = "showrunner-development-payment-secret"

    @Option(help: "HMAC secret of payment callbacks (default: $\(PaymentOptions.environmentVariable), else a development secret).")
    var paymentSecret: String?

    /// The secret in effect and whether it is the development default.
    func resolve(environment: [String: String] = ProcessInfo.processInfo.environment) -> (String, Bool) {
        if let paymentSecret { return (paymentSecret, false) }
        if let e = environment[Self.environmentVariable], !e.isEmpty { return (e, false) }
        return (Self.developmentSecret, true)
    }
}
