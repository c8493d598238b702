import CMPI
import Foundation
import Harness

/// `Collective` over MPI's world communicator (Open MPI): the processes `mpirun` started. MPI is called from
/// the main thread only.
public final class MPICollective: Collective, @unchecked Sendable {
    public let rank: Int, size: Int
    /// MPI counts are 32-bit: larger buffers go in parts of this many elements.
    private static let largestCount = 1 << 30

    /// Initializes MPI (once per process) and joins the world communicator.
    public init() {
        var initialized: Int32 = 0
        MPI_Initialized(&initialized)
        // Only the main thread calls MPI, but others (the engine's, OpenBLAS's) exist.
        var provided: Int32 = 0
        if initialized == 0 { MPI_Init_thread(nil, nil, Int32(MPI_THREAD_FUNNELED), &provided) }
        var rank: Int32 = 0, size: Int32 = 0
        MPI_Comm_rank(zoo_mpi_world(), &rank)
        MPI_Comm_size(zoo_mpi_world(), &size)
        (self.rank, self.size) = (Int(rank), Int(size))
    }

    public private(set) var gradientSums: (seconds: Double, count: Int)? = (0, 0)

    public func sum(_ values: UnsafeMutableBufferPointer<Float>) {
        let start = MPI_Wtime()
        inParts(values.count) { MPI_Allreduce(zoo_mpi_in_place(), values.baseAddress! + $0, $1, zoo_mpi_float(), zoo_mpi_sum(), zoo_mpi_world()) }
        gradientSums = (gradientSums!.seconds + MPI_Wtime() - start, gradientSums!.count + 1)
    }

    public func sum(_ values: inout [Double]) {
        let count = Int32(values.count)
        values.withUnsafeMutableBufferPointer { _ = MPI_Allreduce(zoo_mpi_in_place(), $0.baseAddress, count, zoo_mpi_double(), zoo_mpi_sum(), zoo_mpi_world()) }
    }

    public func broadcast(_ values: UnsafeMutableBufferPointer<Float>) {
        inParts(values.count) { MPI_Bcast(values.baseAddress! + $0, $1, zoo_mpi_float(), 0, zoo_mpi_world()) }
    }

    public func broadcast(_ bytes: [UInt8]) -> [UInt8] {
        var count = [Double(bytes.count)]
        MPI_Bcast(&count, 1, zoo_mpi_double(), 0, zoo_mpi_world())
        var received = rank == 0 ? bytes : [UInt8](repeating: 0, count: Int(count[0]))
        received.withUnsafeMutableBufferPointer { buffer in
            inParts(buffer.count) { MPI_Bcast(buffer.baseAddress! + $0, $1, zoo_mpi_byte(), 0, zoo_mpi_world()) }
        }
        return received
    }

    public func gather(_ text: String) -> [String] {
        let mine = Array(text.utf8)
        var counts = [Int32](repeating: 0, count: size)
        var count = Int32(mine.count)
        MPI_Allgather(&count, 1, zoo_mpi_int(), &counts, 1, zoo_mpi_int(), zoo_mpi_world())
        let offsets = counts.reduce(into: [Int32(0)]) { $0.append($0.last! + $1) }
        var all = [UInt8](repeating: 0, count: Int(offsets.last!))
        mine.withUnsafeBufferPointer { mine in
            _ = MPI_Allgatherv(mine.baseAddress, count, zoo_mpi_byte(), &all, counts, offsets, zoo_mpi_byte(), zoo_mpi_world())
        }
        return (0..<size).map { String(decoding: all[Int(offsets[$0])..<Int(offsets[$0 + 1])], as: UTF8.self) }
    }

    /// Ends every process of the job with `code` (for an error only this process met).
    public func abort(code: Int32) -> Never {
        fflush(stdout)
        MPI_Abort(zoo_mpi_world(), code)
        exit(code)
    }

    /// Processes of the job on this host (sharing its memory).
    public var processesOnThisHost: Int {
        var host: MPI_Comm? = nil
        MPI_Comm_split_type(zoo_mpi_world(), Int32(MPI_COMM_TYPE_SHARED), Int32(rank), zoo_mpi_info_null(), &host)
        var size: Int32 = 1
        MPI_Comm_size(host, &size)
        MPI_Comm_free(&host)
        return Int(size)
    }

    /// Leaves MPI (every process, at a normal end).
    public func finish() { MPI_Finalize() }

    private func inParts(_ count: Int, _ call: (_ offset: Int, _ count: Int32) -> Int32) {
        var offset = 0
        repeat {
            let part = min(Self.largestCount, count - offset)
            _ = call(offset, Int32(part))
            offset += part
        } while offset < count
    }
}
