// swift-tools-version:6.1
import PackageDescription

// Release builds optimize across the engine's targets as they would inside one module: without
// it, a value of a lower target (an `AccountID` compared and hashed on the gift path) is copied,
// compared and hashed through calls the optimizer cannot see into, and the writer's time a send
// rose by about a tenth when the engine was split into targets (`benchmarks/LOG.md`).
let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .unsafeFlags(["-cross-module-optimization"], .when(configuration: .release)),
]

let package = Package(
    name: "showrunner",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "showrunner", targets: ["Host"]),
        .executable(name: "showrunner-bench", targets: ["Bench"]),
        // The engine as a library: the composition root and every layer under it.
        .library(name: "Showrunner", targets: ["Showrunner"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.4.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CLua",
            pkgConfig: "lua5.4",
            providers: [.apt(["liblua5.4-dev"])]
        ),
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        // C trampolines: every function that may raise a Lua error (longjmp) lives here,
        // so no Lua error ever unwinds through a Swift frame.
        .target(name: "CLuaShim", dependencies: ["CLua"]),
        // SQLite's process-wide options (`sqlite3_config` is variadic: Swift cannot call it).
        .target(name: "CSQLiteConfig", linkerSettings: [.linkedLibrary("sqlite3")]),
        // The benchmark harness's raw Lua peers in C, outside every production target.
        .target(name: "CBench", dependencies: ["CLua"]),
        // The engine's layers, each a target so the compiler keeps their direction:
        // EngineCore (errors, JSON syntax, hashing, tokens, the operations calendar) <- Scripting
        // (the Lua runtime and the operator's `ctx` contract) <- Rooms (rooms, their buses,
        // moderation) and Books (the journal's contract and the ledger) <- LiveOps (activities,
        // tasks, leaderboards) <- Engine (the other domains, over store protocols) <- Storage
        // (SQLite, the only target with GRDB) <- Showrunner (the composition root) <-
        // ScriptTesting (script tests) <- Host.
        .target(
            name: "EngineCore",
            dependencies: [
                "COpenSSL",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "Scripting",
            dependencies: [
                "CLua", "CLuaShim", "EngineCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "Rooms",
            dependencies: [
                "EngineCore", "Scripting",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: strict
        ),
        // The books of record: the journal (the log of facts, its transactions and its
        // consumers' contract) and the double-entry ledger, with a gift's receipt and legs (a
        // gift is one journal row that carries its legs).
        .target(
            name: "Books",
            dependencies: [
                "EngineCore", "Scripting",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // Live operations: activities (boards, chests, wheels), tasks, leaderboards and the
        // rewards they pay, each run from the journal by its consumer (the live leaderboard feed
        // publishes to the rooms' bus).
        .target(
            name: "LiveOps",
            dependencies: [
                "EngineCore", "Scripting", "Rooms", "Books",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "Engine",
            dependencies: [
                "EngineCore", "Scripting", "Rooms", "Books", "LiveOps",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // The storage layer: SQLite through GRDB behind the domains' store protocols, the group
        // commit writer, migrations, and the journal's SQL and consumer runner. The only target
        // that imports GRDB.
        .target(
            name: "Storage",
            dependencies: [
                "EngineCore", "Scripting", "Rooms", "Books", "LiveOps", "Engine", "CSQLiteConfig",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // The composition root: `EngineParts.open` wires the domains over the storage layer;
        // what-if replay, which opens scratch engines, sits beside it.
        .target(
            name: "Showrunner",
            dependencies: [
                "EngineCore", "Scripting", "Rooms", "Books", "LiveOps", "Engine", "Storage",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // `showrunner scripts test`: runs operators' script tests against a throwaway engine.
        .target(
            name: "ScriptTesting",
            dependencies: [
                "EngineCore", "Scripting", "Rooms", "Books", "LiveOps", "Engine", "Storage", "Showrunner",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "Host",
            dependencies: [
                "EngineCore", "Scripting", "Rooms", "Books", "LiveOps", "Engine", "Storage", "Showrunner", "ScriptTesting",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "EngineTesting",
            dependencies: ["EngineCore", "Scripting", "Rooms", "Books", "LiveOps", "Engine", "Storage", "Showrunner", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "Bench",
            dependencies: [
                "CLua", "CBench", "EngineCore", "Scripting", "Rooms", "Books", "LiveOps", "Engine", "Storage", "Showrunner",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "EngineTests",
            dependencies: [
                "EngineCore", "Scripting", "Rooms", "Books", "LiveOps", "Engine", "Storage", "Showrunner", "ScriptTesting", "EngineTesting", "CLua", "CLuaShim",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "BenchTests",
            dependencies: ["Bench", "Books", "Engine", "Rooms", "Showrunner", "EngineTesting"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "HostTests",
            dependencies: [
                "Host", "EngineCore", "Scripting", "Rooms", "Books", "LiveOps", "Engine", "Storage", "Showrunner", "ScriptTesting", "EngineTesting",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HummingbirdWSTesting", package: "hummingbird-websocket"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
    ]
)
