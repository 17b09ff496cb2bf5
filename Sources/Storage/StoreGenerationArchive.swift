import Engine
import Foundation
import GRDB
import Scripting

/// Generations kept in the database (`script_generations`), so a rollback by hash works after
/// a restart and the sources of whatever ran are on record.
public struct StoreGenerationArchive: GenerationArchive {
    let store: Store

    /// - Parameter store: the database.
    public init(store: Store) { self.store = store }

    public func save(hash: String, files: [ScriptFile], atMillis: Int64) async throws {
        let json = String(decoding: try JSONEncoder().encode(files), as: UTF8.self)
        try await store.write { db in
            try db.execute(
                sql: """
                    INSERT INTO script_generations (hash, saved_at, file_count, files) VALUES (?, ?, ?, ?)
                    ON CONFLICT(hash) DO NOTHING
                    """,
                arguments: [hash, atMillis, files.count, json])
        }
    }

    public func files(hash: String) async throws -> [ScriptFile]? {
        let json = try await store.read { db in
            try String.fetchOne(db, sql: "SELECT files FROM script_generations WHERE hash = ?", arguments: [hash])
        }
        guard let json else { return nil }
        return try JSONDecoder().decode([ScriptFile].self, from: Data(json.utf8))
    }

    public func recent(limit: Int) async throws -> [GenerationRecord] {
        try await store.read { db in
            try Row.fetchAll(
                db, sql: "SELECT hash, saved_at, file_count FROM script_generations ORDER BY saved_at DESC, hash LIMIT ?",
                arguments: [limit]
            ).map { GenerationRecord(hash: $0["hash"], savedAtMillis: $0["saved_at"], fileCount: $0["file_count"]) }
        }
    }
}
