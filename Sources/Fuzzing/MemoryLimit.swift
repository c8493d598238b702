import Foundation

/// The memory bound of a worker process.
enum MemoryLimit {
    /// Bounds the process's data segment (RLIMIT_DATA: heap and private anonymous mappings, which Linux
    /// counts since 4.7) to `megabytes`; an allocation beyond it fails, and Swift then traps. 0 sets no bound
    /// (AddressSanitizer's shadow memory counts as data; bound it with ASAN_OPTIONS=hard_rss_limit_mb=N).
    static func apply(megabytes: Int) {
        guard megabytes > 0 else { return }
        var limit = rlimit(rlim_cur: rlim_t(megabytes) << 20, rlim_max: rlim_t(megabytes) << 20)
        if setrlimit(__rlimit_resource_t(RLIMIT_DATA.rawValue), &limit) != 0 {
            FileHandle.standardError.write(Data("zoo-fuzz: setrlimit failed: \(String(cString: strerror(errno)))\n".utf8))
        }
    }

    /// The peak resident set size of this process, in kilobytes.
    static func peakRSSKilobytes() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss
    }
}
