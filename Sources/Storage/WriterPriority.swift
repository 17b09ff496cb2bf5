#if canImport(Glibc)
import Engine
import Glibc
#endif

/// The scheduling priority the store's writer runs its batches at: `boost` nice levels above
/// the level its thread had, for as long as it holds a batch, then back to that level.
///
/// The one writer is the store's throughput limit while the machine's cores are shared with
/// the event loops, the consumers and the senders: every time the scheduler hands its core to
/// one of them in the middle of a batch, every caller of that batch waits, and the next batch
/// waits behind it. Raising it only while it works keeps the other threads' share whenever it
/// is idle. (On Linux the nice level is per thread, and a dispatch worker thread's level
/// depends on the queue's quality of service: so the level is read when a batch begins and put
/// back when it ends. Elsewhere this does nothing.)
///
/// Lowering a nice level needs the privilege to (`CAP_SYS_NICE`, or an `RLIMIT_NICE` that
/// allows it): without it the writer runs at the priority it has, `isRaised` is false, and
/// the store says so once at open.
struct WriterPriority: Sendable {
    /// Nice levels above its own the writer runs at; 0 leaves it alone.
    let boost: Int
    /// Whether the raise is permitted (found out once, at open).
    let isRaised: Bool

    /// Finds out whether the calling thread may run `boost` levels higher, by trying it once
    /// and going back.
    init(boost: Int) {
        self.boost = boost
        #if os(Linux)
        guard boost > 0, let level = Self.level() else {
            isRaised = false
            return
        }
        isRaised = Self.set(level - Int32(boost))
        if isRaised { _ = Self.set(level) }
        #else
        isRaised = false
        #endif
    }

    /// Raises the calling thread (the writer, as a batch begins).
    /// - Returns: the level to give back to `leave`, nil when nothing was changed.
    func enter() -> Int32? {
        #if os(Linux)
        guard isRaised, let level = Self.level(), Self.set(level - Int32(boost)) else { return nil }
        return level
        #else
        return nil
        #endif
    }

    /// Puts the calling thread back to `level` (the batch has committed or failed).
    func leave(_ level: Int32?) {
        #if os(Linux)
        if let level { _ = Self.set(level) }
        #endif
    }

    /// The calling thread's nice level now, for tests.
    static func current() -> Int32 {
        level() ?? 0
    }

    #if os(Linux)
    /// The calling thread's nice level; nil if it cannot be read.
    private static func level() -> Int32? {
        errno = 0
        let value = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        return errno == 0 ? value : nil
    }

    /// Sets the calling thread's nice level (clamped to the lowest, -20, by the kernel).
    private static func set(_ level: Int32) -> Bool {
        setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, max(level, -20)) == 0
    }
    #else
    private static func level() -> Int32? { nil }
    #endif
}
