import Synchronization

/// Where generations are kept with their sources, so any can be rolled back to by hash.
/// Implementations: `MemoryGenerationArchive` (tests, checks) and `StoreGenerationArchive`
/// (the database, in `Storage`). All methods may be called concurrently.
///
/// For implementers: `save` keeps the first record and sources of a hash (a later save of the
/// same hash changes nothing); `recent` answers the newest first by `savedAtMillis`, ties by
/// hash. Every backend runs `GenerationArchiveConformanceTests`.
public protocol GenerationArchive: Sendable {
    /// Saves a generation's sources (idempotent by hash).
    func save(hash: String, files: [ScriptFile], atMillis: Int64) async throws
    /// The sources of a generation, if kept.
    func files(hash: String) async throws -> [ScriptFile]?
    /// The most recent generations, newest first (ties by hash).
    func recent(limit: Int) async throws -> [GenerationRecord]
}

/// A kept generation.
public struct GenerationRecord: Sendable, Codable, Hashable {
    /// Content hash.
    public let hash: String
    /// When it was first saved.
    public let savedAtMillis: Int64
    /// Number of files.
    public let fileCount: Int

    /// - Parameters: hash, savedAtMillis, fileCount: as above.
    public init(hash: String, savedAtMillis: Int64, fileCount: Int) {
        self.hash = hash
        self.savedAtMillis = savedAtMillis
        self.fileCount = fileCount
    }
}

/// An archive in memory.
public final class MemoryGenerationArchive: GenerationArchive {
    private let entries = Mutex<[(GenerationRecord, [ScriptFile])]>([])

    /// An empty archive.
    public init() {}

    public func save(hash: String, files: [ScriptFile], atMillis: Int64) async throws {
        entries.withLock { e in
            if !e.contains(where: { $0.0.hash == hash }) {
                e.append((GenerationRecord(hash: hash, savedAtMillis: atMillis, fileCount: files.count), files))
            }
        }
    }

    public func files(hash: String) async throws -> [ScriptFile]? {
        entries.withLock { e in e.first { $0.0.hash == hash }?.1 }
    }

    public func recent(limit: Int) async throws -> [GenerationRecord] {
        let records = entries.withLock { e in e.map(\.0) }
        return Array(records.sorted { ($1.savedAtMillis, $0.hash) < ($0.savedAtMillis, $1.hash) }.prefix(limit))
    }
}
