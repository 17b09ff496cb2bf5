import ArgumentParser
import Engine
import EngineCore
import Foundation

/// `showrunner token issue --user ID --role ROLE [--ttl 3600] [--secret S]`: prints one token.
struct IssueTokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "issue",
        abstract: "Print a signed access token for a user and role."
    )

    @Option(help: "User id: 1-\(Principal.userIDCharactersMax) characters of [A-Za-z0-9_-].")
    var user: String

    @Option(help: "Role: \(Role.allCases.map(\.rawValue).joined(separator: ", ")).")
    var role: String

    @Option(help: "Lifetime in seconds.")
    var ttl: Int64 = 3600

    @OptionGroup var secretOptions: SecretOptions

    mutating func run() async throws {
        guard let parsedRole = Role(rawValue: role) else {
            throw ValidationError("unknown role '\(role)'; expected one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let (signer, isDevelopmentDefault) = try secretOptions.makeSigner()
        if isDevelopmentDefault {
            let warning = "warning: signing with the development secret; set --secret or $\(SecretOptions.environmentVariable)\n"
            FileHandle.standardError.write(Data(warning.utf8))
        }
        do {
            print(try signer.issue(userID: user, role: parsedRole, ttl: .seconds(ttl)))
        } catch {
            throw ValidationError(error.message)
        }
    }
}
