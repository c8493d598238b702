import CBLAS
import CKernels
import CSystem

/// Row-major single-precision GEMM through OpenBLAS:
/// C[m x n] = alpha * op(A)[m x k] * op(B)[k x n] + beta * C, with op = transpose when the flag is set.
/// Leading dimensions are those of the stored (untransposed) row-major matrices.
@inline(__always)
func gemm(transposeA: Bool = false, transposeB: Bool = false, m: Int, n: Int, k: Int,
          alpha: Float = 1, _ a: UnsafePointer<Float>, lda: Int? = nil,
          _ b: UnsafePointer<Float>, ldb: Int? = nil,
          beta: Float = 0, _ c: UnsafeMutablePointer<Float>, ldc: Int? = nil) {
    guard m > 0, n > 0 else { return }
    let fewRows = m <= 8 && k >= 8, fewColumns = n <= 16 && k >= 64
    if fewRows || fewColumns, !transposeA, transposeB, lda == nil, ldb == nil, ldc == nil {
        // A few rows times a large matrix (decoding one token, one sentence at a time), or a large matrix times a
        // few rows (a classifier's 10 outputs): OpenBLAS would copy all of the large operand into its packed
        // layout on every call (17 MB for a 17,386-word output layer). The few rows are packed instead and
        // the large operand is read once, in place.
        if !fewRows, alpha == 1, beta == 0 || beta == 1 {
            return n <= narrowDotsColumns ? narrowDots(m: m, n: n, k: k, a, b, accumulating: beta == 1, c)
                : packedProduct(m: m, n: n, k: k, a, b, accumulating: beta == 1, c)
        }
        return dotProducts(m: m, n: n, k: k, alpha: alpha, a, b, beta: beta, c)
    }
    guard k > 0 else {
        // An empty sum: C = beta * C (BLAS would read nothing).
        for i in 0..<(m * (ldc ?? n)) { c[i] = beta == 0 ? 0 : c[i] * beta }
        return
    }
    FLOPCounter.count &+= 2 * m * n * k
    cblas_sgemm(CblasRowMajor,
                transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                Int32(m), Int32(n), Int32(k), alpha,
                a, Int32(lda ?? (transposeA ? m : k)),
                b, Int32(ldb ?? (transposeB ? k : n)),
                beta, c, Int32(ldc ?? n))
}

/// C [m x n] = alpha A B^T + beta C (A [m x k], B [n x k], row-major) as m x n dot products of rows, for a small
/// m or n: the rows of the larger operand are split across threads and each is read once, meeting every row of
/// the smaller one (in cache throughout).
func dotProducts(m: Int, n: Int, k: Int, alpha: Float, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                 beta: Float, _ c: UnsafeMutablePointer<Float>) {
    FLOPCounter.count &+= 2 * m * n * k
    let (large, small) = (max(m, n), min(m, n)), largeIsA = m >= n
    parallelChunks(large, costPerItem: small * k * 2) { rows in
        for l in rows {
            for s in 0..<small {
                let (i, j) = largeIsA ? (l, s) : (s, l)
                let total = zoo_dot(a + i * k, b + j * k, k)
                let out = c + i * n + j
                out.pointee = beta == 0 ? alpha * total : alpha * total + beta * out.pointee
            }
        }
    }
}

/// Most rows of B for `narrowDots`. Measured against `packedProduct` (Results/bench/narrow-product), A [256 x 784] times
/// B^T: 10 rows 42-62 -> 24-42 us with AVX-512, 64 -> 34-41 with AVX2, 2 rows 40-57 -> 11-15; 16 rows (one row of A
/// at a time) 60-65 -> 65-100, so not above 12.
let narrowDotsColumns = 12

/// C [m x n] = A B^T (+ C when `accumulating`) for A [m x k] and at most `narrowDotsColumns` rows of B [n x k], B read
/// in place: A's rows split across threads, n dot products of two rows at a time vectorised along k (`zoo_narrow_dots`).
func narrowDots(m: Int, n: Int, k: Int, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, accumulating: Bool,
                _ c: UnsafeMutablePointer<Float>) {
    FLOPCounter.count &+= 2 * m * n * k
    parallelChunks(m, costPerItem: n * k * 2) { rows in
        zoo_narrow_dots(a + rows.lowerBound * k, rows.count, k, b, n, c + rows.lowerBound * n, accumulating ? 1 : 0)
    }
}

/// Whether a linear layer's x W^T goes through `packedProduct` rather than OpenBLAS, for x [m x k] and W [n x k]: with
/// AVX-512, where x is at most 1 MB (so that it stays in each core's L2 cache across the column blocks; 32 outputs or
/// more), or where W is (x then read in chunks of rows that are, the panels staying in L2 across them; k at least 256,
/// more than 16 outputs, as the language models' 28 characters); x is read in
/// place and only W^T is packed, where OpenBLAS packs both on every call. Against it, in one process:
/// 256 x 784 x 256 (the MLP) 0.44 -> 0.36 ms, LeNet's 256 x 400 x 120 and 256 x 120 x 84 0.14 -> 0.11 and 0.05 ->
/// 0.03 (Results/bench/packed-linear); in row chunks, the language models' output layer 1120 x 256 x 28 0.21 -> 0.15,
/// 1000 x 784 x 256 and 5000 x 400 x 120 6-11% less, but 5000 x 120 x 84 -4..+21% and seq2seq's 1152 x 256 x 17,386
/// (W 17 MB) +2..4% (Results/bench/packed-linear-rows). The backward products gained nothing this way (G^T x 0.43 ->
/// 0.42 ms), so stay OpenBLAS's.
func packedProductSuits(m: Int, n: Int, k: Int) -> Bool {
    guard KernelLevel.isAVX512, m >= 32, k >= 64 else { return false }
    return (m * k <= 1 << 18 && n >= 32) || (n * k <= 1 << 18 && k >= 256 && n > 16)
}

/// C [m x n] = A B^T (+ C when `accumulating`) for A [m x k] and B [n x k], B^T packed in panels of 16 columns that
/// meet A's rows in registers (`zoo_packed_multiply`). One panel (a classifier's outputs): packed once, A's rows split
/// across threads. More: the columns split across threads, each packing its own panels and multiplying every row of
/// A by them, so that no thread waits for another's packing or reads another core's cache; A's rows in chunks of at
/// most 1 MB, each read from L2 for every 64 columns.
func packedProduct(m: Int, n: Int, k: Int, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, accumulating: Bool,
                   _ c: UnsafeMutablePointer<Float>) {
    FLOPCounter.count &+= 2 * m * n * k
    guard n > 16 else {
        let panel = PackedMatrix(b, k: k, n: n, transposed: true)
        return parallelChunks(m, costPerItem: n * k * 2) { rows in
            panel.multiply(a + rows.lowerBound * k, m: rows.count, into: c + rows.lowerBound * n, accumulating: accumulating)
        }
    }
    let panels = (n + 15) / 16
    let (storage, capacity) = BufferPool.shared.allocate(panels * k * 16)
    defer { BufferPool.shared.release(storage, capacity: capacity) }
    let chunkRows = max(1, (1 << 18) / k)  // A's rows in chunks of at most 1 MB, each read once per 64 columns from L2
    parallelChunks(panels, costPerItem: 16 * k * m * 2) { range in
        let first = range.lowerBound * 16, columns = min(n, range.upperBound * 16) - first
        for p in range { zoo_pack_transposed(b, k, p * 16, min(16, n - p * 16), storage + p * k * 16) }
        for row in stride(from: 0, to: m, by: chunkRows) {
            zoo_packed_multiply(a + row * k, min(chunkRows, m - row), k, columns, storage + range.lowerBound * k * 16, c + row * n + first,
                                n, accumulating ? 1 : 0)
        }
    }
}

/// OpenBLAS's own facts and settings.
public enum BLAS {
    /// Multiplies two n x n matrices once (the sgemm reference point for benchmarks).
    public static func multiplySquare(_ a: Tensor, _ b: Tensor, into c: Tensor) {
        let n = a.shape[0]
        gemm(m: n, n: n, k: n, a.data, b.data, c.data)
    }

    /// The build configuration string OpenBLAS reports (version, kernel, threading).
    public static var configuration: String { String(cString: openblas_get_config()) }
    /// Threads OpenBLAS uses for one GEMM.
    public static var threads: Int {
        get { Int(openblas_get_num_threads()) }
        set { openblas_set_num_threads(Int32(newValue)) }
    }
    /// How long OpenBLAS's idle threads spin after a GEMM, as the exponent of OPENBLAS_THREAD_TIMEOUT (2^value
    /// cycles, 4-30; OpenBLAS's default 28); nil where OpenBLAS runs no thread pool of its own.
    public static var threadTimeout: Int? { let value = Int(zoo_openblas_thread_timeout()); return value > 0 ? value : nil }

    /// Cuts OpenBLAS's idle spin to 2^4 cycles unless the user set OPENBLAS_THREAD_TIMEOUT: spinning, its
    /// threads take the cores the engine's own kernels need between GEMMs (LeNet and the LSTM train 1.2x faster
    /// with it cut). Call it first thing in main, before any thread uses OpenBLAS; `zoo` does.
    @discardableResult
    public static func shortenIdleSpin() -> Int? { let value = Int(zoo_shorten_openblas_spin()); return value > 0 ? value : nil }

    /// The core type OpenBLAS runs on this CPU (e.g. "Haswell", "Zen").
    public static var coreName: String { String(cString: openblas_get_corename()) }

    /// The core type OpenBLAS chose and the engine replaced when the program started ("Prescott", its fallback for
    /// a CPU it does not know, on a CPU with AVX2 or AVX-512), or nil: see `zoo_openblas_replaced_core`.
    public static var replacedCore: String? { zoo_openblas_replaced_core().map { String(cString: $0) } }

    /// `coreName`, and the core it replaced if it did: "SkylakeX, not OpenBLAS's fallback Prescott".
    public static var coreDescription: String {
        replacedCore.map { "\(coreName), not OpenBLAS's fallback \($0)" } ?? coreName
    }
}
