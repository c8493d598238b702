import Datasets
import Engine
import Foundation
import Harness

/// Whether an MPI launcher (Open MPI's `mpirun`, or a scheduler through PMIx) started this process, and
/// the setup of a data-parallel run.
public enum MPILaunch {
    private static var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// Whether the launcher's environment is there.
    public static var isLaunched: Bool { environment["OMPI_COMM_WORLD_SIZE"] != nil || environment["PMIX_RANK"] != nil }

    /// Joins the job: MPI initialized, this process's output silenced unless it is process 0 (errors still
    /// reach standard error), image folders decoded into memory only if every process on the host has room for
    /// its copy, and the engine's and OpenBLAS's threads set to this host's cores divided among its processes (at
    /// most the cores mpirun bound it to, at most 8), unless the user set them (ZOO_THREADS, OPENBLAS_NUM_THREADS,
    /// OMP_NUM_THREADS).
    public static func join() -> MPICollective {
        let collective = MPICollective()
        if collective.rank != 0 {
            let null = open("/dev/null", O_WRONLY)
            if null >= 0 { fflush(stdout); dup2(null, STDOUT_FILENO); close(null) }
        }
        let cores = ProcessInfo.processInfo.activeProcessorCount, neighbours = collective.processesOnThisHost
        let threads = max(1, min(8, boundCores ?? cores, cores / neighbours))
        ImageFolder.processesSharingMemory = neighbours
        if environment["ZOO_THREADS"] == nil { Parallelism.threads = threads }
        if environment["OPENBLAS_NUM_THREADS"] == nil && environment["OMP_NUM_THREADS"] == nil { BLAS.threads = threads }
        return collective
    }

    /// The cores this process may run on (mpirun binds each process to some), from /proc/self/status's
    /// Cpus_allowed mask, if the system says.
    static var boundCores: Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed:") }) else { return nil }
        let bits = line.dropFirst("Cpus_allowed:".count).compactMap { $0.hexDigitValue?.nonzeroBitCount }.reduce(0, +)
        return bits > 0 ? bits : nil
    }
}
