import Engine
import Foundation

/// The process's resident memory as Linux reports it (`/proc/self/status`): what `zoo bench` measures a
/// model's memory with. Elsewhere every figure is nil.
enum ResidentMemory {
    /// Resident bytes now (VmRSS).
    static func current() -> Int? { statusField("VmRSS") }

    /// The most resident bytes since the process started or since `resetPeak()` (VmHWM).
    static func peak() -> Int? { statusField("VmHWM") }

    /// Starts a new peak from the current resident size (Linux 4.0 and later); false where that is refused.
    @discardableResult
    static func resetPeak() -> Bool {
        guard let handle = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return false }
        defer { try? handle.close() }
        return (try? handle.write(contentsOf: Data("5".utf8))) != nil
    }

    /// A "Name:   1234 kB" line of /proc/self/status, in bytes.
    private static func statusField(_ name: String) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") }) else { return nil }
        let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
        return fields.count >= 2 ? Int(fields[1]).map { $0 * 1024 } : nil
    }
}

/// Measures the peak resident memory that what follows its creation adds to the process: created, it
/// releases the engine's cached buffers, notes the resident size and starts a new peak.
struct PeakMemoryMeter {
    private let baseline: Int?
    private let started: Bool

    init() {
        releaseCachedTensorMemory()
        baseline = ResidentMemory.current()
        started = ResidentMemory.resetPeak()
    }

    /// The peak resident bytes above the starting size so far; nil where Linux's figures are missing.
    var growth: Int? {
        guard started, let baseline, let peak = ResidentMemory.peak() else { return nil }
        return max(0, peak - baseline)
    }
}
