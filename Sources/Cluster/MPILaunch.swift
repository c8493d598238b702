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
    /// reach standard error), and the engine's and OpenBLAS's threads set to this host's cores divided among
    /// its processes, unless the user set them (ZOO_THREADS, OPENBLAS_NUM_THREADS, OMP_NUM_THREADS).
    public static func join() -> MPICollective {
        let collective = MPICollective()
        if collective.rank != 0 {
            let null = open("/dev/null", O_WRONLY)
            if null >= 0 { fflush(stdout); dup2(null, STDOUT_FILENO); close(null) }
        }
        let local = environment["OMPI_COMM_WORLD_LOCAL_SIZE"].flatMap(Int.init) ?? 1
        let threads = max(1, ProcessInfo.processInfo.activeProcessorCount / max(1, local))
        if environment["ZOO_THREADS"] == nil { Parallelism.threads = threads }
        if environment["OPENBLAS_NUM_THREADS"] == nil && environment["OMP_NUM_THREADS"] == nil { BLAS.threads = threads }
        return collective
    }
}
