import Engine
import Foundation

/// Where a run happened: enough to judge whether two records are comparable.
public struct MachineInfo: Codable, Sendable {
    public var hostname: String
    public var cpu: String
    public var cores: Int
    public var memoryGiB: Double
    public var blas: String
    public var blasThreads: Int
    /// OPENBLAS_THREAD_TIMEOUT in force (absent from older records, and where OpenBLAS could not take it).
    public var blasThreadTimeout: Int?
    public var engineThreads: Int
    /// The instruction set of the engine's C kernels (absent from records made before they were chosen at run time).
    public var engineKernels: String?
    public var operatingSystem: String

    /// This machine, now.
    public static func current() -> MachineInfo {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model = cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }?
            .split(separator: ":", maxSplits: 1).last?.trimmingCharacters(in: .whitespaces) ?? "unknown"
        return MachineInfo(
            hostname: ProcessInfo.processInfo.hostName, cpu: model,
            cores: ProcessInfo.processInfo.activeProcessorCount,
            memoryGiB: (Double(ProcessInfo.processInfo.physicalMemory) / Double(1 << 30) * 10).rounded() / 10,
            blas: "OpenBLAS \(BLAS.configuration) (\(BLAS.coreDescription))", blasThreads: BLAS.threads, blasThreadTimeout: BLAS.threadTimeout,
            engineThreads: Parallelism.threads, engineKernels: KernelLevel.current,
            operatingSystem: ProcessInfo.processInfo.operatingSystemVersionString)
    }
}

/// The git commit of the working directory's repository, with "+dirty" when it has uncommitted
/// changes outside `Results/` (records and plots that runs rewrite are outputs, not the code that made
/// them); nil outside a repository.
func gitCommit() -> String? {
    func git(_ arguments: [String]) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
    guard let commit = git(["rev-parse", "HEAD"]) else { return nil }
    let dirty = !(git(["status", "--porcelain", "--untracked-files=no", "--", ":(top,exclude)Results"]) ?? "").isEmpty
    return commit + (dirty ? "+dirty" : "")
}
