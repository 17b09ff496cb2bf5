import Engine
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import Host

/// `docs/openapi.yaml` against the router, and `GET /openapi.yaml`.
@Suite struct OpenAPITests {
    @Test func everyRegisteredRouteIsDocumentedAndEveryDocumentedRouteExists() async throws {
        let served = try await ServedRouter()
        defer { served.remove() }
        // The console's HTML pages and assets are not part of the JSON contract.
        let registered = served.operations.subtracting(ConsoleRoutes.pagePaths)
        #expect(served.operations.isSuperset(of: ConsoleRoutes.pagePaths))
        let documented = OpenAPIPaths.read(OpenAPIDocument.text)
        #expect(documented.strayLines == [], "lines under paths: that are neither a path nor one of its keys")
        #expect(registered.count > 40)
        let undocumented = registered.subtracting(documented.operations).sorted()
        let unknown = documented.operations.subtracting(registered).sorted()
        #expect(undocumented == [], "routes of the router missing from docs/openapi.yaml")
        #expect(unknown == [], "routes docs/openapi.yaml names that the router does not have")
    }

    @Test func theEmbeddedCopyIsTheRepositorysDocument() throws {
        let url = repositoryRoot().appendingPathComponent("docs/openapi.yaml")
        let file = try String(contentsOf: url, encoding: .utf8)
        let same = file == OpenAPIDocument.text
        #expect(same, "Sources/Host/Routes/OpenAPIDocument.swift is stale: run `make openapi`")
    }

    @Test func theDocumentIsServed() async throws {
        let host = try TestHost()
        try await host.test { client in
            try await client.execute(uri: "/openapi.yaml", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/yaml; charset=utf-8")
                #expect(response.text == OpenAPIDocument.text)
                #expect(response.text.hasPrefix("openapi: 3.1.0\n"))
            }
        }
    }

    @Test func theReaderFindsPathsAndMethodsOnly() {
        let yaml = """
            openapi: 3.1.0
            paths:
              # a comment
              /a/{id}:
                get:
                  responses:
                    '200': {description: ok}
                parameters: []
                post:
                  summary: x
              '/b':
                delete: {}
            components:
              schemas:
                get:
                  type: object
            """
        let reading = OpenAPIPaths.read(yaml)
        #expect(reading.operations == ["GET /a/{id}", "POST /a/{id}", "DELETE /b"])
        #expect(reading.strayLines == [])
        #expect(OpenAPIPaths.read("paths:\n  x-thing: 1\n").strayLines == ["  x-thing: 1"])
    }
}
