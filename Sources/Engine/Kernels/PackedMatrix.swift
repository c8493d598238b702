import Foundation

/// A matrix B [k x n] laid out once for many products A B with a small A: the recurrent layers multiply
/// the same W_hh by a [batch x hidden] state at every time step, and OpenBLAS packs W_hh again on every
/// call (1 MB at hidden 256), which at batch 32 held it to 85 GFLOP/s on two cores here.
///
/// B is stored in panels of 16 columns (zero-padded at the right edge): panel p holds, for each of the k
/// rows, the 16 values B[row, 16p ..< 16p + 16] one after another, so the kernel streams each panel once
/// per block of four rows of A while the 4 x 16 block of C stays in eight vector registers.
final class PackedMatrix {
    let k: Int, n: Int
    let panels: Int
    private let storage: UnsafeMutablePointer<Float>

    /// Packs `source`, read as B [k x n] (row-major), or, with `transposed`, as B = S^T for S [n x k].
    init(_ source: UnsafePointer<Float>, k: Int, n: Int, transposed: Bool) {
        self.k = k
        self.n = n
        panels = (n + 15) / 16
        storage = BufferPool.shared.allocate(panels * k * 16)
        for p in 0..<panels {
            let panel = storage + p * k * 16
            for row in 0..<k {
                for column in 0..<16 {
                    let j = p * 16 + column
                    panel[row * 16 + column] = j < n ? (transposed ? source[j * k + row] : source[row * n + j]) : 0
                }
            }
        }
    }

    deinit { BufferPool.shared.release(storage, count: panels * k * 16) }

    /// C [m x n] = A [m x k] B, or C += A B when `accumulating`, on the calling thread: A and C row-major
    /// with leading dimensions `lda` and `ldc` (default: packed rows), only the columns of `panels` (16
    /// each; default: all). Callers split rows or panels across their threads, and count the FLOPs
    /// (`FLOPCounter`) outside their parallel regions.
    func multiply(_ a: UnsafePointer<Float>, m: Int, lda: Int? = nil, into c: UnsafeMutablePointer<Float>, ldc: Int? = nil,
                  accumulating: Bool = false, panels: Range<Int>? = nil) {
        let lda = lda ?? k, ldc = ldc ?? n
        for p in panels ?? 0..<self.panels {
            let panel = storage + p * k * 16
            let columns = min(16, n - p * 16)
            var row = 0
            while row + 4 <= m {
                block4(a + row * lda, lda: lda, panel, c + row * ldc + p * 16, ldc: ldc, columns: columns, accumulating: accumulating)
                row += 4
            }
            while row < m {
                block1(a + row * lda, panel, c + row * ldc + p * 16, columns: columns, accumulating: accumulating)
                row += 1
            }
        }
    }

    /// Four rows of C by one panel.
    @inline(__always)
    private func block4(_ a: UnsafePointer<Float>, lda: Int, _ panel: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
                        ldc: Int, columns: Int, accumulating: Bool) {
        var c00 = Vector(), c01 = Vector(), c10 = Vector(), c11 = Vector()
        var c20 = Vector(), c21 = Vector(), c30 = Vector(), c31 = Vector()
        let a0 = a, a1 = a + lda, a2 = a + 2 * lda, a3 = a + 3 * lda
        for p in 0..<k {
            let b0 = loadVector(panel + p * 16), b1 = loadVector(panel + p * 16 + 8)
            var x = Vector(repeating: a0[p])
            c00.addProduct(x, b0); c01.addProduct(x, b1)
            x = Vector(repeating: a1[p])
            c10.addProduct(x, b0); c11.addProduct(x, b1)
            x = Vector(repeating: a2[p])
            c20.addProduct(x, b0); c21.addProduct(x, b1)
            x = Vector(repeating: a3[p])
            c30.addProduct(x, b0); c31.addProduct(x, b1)
        }
        write(c00, c01, to: c, columns: columns, accumulating: accumulating)
        write(c10, c11, to: c + ldc, columns: columns, accumulating: accumulating)
        write(c20, c21, to: c + 2 * ldc, columns: columns, accumulating: accumulating)
        write(c30, c31, to: c + 3 * ldc, columns: columns, accumulating: accumulating)
    }

    /// One row of C by one panel.
    @inline(__always)
    private func block1(_ a: UnsafePointer<Float>, _ panel: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
                        columns: Int, accumulating: Bool) {
        var c0 = Vector(), c1 = Vector()
        for p in 0..<k {
            let x = Vector(repeating: a[p])
            c0.addProduct(x, loadVector(panel + p * 16))
            c1.addProduct(x, loadVector(panel + p * 16 + 8))
        }
        write(c0, c1, to: c, columns: columns, accumulating: accumulating)
    }

    /// Stores (or adds) the first `columns` of the 16 values in two vectors.
    @inline(__always)
    private func write(_ v0: Vector, _ v1: Vector, to c: UnsafeMutablePointer<Float>, columns: Int, accumulating: Bool) {
        if columns == 16 {
            storeVector(accumulating ? loadVector(c) + v0 : v0, c)
            storeVector(accumulating ? loadVector(c + 8) + v1 : v1, c + 8)
            return
        }
        for j in 0..<columns {
            let value = j < 8 ? v0[j] : v1[j - 8]
            c[j] = accumulating ? c[j] + value : value
        }
    }
}
