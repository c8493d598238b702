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
    if m <= 8, !transposeA, transposeB, lda == nil, ldb == nil, ldc == nil, k >= 8 {
        // A few rows times a large matrix (decoding one token, one sentence at a time): OpenBLAS would
        // copy all of B into its packed layout on every call (17 MB for a 17,386-word output layer).
        return fewRowsTimesTransposed(m: m, n: n, k: k, alpha: alpha, a, b, beta: beta, c)
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

/// C [m x n] = alpha A [m x k] B^T + beta C for B [n x k] row-major and a small m: B is read once, row by
/// row, each row's m dot products taken while it is in cache; the rows of B are split across threads.
func fewRowsTimesTransposed(m: Int, n: Int, k: Int, alpha: Float, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                            beta: Float, _ c: UnsafeMutablePointer<Float>) {
    FLOPCounter.count &+= 2 * m * n * k
    parallelChunks(n, costPerItem: m * k * 2) { columns in
        for j in columns {
            let row = b + j * k
            for r in 0..<m {
                let total = zoo_dot(a + r * k, row, k)
                let out = c + r * n + j
                out.pointee = beta == 0 ? alpha * total : alpha * total + beta * out.pointee
            }
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
    /// How long OpenBLAS's idle threads spin, as OPENBLAS_THREAD_TIMEOUT (2^value cycles) as OpenBLAS read it:
    /// the user's setting, or the 4 the engine sets when the program starts (`zoo_system.h`); nil
    /// where OpenBLAS cannot say.
    public static var threadTimeout: Int? { let value = Int(zoo_openblas_thread_timeout()); return value > 0 ? value : nil }
    /// The core type OpenBLAS picked for this CPU (e.g. "Haswell", "Zen").
    public static var coreName: String { String(cString: openblas_get_corename()) }
}
