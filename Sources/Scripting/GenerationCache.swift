import Synchronization

/// Something derived from a generation's declarations (parsed activities, tasks...), computed
/// once per generation and recomputed when a reload replaces it.
///
/// Consumers ask for it once per journal fact and handler, so `value(for:)` is public and
/// inlinable, and each caller's module specializes it for its type: called unspecialized, it
/// looks up the generic types of its lock and its tuple at run time on every call (about 1% of
/// a gift's server CPU, 2.4% of the `liveops` drain). It was `package` and `@inlinable` before,
/// and every caller in the release binary still called the generic entry point (its
/// disassembly, 2026-12-07): across modules, the compiler specializes a public inlinable
/// generic, not a `package` one (`@_alwaysEmitIntoClient` on the `package` one did not either).
public final class GenerationCache<Value: Sendable>: Sendable {
    @usableFromInline let state = Mutex<(hash: String, value: Value)?>(nil)
    @usableFromInline let make: @Sendable (ScriptGeneration) -> Value

    /// - Parameter make: derives the value from a generation.
    public init(_ make: @escaping @Sendable (ScriptGeneration) -> Value) { self.make = make }

    /// The value for `generation`.
    @inlinable
    public func value(for generation: ScriptGeneration) -> Value {
        if let hit = state.withLock({ $0 }), hit.hash == generation.hash { return hit.value }
        let value = make(generation)
        state.withLock { $0 = (generation.hash, value) }
        return value
    }
}

/// An optional time window (`starts_at`, `ends_at` of a declaration), in ms since the epoch.
public struct ScheduleWindow: Sendable, Hashable {
    public let startsAt: Int64?
    public let endsAt: Int64?

    /// The window of a declaration's `starts_at` / `ends_at` fields.
    package init(_ data: LuaTable) {
        startsAt = data.fields["starts_at"]?.string.flatMap(Timestamps.millis)
        endsAt = data.fields["ends_at"]?.string.flatMap(Timestamps.millis)
    }

    /// Whether `millis` is inside (start inclusive, end exclusive; an absent bound is open).
    public func contains(_ millis: Int64) -> Bool {
        if let s = startsAt, millis < s { return false }
        if let e = endsAt, millis >= e { return false }
        return true
    }
}
