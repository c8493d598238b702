// The per-product A/B of Results/bench/packed-linear-rows/README.md (how to run it is there).
import Foundation
import Testing
@testable import Engine

func medianMs(_ runs: inout [Double]) -> Double { runs.sort(); return runs[runs.count / 2] * 1e3 }

@Test func outputLayerTiming() {
    for (m, n, k) in [(1120, 28, 256), (1000, 256, 784), (5000, 120, 400), (5000, 84, 120), (2048, 768, 256)] {
        let x = randomTensor([m, k], seed: 1, requiresGrad: false), w = randomTensor([n, k], seed: 2, requiresGrad: false)
        let c = UnsafeMutablePointer<Float>.allocate(capacity: m * n), d = UnsafeMutablePointer<Float>.allocate(capacity: m * n)
        gemm(transposeB: true, m: m, n: n, k: k, x.data, w.data, c)
        packedProduct(m: m, n: n, k: k, x.data, w.data, accumulating: false, d)
        var worst: Float = 0
        for i in 0..<(m * n) { worst = max(worst, abs(c[i] - d[i])) }
        var blas = [Double](), packed = [Double](), ratios = [Double]()
        let calls = max(2, Int(2e9 / Double(2 * m * n * k)))
        for _ in 0..<10 {
            var b = [Double](), p = [Double]()
            for _ in 0..<calls { let t = Date(); gemm(transposeB: true, m: m, n: n, k: k, x.data, w.data, c); b.append(Date().timeIntervalSince(t)) }
            for _ in 0..<calls { let t = Date(); packedProduct(m: m, n: n, k: k, x.data, w.data, accumulating: false, d); p.append(Date().timeIntervalSince(t)) }
            ratios.append(medianMs(&p) / medianMs(&b)); blas += b; packed += p
        }
        ratios.sort()
        print("x W^T \(m)x\(k)x\(n)", String(format: "OpenBLAS %.3f ms | packed %.3f ms | packed/OpenBLAS per block median %.3f (%.3f..%.3f) | largest difference %g",
                                              medianMs(&blas), medianMs(&packed), ratios[5], ratios[0], ratios[9], worst))
    }
}
