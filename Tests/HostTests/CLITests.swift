import ArgumentParser
import Engine
import Testing
@testable import Host

@Suite struct CLITests {
    @Test func secretComesFromFlagThenEnvironmentThenDefault() throws {
        let flagged = try SecretOptions.parse(["--secret", "from-flag"])
        #expect(flagged.resolve(environment: ["SHOWRUNNER_SECRET": "from-env"]) == ("from-flag", false))
        let bare = try SecretOptions.parse([])
        #expect(bare.resolve(environment: ["SHOWRUNNER_SECRET": "from-env"]) == ("from-env", false))
        #expect(bare.resolve(environment: [:]) == (SecretOptions.developmentSecret, true))
        #expect(try bare.makeSigner(environment: [:]).isDevelopmentDefault)
    }

    @Test func shortSecretIsAValidationError() throws {
        let options = try SecretOptions.parse(["--secret", "short"])
        #expect(throws: ValidationError.self) { try options.makeSigner(environment: [:]) }
    }

    @Test func serveParsesItsFlags() throws {
        let command = try ShowrunnerCommand.parseAsRoot([
            "serve", "--host", "0.0.0.0", "--port", "9000", "--db", "x.sqlite",
            "--scripts", "S", "--watch", "--body-bytes-max", "1024",
        ])
        let serve = try #require(command as? ServeCommand)
        let config = serve.config
        #expect(config.hostname == "0.0.0.0" && config.port == 9000)
        #expect(config.databasePath == "x.sqlite" && config.scriptsPath == "S" && config.watchScripts)
        #expect(config.requestBodyBytesMax == 1024)
    }

    @Test func serveDefaultsMatchTheDocumentedOnes() throws {
        let serve = try #require(try ShowrunnerCommand.parseAsRoot(["serve"]) as? ServeCommand)
        #expect(serve.config.hostname == "127.0.0.1" && serve.config.port == 8080)
        #expect(serve.config.databasePath == "showrunner.sqlite" && serve.config.scriptsPath == "Scripts")
        #expect(!serve.config.watchScripts && serve.config.requestBodyBytesMax == 64 * 1024)
    }

    @Test func serveCoalesceMillisHasDefaultAndBounds() throws {
        let plain = try #require(try ShowrunnerCommand.parseAsRoot(["serve"]) as? ServeCommand)
        #expect(plain.coalesceMs == RealtimeLimits.coalesceMillisDefault)
        let set = try #require(try ShowrunnerCommand.parseAsRoot(["serve", "--coalesce-ms", "0"]) as? ServeCommand)
        #expect(set.coalesceMs == 0)
        for bad in ["-1", "1001"] {
            #expect(throws: (any Error).self) { try ShowrunnerCommand.parseAsRoot(["serve", "--coalesce-ms", bad]) }
        }
    }

    @Test func serveEventLoopsIsOptionalAndBounded() throws {
        let plain = try #require(try ShowrunnerCommand.parseAsRoot(["serve"]) as? ServeCommand)
        #expect(plain.eventLoops == nil)
        let set = try #require(try ShowrunnerCommand.parseAsRoot(["serve", "--event-loops", "1"]) as? ServeCommand)
        #expect(set.eventLoops == 1)
        for bad in ["0", "257", "-1", "two"] {
            #expect(throws: (any Error).self) { try ShowrunnerCommand.parseAsRoot(["serve", "--event-loops", bad]) }
        }
    }

    @Test func tokenIssueParses() throws {
        let command = try ShowrunnerCommand.parseAsRoot(["token", "issue", "--user", "u1", "--role", "admin", "--ttl", "60"])
        let issue = try #require(command as? IssueTokenCommand)
        #expect(issue.user == "u1" && issue.role == "admin" && issue.ttl == 60)
    }
}
