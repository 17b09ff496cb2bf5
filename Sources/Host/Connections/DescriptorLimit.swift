#if canImport(Glibc)
    import Glibc
#endif

/// The process's open-file limit, which bounds how many connections it can hold.
enum DescriptorLimit {
    /// Raises the soft `RLIMIT_NOFILE` to the hard one (as far as the system allows) and returns
    /// the soft limit in force afterwards.
    static func raiseToHard() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = min(limit.rlim_max, 1 << 20)
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        return limit.rlim_cur >= rlim_t(Int.max) ? Int.max : Int(limit.rlim_cur)
    }
}
