import Synchronization

/// Something derived from a generation's declarations (parsed activities, tasks...), computed
/// once per generation and recomputed when a reload replaces it.
///
/// Consumers ask for it once per journal fact and handler, so `value(for:)` is inlinable: called
/// from another module without being specialized, it looked up the generic types of its lock
/// and its tuple at run time on every call (about 1% of a gift's server CPU).
package final class GenerationCache<Value: Sendable>: Sendable {
    @usableFromInline let state = Mutex<(hash: String, value: Value)?>(nil)
    @usableFromInline let make: @Sendable (ScriptGeneration) -> Value

    /// - Parameter make: derives the value from a generation.
    package init(_ make: @escaping @Sendable (ScriptGeneration) -> Value) { self.make = make }

    /// The value for `generation`.
    @inlinable
    package func value(for generation: ScriptGeneration) -> Value {
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
