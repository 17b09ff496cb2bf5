/// A write transaction with the journal alone, for a fact that records nothing else (a tick).
/// The SQLite `Store` implements it.
public protocol JournalWriter: Sendable {
    /// Runs `body` in a write transaction with the journal; its result after the commit.
    func journalWrite<T: Sendable>(_ body: @escaping @Sendable (any JournalTransaction) throws -> T) async throws -> T
}
