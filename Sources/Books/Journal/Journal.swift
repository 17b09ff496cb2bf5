import Foundation

/// The append-only log of facts: its limits and its payloads' JSON. Its SQL, in the storage
/// layer (`Journal+SQL.swift`), takes the caller's `Database`, so a fact is written in the same
/// transaction as the state change it records and commits with it.
public enum Journal {
    /// Longest accepted entry type, in bytes.
    public static let typeBytesMax = 64
    /// Largest accepted payload, in bytes of JSON text.
    public static let payloadBytesMax = 64 * 1024
    /// Longest accepted idempotency key, in bytes.
    public static let idempotencyKeyBytesMax = 256
    /// Most entries returned by one `read`.
    public static let readLimitMax = 10_000

    /// A payload as the journal stores it: JSON with sorted keys, slashes not escaped.
    /// - Throws: `JournalError.invalidPayload` when it does not encode.
    public static func payloadJSON(_ payload: some Encodable) throws(JournalError) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return String(decoding: try encoder.encode(payload), as: UTF8.self)
        } catch {
            throw JournalError.invalidPayload(reason: "\(error)")
        }
    }
}
