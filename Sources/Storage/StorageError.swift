import EngineCore

/// Failures of the storage layer itself, as opposed to errors thrown by a caller's operation
/// (those reach the caller unchanged).
public enum StorageError: ShowrunnerError, Equatable {
    /// The database file could not be opened or configured.
    case openFailed(path: String, reason: String)
    /// A named migration failed; the database is left at the previous migration.
    case migrationFailed(reason: String)
    /// `BEGIN IMMEDIATE` or `COMMIT` failed: no operation of the batch was committed.
    case commitFailed(reason: String)
    /// A stored row is not what the schema promises (a projection naming a missing row, say).
    case corrupt(reason: String)

    /// Stable machine code.
    public var code: String {
        switch self {
        case .openFailed: "storage_open_failed"
        case .migrationFailed: "storage_migration_failed"
        case .commitFailed: "storage_commit_failed"
        case .corrupt: "storage_corrupt"
        }
    }

    /// Storage failures are the server's problem, never the caller's.
    public var kind: ErrorKind {
        switch self {
        case .openFailed, .migrationFailed, .corrupt: .internalFailure
        case .commitFailed: .unavailable
        }
    }

    /// A sentence for people.
    public var message: String {
        switch self {
        case .openFailed(let path, let reason): "cannot open database at \(path): \(reason)"
        case .migrationFailed(let reason): "database migration failed: \(reason)"
        case .commitFailed(let reason): "transaction did not commit: \(reason)"
        case .corrupt(let reason): "stored data is inconsistent: \(reason)"
        }
    }
}
