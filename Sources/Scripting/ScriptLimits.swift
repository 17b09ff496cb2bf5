/// Budgets and sizes for scripts. Every one has a name, a default and a typed error past it.
public struct ScriptLimits: Sendable, Equatable {
    /// Lua VM instructions one handler call may run.
    public var callInstructionsMax: Int64 = 10_000_000
    /// Wall-clock time one handler call may take, to within the coarse monotonic clock's tick
    /// (4 ms on Linux at 250 Hz): deadlines are read on it, a cheaper read once a call.
    public var callTimeout: Duration = .milliseconds(200)
    /// Instructions a file may run while it loads.
    public var loadInstructionsMax: Int64 = 50_000_000
    /// Wall-clock time a file may take to load.
    public var loadTimeout: Duration = .seconds(2)
    /// Bytes one VM may hold (all scripts of a generation plus the running call).
    public var vmMemoryBytesMax: Int = 64 << 20
    /// Instructions between two budget checks.
    public var hookInterval: Int32 = 1_000
    /// VMs per generation (default: one per core).
    public var vmCount: Int = ProcessInfoCores.count
    /// How long a call waits for a free VM before failing as overloaded.
    public var vmWaitTimeout: Duration = .milliseconds(500)
    /// Calls that may wait for a VM at once; more fail as overloaded at once.
    public var vmWaitersMax: Int = 10_000
    /// Effects one handler call may ask for.
    public var effectsPerCallMax: Int = 1_000
    /// Bytes of one script file.
    public var fileBytesMax: Int = 512 << 10
    /// Script files in one generation (libraries included).
    public var filesMax: Int = 2_000

    /// The defaults.
    public init() {}
}

/// Cores available to this process.
public enum ProcessInfoCores {
    /// At least 1 (read once: `sysconf` reads files under /sys).
    public static let count: Int = {
        #if canImport(Glibc)
            return max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        #else
            return 2
        #endif
    }()
}

#if canImport(Glibc)
    import Glibc
#endif

extension Duration {
    /// Whole nanoseconds, saturating.
    var nanoseconds: Int64 {
        let (s, a) = components
        let (ns, o) = s.multipliedReportingOverflow(by: 1_000_000_000)
        return o ? .max : ns + a / 1_000_000_000
    }
}
