import CKernels
import Foundation

/// A matrix B [k x n] laid out once for many products A B with a small A: the recurrent layers multiply
/// the same W_hh by a [batch x hidden] state at every time step, and OpenBLAS packs W_hh again on every
/// call (1 MB at hidden 256), which at batch 32 held it to 85 GFLOP/s on two cores here.
///
/// B is stored in panels of 16 columns (zero-padded at the right edge): panel p holds, for each of the k
/// rows, the 16 values B[row, 16p ..< 16p + 16] one after another, so the kernel streams each panel once
/// per block of six (or four) rows of A while that block of C stays in vector registers.
final class PackedMatrix {
    let k: Int, n: Int
    let panels: Int
    /// The panels, as `zoo_packed_multiply` reads them.
    let storage: UnsafeMutablePointer<Float>
    private let capacity: Int

    /// Packs `source`, read as B [k x n] (row-major), or, with `transposed`, as B = S^T for S [n x k].
    init(_ source: UnsafePointer<Float>, k: Int, n: Int, transposed: Bool) {
        self.k = k
        self.n = n
        panels = (n + 15) / 16
        (storage, capacity) = BufferPool.shared.allocate(panels * k * 16)
        parallelChunks(panels, costPerItem: k * 16) { panels in
            for p in panels {
                let panel = self.storage + p * k * 16, first = p * 16, width = min(16, n - first)
                if transposed {  // column j of B is row j of the source
                    zoo_pack_transposed(source, k, first, width, panel)
                } else {
                    if width < 16 { panel.initialize(repeating: 0, count: k * 16) }
                    for row in 0..<k { (panel + row * 16).update(from: source + row * n + first, count: width) }
                }
            }
        }
    }

    deinit { BufferPool.shared.release(storage, capacity: capacity) }

    /// C [m x n] = A [m x k] B, or C += A B when `accumulating`, on the calling thread (A and C
    /// row-major), by the kernels for this CPU's vectors (`zoo_packed_multiply`). Callers split rows across
    /// their threads, and count the FLOPs (`FLOPCounter`) outside their parallel regions.
    func multiply(_ a: UnsafePointer<Float>, m: Int, into c: UnsafeMutablePointer<Float>, accumulating: Bool = false) {
        zoo_packed_multiply(a, m, k, n, storage, c, n, accumulating ? 1 : 0)
    }
}
