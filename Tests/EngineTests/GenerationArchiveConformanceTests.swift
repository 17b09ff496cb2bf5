import EngineTesting
@testable import Scripting
@testable import Storage
import Testing
@testable import Engine

/// What every `GenerationArchive` backend must do (see the protocol's doc comment): the memory
/// archive and the database's.
@Suite("GenerationArchive conformance")
struct GenerationArchiveConformanceTests {
    static let backends: [StoreBackend<any GenerationArchive>] = [
        StoreBackend(description: "memory") { _ in (MemoryGenerationArchive(), { _ in [] }) },
        .sqlite { StoreGenerationArchive(store: $0) },
    ]

    @Test(arguments: backends)
    func savesOncePerHashAndListsNewestFirst(_ backend: StoreBackend<any GenerationArchive>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (archive, _) = try backend.open(tmp)
            let one = [ScriptFile(path: "activities/a.lua", text: "return 1"), ScriptFile(path: "lib/x.lua", text: "-- é\n")]
            try await archive.save(hash: "h2", files: one, atMillis: 100)
            // Saving a hash again keeps the first record and sources.
            try await archive.save(hash: "h2", files: [], atMillis: 500)
            try await archive.save(hash: "h3", files: [one[0]], atMillis: 200)
            // Two saved in the same millisecond: ties go by hash.
            try await archive.save(hash: "h1", files: [], atMillis: 300)
            try await archive.save(hash: "h9", files: [], atMillis: 300)
            try await archive.save(hash: "h0", files: [], atMillis: 50)
            #expect(try await archive.files(hash: "h2") == one)
            #expect(try await archive.files(hash: "h9") == [])
            #expect(try await archive.files(hash: "nope") == nil)
            #expect(try await archive.recent(limit: 10) == [
                GenerationRecord(hash: "h1", savedAtMillis: 300, fileCount: 0),
                GenerationRecord(hash: "h9", savedAtMillis: 300, fileCount: 0),
                GenerationRecord(hash: "h3", savedAtMillis: 200, fileCount: 1),
                GenerationRecord(hash: "h2", savedAtMillis: 100, fileCount: 2),
                GenerationRecord(hash: "h0", savedAtMillis: 50, fileCount: 0),
            ])
            #expect(try await archive.recent(limit: 2).map(\.hash) == ["h1", "h9"])
        }
    }
}
