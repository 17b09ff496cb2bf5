import ArgumentParser
import Engine
import Testing
@testable import Host

@Suite struct CLITests {
    static let strong = String(repeating: "s", count: 32)

    @Test func secretComesFromFlagThenEnvironmentThenDefaultOnlyWithDev() throws {
        let flagged = try SecretOptions.parse(["--secret", "from-flag"])
        #expect(try flagged.resolve(environment: ["SHOWRUNNER_SECRET": "from-env"]) == ("from-flag", false))
        let bare = try SecretOptions.parse([])
        #expect(try bare.resolve(environment: ["SHOWRUNNER_SECRET": "from-env"]) == ("from-env", false))
        #expect(throws: ValidationError.self) { try bare.resolve(environment: [:]) }
        #expect(throws: ValidationError.self) { try bare.resolve(environment: ["SHOWRUNNER_SECRET": ""]) }
        let dev = try SecretOptions.parse(["--dev"])
        #expect(try dev.resolve(environment: [:]) == (SecretOptions.developmentSecret, true))
        #expect(try dev.makeSigner(environment: [:]).isDevelopmentDefault)
        // --dev never lowers the bar for a secret that is given.
        let short = try SecretOptions.parse(["--dev", "--secret", String(repeating: "s", count: 31)])
        #expect(throws: ValidationError.self) { try short.makeSigner(environment: [:]) }
        #expect(try SecretOptions.parse(["--secret", Self.strong]).makeSigner(environment: [:]).isDevelopmentDefault == false)
    }

    @Test func paymentSecretIsRequiredAndLongUnlessDev() throws {
        let bare = try PaymentOptions.parse([])
        #expect(throws: ValidationError.self) { try bare.resolve(dev: false, environment: [:]) }
        #expect(try bare.resolve(dev: true, environment: [:]) == (PaymentOptions.developmentSecret, true))
        #expect(PaymentOptions.developmentSecret.utf8.count >= TopUps.secretBytesMin)
        for length in [1, 31] {
            let secret = String(repeating: "p", count: length)
            #expect(throws: ValidationError.self) { try bare.resolve(dev: true, environment: ["SHOWRUNNER_PAYMENT_SECRET": secret]) }
            let flagged = try PaymentOptions.parse(["--payment-secret", secret])
            #expect(throws: ValidationError.self) { try flagged.resolve(dev: false, environment: [:]) }
        }
        let env = try bare.resolve(dev: false, environment: ["SHOWRUNNER_PAYMENT_SECRET": Self.strong])
        #expect(env == (Self.strong, false))
    }

    @Test func serveRefusesToStartWithoutSecretsUnlessDev() throws {
        #expect(throws: (any Error).self) {
            try ShowrunnerCommand.parseAsRoot(["serve", "--secret", Self.strong])
        }
        #expect(throws: (any Error).self) {
            try ShowrunnerCommand.parseAsRoot(["serve", "--payment-secret", Self.strong])
        }
        #expect(throws: (any Error).self) {
            try ShowrunnerCommand.parseAsRoot(["serve", "--secret", Self.strong, "--payment-secret", "x"])
        }
        let real = try #require(
            try ShowrunnerCommand.parseAsRoot(["serve", "--secret", Self.strong, "--payment-secret", Self.strong]) as? ServeCommand)
        #expect(!real.secretOptions.dev)
        let dev = try #require(try ShowrunnerCommand.parseAsRoot(["serve", "--dev"]) as? ServeCommand)
        #expect(dev.secretOptions.dev)
    }

    @Test func shortSecretIsAValidationError() throws {
        let options = try SecretOptions.parse(["--secret", "short"])
        #expect(throws: ValidationError.self) { try options.makeSigner(environment: [:]) }
    }

    @Test func serveParsesItsFlags() throws {
        let command = try ShowrunnerCommand.parseAsRoot([
            "serve", "--host", "0.0.0.0", "--port", "9000", "--db", "x.sqlite",
            "--scripts", "S", "--watch", "--body-bytes-max", "1024", "--dev",
        ])
        let serve = try #require(command as? ServeCommand)
        let config = serve.config
        #expect(config.hostname == "0.0.0.0" && config.port == 9000)
        #expect(config.databasePath == "x.sqlite" && config.scriptsPath == "S" && config.watchScripts)
        #expect(config.requestBodyBytesMax == 1024)
    }

    @Test func serveDefaultsMatchTheDocumentedOnes() throws {
        let serve = try #require(try ShowrunnerCommand.parseAsRoot(["serve", "--dev"]) as? ServeCommand)
        #expect(serve.config.hostname == "127.0.0.1" && serve.config.port == 8080)
        #expect(serve.config.databasePath == "showrunner.sqlite" && serve.config.scriptsPath == "Scripts")
        #expect(!serve.config.watchScripts && serve.config.requestBodyBytesMax == 64 * 1024)
    }

    @Test func serveCoalesceMillisHasDefaultAndBounds() throws {
        let plain = try #require(try ShowrunnerCommand.parseAsRoot(["serve", "--dev"]) as? ServeCommand)
        #expect(plain.coalesceMs == RealtimeLimits.coalesceMillisDefault)
        #expect(plain.coalesceMs == 25)
        let limits = RealtimeLimits()
        #expect(limits.coalesceInterval == .milliseconds(25))
        let set = try #require(try ShowrunnerCommand.parseAsRoot(["serve", "--coalesce-ms", "0", "--dev"]) as? ServeCommand)
        #expect(set.coalesceMs == 0)
        for bad in ["-1", "1001"] {
            #expect(throws: (any Error).self) { try ShowrunnerCommand.parseAsRoot(["serve", "--coalesce-ms", bad, "--dev"]) }
        }
    }

    @Test func serveConnectionLimitsHaveDefaultsAndBounds() throws {
        let plain = try #require(try ShowrunnerCommand.parseAsRoot(["serve", "--dev"]) as? ServeCommand)
        #expect(plain.headerTimeoutSeconds == 30 && plain.bodyTimeoutSeconds == 30 && plain.idleTimeoutSeconds == 75)
        #expect(plain.connectionsMax == 20_000)
        for flag in ["--header-timeout-seconds", "--body-timeout-seconds", "--idle-timeout-seconds"] {
            for good in ["1", "3600"] { #expect(throws: Never.self) { try ShowrunnerCommand.parseAsRoot(["serve", "--dev", flag, good]) } }
            for bad in ["0", "3601", "-1", "x"] {
                #expect(throws: (any Error).self) { try ShowrunnerCommand.parseAsRoot(["serve", "--dev", flag, bad]) }
            }
        }
        for good in ["1", "1000000"] { #expect(throws: Never.self) { try ShowrunnerCommand.parseAsRoot(["serve", "--dev", "--connections-max", good]) } }
        for bad in ["0", "1000001", "-5"] {
            #expect(throws: (any Error).self) { try ShowrunnerCommand.parseAsRoot(["serve", "--dev", "--connections-max", bad]) }
        }
    }

    @Test func serveEventLoopsIsOptionalAndBounded() throws {
        let plain = try #require(try ShowrunnerCommand.parseAsRoot(["serve", "--dev"]) as? ServeCommand)
        #expect(plain.eventLoops == nil)
        let set = try #require(try ShowrunnerCommand.parseAsRoot(["serve", "--event-loops", "1", "--dev"]) as? ServeCommand)
        #expect(set.eventLoops == 1)
        for bad in ["0", "257", "-1", "two"] {
            #expect(throws: (any Error).self) { try ShowrunnerCommand.parseAsRoot(["serve", "--event-loops", bad, "--dev"]) }
        }
    }

    @Test func tokenIssueParses() throws {
        let command = try ShowrunnerCommand.parseAsRoot(["token", "issue", "--user", "u1", "--role", "admin", "--ttl", "60"])
        let issue = try #require(command as? IssueTokenCommand)
        #expect(issue.user == "u1" && issue.role == "admin" && issue.ttl == 60)
    }
}
