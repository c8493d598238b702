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
    private let storage: UnsafeMutablePointer<Float>

    /// Packs `source`, read as B [k x n] (row-major), or, with `transposed`, as B = S^T for S [n x k].
    init(_ source: UnsafePointer<Float>, k: Int, n: Int, transposed: Bool) {
        self.k = k
        self.n = n
        panels = (n + 15) / 16
        storage = BufferPool.shared.allocate(panels * k * 16)
        parallelChunks(panels, costPerItem: k * 16) { panels in
            for p in panels {
                let panel = self.storage + p * k * 16
                for row in 0..<k {
                    for column in 0..<16 {
                        let j = p * 16 + column
                        panel[row * 16 + column] = j < n ? (transposed ? source[j * k + row] : source[row * n + j]) : 0
                    }
                }
            }
        }
    }

    deinit { BufferPool.shared.release(storage, count: panels * k * 16) }

    /// C [m x n] = A [m x k] B, or C += A B when `accumulating`, on the calling thread (A and C
    /// row-major). Callers split rows across their threads, and count the FLOPs (`FLOPCounter`) outside
    /// their parallel regions.
    func multiply(_ a: UnsafePointer<Float>, m: Int, into c: UnsafeMutablePointer<Float>, accumulating: Bool = false) {
        for p in 0..<panels {
            let panel = storage + p * k * 16
            let columns = min(16, n - p * 16)
            var row = 0
            // Six rows at a time, then four, then one: the block's size is a constant in each call.
            while row < m {
                let a = a + row * k, c = c + row * n + p * 16
                switch m - row {
                case 6...: block(rows: 6, a, panel, c, columns: columns, accumulating: accumulating); row += 6
                case 4...: block(rows: 4, a, panel, c, columns: columns, accumulating: accumulating); row += 4
                default: block(rows: 1, a, panel, c, columns: columns, accumulating: accumulating); row += 1
                }
            }
        }
    }

    /// `rows` (1, 4 or 6) rows of C by one panel, two vectors of accumulators per row. Always inlined with
    /// a constant `rows`, so the tests on it vanish and the unused accumulators with them. Six rows keep
    /// twelve sums in flight, more than an FMA's latency needs (1.06x four rows' speed on one core here).
    @inline(__always)
    private func block(rows: Int, _ a: UnsafePointer<Float>, _ panel: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
                       columns: Int, accumulating: Bool) {
        var c00 = Vector(), c01 = Vector(), c10 = Vector(), c11 = Vector()
        var c20 = Vector(), c21 = Vector(), c30 = Vector(), c31 = Vector()
        var c40 = Vector(), c41 = Vector(), c50 = Vector(), c51 = Vector()
        for p in 0..<k {
            let b0 = loadVector(panel + p * 16), b1 = loadVector(panel + p * 16 + 8)
            var x = Vector(repeating: a[p])
            c00 = multiplyAdd(x, b0, c00); c01 = multiplyAdd(x, b1, c01)
            if rows >= 4 {
                x = Vector(repeating: a[k + p])
                c10 = multiplyAdd(x, b0, c10); c11 = multiplyAdd(x, b1, c11)
                x = Vector(repeating: a[2 * k + p])
                c20 = multiplyAdd(x, b0, c20); c21 = multiplyAdd(x, b1, c21)
                x = Vector(repeating: a[3 * k + p])
                c30 = multiplyAdd(x, b0, c30); c31 = multiplyAdd(x, b1, c31)
            }
            if rows >= 6 {
                x = Vector(repeating: a[4 * k + p])
                c40 = multiplyAdd(x, b0, c40); c41 = multiplyAdd(x, b1, c41)
                x = Vector(repeating: a[5 * k + p])
                c50 = multiplyAdd(x, b0, c50); c51 = multiplyAdd(x, b1, c51)
            }
        }
        write(c00, c01, to: c, columns: columns, accumulating: accumulating)
        if rows >= 4 {
            write(c10, c11, to: c + n, columns: columns, accumulating: accumulating)
            write(c20, c21, to: c + 2 * n, columns: columns, accumulating: accumulating)
            write(c30, c31, to: c + 3 * n, columns: columns, accumulating: accumulating)
        }
        if rows >= 6 {
            write(c40, c41, to: c + 4 * n, columns: columns, accumulating: accumulating)
            write(c50, c51, to: c + 5 * n, columns: columns, accumulating: accumulating)
        }
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
