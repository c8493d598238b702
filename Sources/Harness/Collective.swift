import Datasets

/// The processes that train one model together, data-parallel (`mpirun -np N zoo run ...`): each takes
/// its share of every batch, and they add up gradients and results through these collective
/// operations. Every process calls each operation in the same order. (`MPICollective` in the Cluster
/// module is the implementation over MPI.)
public protocol Collective: AnyObject, Sendable {
    /// This process's number, 0 ..< `size`; process 0 prints and writes files.
    var rank: Int { get }
    /// How many processes train together.
    var size: Int { get }
    /// Replaces `values` on every process by their sum over all processes.
    func sum(_ values: UnsafeMutableBufferPointer<Float>)
    /// Replaces `values` on every process by their sum over all processes.
    func sum(_ values: inout [Double])
    /// Replaces `values` on every process by process 0's (the same count on every process).
    func broadcast(_ values: UnsafeMutableBufferPointer<Float>)
    /// Process 0's bytes on every process (the others pass anything; the count comes from process 0).
    func broadcast(_ bytes: [UInt8]) -> [UInt8]
    /// Every process's `text`, by rank, on every process.
    func gather(_ text: String) -> [String]
    /// Time spent in `sum` of floats (the gradients) so far, waiting for the slowest process included, and
    /// how many such sums; nil where not measured.
    var gradientSums: (seconds: Double, count: Int)? { get }
}

extension Collective {
    public var gradientSums: (seconds: Double, count: Int)? { nil }

    /// This process's share of every batch.
    public var share: Share { Share(part: rank, parts: size) }
    /// Whether this is the process that prints and writes files.
    public var isFirst: Bool { rank == 0 }
}
