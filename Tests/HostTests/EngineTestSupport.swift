@testable import Books
import Engine
@testable import EngineCore
import EngineTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
@testable import Showrunner
@testable import Storage
import Testing
@testable import Host

/// A host wired like `serve` with a real engine on a temporary database and scripts folder.
struct EngineHost {
    let database: TemporaryDatabase
    let folder: ScriptFolder
    let engine: EngineParts
    let host: TestHost

    init(
        scripts: [String: String] = ["activities/probe.lua": ScriptSamples.activity("return 1")],
        ledgerConfiguration: LedgerConfiguration = .standard, clock: any WallClock = SystemWallClock(),
        giftKeysFlushAt: Int = StoreConfiguration.giftKeysFlushAtDefault
    ) async throws {
        database = try TemporaryDatabase()
        folder = try ScriptFolder(scripts)
        engine = try EngineParts.open(
            databasePath: database.path, scriptsPath: folder.path, synchronous: .normal, giftKeysFlushAt: giftKeysFlushAt,
            ledgerConfiguration: ledgerConfiguration, clock: clock, logger: .quiet())
        try await engine.loadScripts()
        var host = try TestHost(areas: engine.routeAreas)
        let profiles = engine.profiles
        host.onPrincipal = { principal in try await profiles.ensure(userID: principal.userID) }
        self.host = host
    }

    func test<Value>(_ body: @Sendable (any TestClientProtocol) async throws -> Value) async throws -> Value {
        defer { folder.remove() }
        return try await host.test(body)
    }

    func token(_ role: Role, user: String = "alice") throws -> String { try host.token(role, user: user) }
}

extension TestHost {
    /// Sets the callback run for every authenticated caller.
    var onPrincipal: (@Sendable (Principal) async throws -> Void)? {
        get { services.onPrincipal }
        set { services.onPrincipal = newValue }
    }
}

/// A JSON body.
func jsonBody(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }
