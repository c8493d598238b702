import ArgumentParser
import Cluster
import Foundation
import Harness

/// `zoo run --distributed`: whether the processes that mpirun started train one model together.
enum DistributedMode: String, ExpressibleByArgument, CaseIterable {
    /// Data-parallel when an MPI launcher started zoo, alone otherwise.
    case auto
    /// Data-parallel, an error when no MPI launcher started zoo.
    case on
    /// Every process a separate run of its own.
    case off

    /// The processes to train with (nil: alone), joined; an error if the batch does not divide among them.
    func join(batchSize: Int) throws -> MPICollective? {
        switch self {
        case .off: return nil
        case .auto where !MPILaunch.isLaunched: return nil
        case .on where !MPILaunch.isLaunched:
            throw ValidationError("--distributed on needs an MPI launcher: start zoo with `mpirun -np N zoo run ...`.")
        default: break
        }
        let collective = MPILaunch.join()
        guard batchSize % collective.size == 0 else {
            let message = "the batch size \(batchSize) does not divide among \(collective.size) processes; "
                + "give a --batch-size that \(collective.size) divides (each process takes an equal share of every batch)"
            if collective.isFirst { FileHandle.standardError.write(Data("error: \(message)\n".utf8)) }
            collective.finish()
            throw ExitCode(64)
        }
        return collective
    }
}

/// `reportingErrors` for a data-parallel run: what every process meets alike (a stop, a loss that is not a
/// number or explodes: they agree on it after each step) is reported by process 0 and ends each process normally; any
/// other error, which may be this process's alone (a file it cannot read), is reported by the process that
/// met it, naming it, and ends the whole job.
@discardableResult
func reportingErrors<T>(under collective: MPICollective?, _ body: () throws -> T) throws -> T {
    guard let collective else { return try reportingErrors(body) }
    do {
        let result = try body()
        collective.finish()
        return result
    } catch {
        switch error {
        case RunError.stopped, TrainingError.nonFiniteLoss, TrainingError.explodingLoss:
            defer { collective.finish() }
            if collective.isFirst { return try reportingErrors { throw error } }
            if case RunError.stopped(let signal, _, _, _) = error { throw ExitCode(128 + signal) }
            throw ExitCode.failure
        default:
            let host = ProcessInfo.processInfo.hostName
            FileHandle.standardError.write(Data("error in process \(collective.rank) of \(collective.size) (on \(host)): \(error)\n".utf8))
            collective.abort(code: 1)
        }
    }
}
