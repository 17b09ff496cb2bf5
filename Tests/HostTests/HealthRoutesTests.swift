import Engine
@testable import EngineCore
import Hummingbird
import HummingbirdTesting
import Metrics
import Storage
import Testing
@testable import Host

@Suite struct HealthRoutesTests {
    struct Health: Decodable, Equatable {
        let status: String
        let version: String
        let mode: String
    }

    @Test func healthzReportsVersion() async throws {
        try await TestHost().test { client in
            try await client.execute(uri: "/healthz", method: .get) { response throws in
                #expect(response.status == .ok)
                #expect(try response.json(Health.self) == Health(status: "ok", version: Showrunner.version, mode: "production"))
            }
        }
    }

    @Test func healthzNamesDevelopmentMode() async throws {
        var host = try TestHost()
        host.services.developmentMode = true
        try await host.test { client in
            try await client.execute(uri: "/healthz", method: .get) { response throws in
                #expect(try response.json(Health.self) == Health(status: "ok", version: Showrunner.version, mode: "development"))
            }
        }
    }

    struct Refusal: Decodable, Equatable {
        let error: String
        let message: String
    }

    @Test("/healthz answers 503 store_failed, with the reason, once the store no longer answers writes as durable; 200 again after a restart")
    func healthzFailsOnceTheStoreStoppedAnsweringDurably() async throws {
        var failing = try TestHost()
        failing.services.durabilityFailure = { "fdatasync of the WAL failed: Input/output error" }
        try await failing.test { client in
            try await client.execute(uri: "/healthz", method: .get) { response throws in
                #expect(response.status == .serviceUnavailable)
                let refusal = try response.json(Refusal.self)
                #expect(refusal.error == "store_failed")
                #expect(refusal.message.contains("until the server restarts"))
                #expect(refusal.message.contains("Input/output error"))
            }
        }
        try await TestHost().test { client in
            try await client.execute(uri: "/healthz", method: .get) { response throws in #expect(response.status == .ok) }
        }
    }

    @Test func metricsCountRequestsByRouteAndStatus() async throws {
        try await TestHost().test { client in
            try await client.execute(uri: "/healthz", method: .get)
            try await client.execute(uri: "/no/such/route", method: .get)
            try await client.execute(uri: "/metrics", method: .get) { response throws in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
                let text = response.text
                #expect(text.contains(#"showrunner_http_requests{method="GET",route="/healthz",status="200"} 1"#))
                #expect(text.contains(#"showrunner_http_requests{method="GET",route="NotFound",status="404"} 1"#))
                #expect(text.contains("showrunner_http_request_duration_bucket"))
            }
        }
    }

    @Test("the WAL's sync times are a histogram from a quarter of a millisecond up, not the default buckets from 5 ms")
    func walSyncDurationsHaveTheirOwnBuckets() async throws {
        let host = try TestHost()
        let timer = Metrics.Timer(label: StoreMetrics.walSyncDurationLabel, factory: host.services.metricsFactory)
        timer.recordNanoseconds(700_000)
        timer.recordNanoseconds(6_000_000)
        try await host.test { client in
            try await client.execute(uri: "/metrics", method: .get) { response throws in
                let text = response.text
                #expect(text.contains(#"showrunner_store_wal_sync_duration_bucket{le="0.00025"} 0"#), "\(text)")
                #expect(text.contains(#"showrunner_store_wal_sync_duration_bucket{le="0.001"} 1"#))
                #expect(text.contains(#"showrunner_store_wal_sync_duration_bucket{le="0.005"} 1"#))
                #expect(text.contains(#"showrunner_store_wal_sync_duration_bucket{le="0.01"} 2"#))
                #expect(text.contains(#"showrunner_store_wal_sync_duration_count 2"#))
            }
        }
    }

    @Test func unknownRouteIsJSON404() async throws {
        try await TestHost().test { client in
            try await client.execute(uri: "/nope", method: .get) { response throws in
                #expect(response.status == .notFound)
                #expect(try response.json(ErrorBody.self).error == "not_found")
            }
            try await client.execute(uri: "/healthz", method: .delete) { response throws in
                #expect(response.status == .notFound)
                #expect(try response.json(ErrorBody.self).error == "not_found")
            }
        }
    }
}
