// The per-product A/B of Results/bench/packed-linear/README.md: copy into Tests/EngineTests/, build with
// `swift build -c release -Xswiftc -enable-testing --build-tests`, and run one test at a time (Swift Testing runs the
// tests of a file in parallel) with the d2l runs stopped:
//     OPENBLAS_THREAD_TIMEOUT=4 swift test -c release -Xswiftc -enable-testing --skip-build --filter packedLinearForwardTiming
// (`zoo` shortens OpenBLAS's idle spin the same way at start.) Blocks of 50 calls of each route in turn, 20 times.
import Foundation
import Testing
@testable import Engine

func medianMilliseconds(_ runs: inout [Double]) -> Double { runs.sort(); return runs[runs.count / 2] * 1e3 }

@Test func packedLinearForwardTiming() {
    for (m, n, k) in [(256, 256, 784), (256, 120, 400), (256, 84, 120), (128, 768, 256)] {
        let x = randomTensor([m, k], seed: 1, requiresGrad: false), w = randomTensor([n, k], seed: 2, requiresGrad: false)
        let c = UnsafeMutablePointer<Float>.allocate(capacity: m * n)
        var openBLAS = [Double](), packed = [Double]()
        for _ in 0..<20 {
            for _ in 0..<50 { let t = Date(); gemm(transposeB: true, m: m, n: n, k: k, x.data, w.data, c); openBLAS.append(Date().timeIntervalSince(t)) }
            for _ in 0..<50 { let t = Date(); packedProduct(m: m, n: n, k: k, x.data, w.data, accumulating: false, c); packed.append(Date().timeIntervalSince(t)) }
        }
        print("x W^T \(m)x\(k)x\(n)", String(format: "OpenBLAS median %.3f ms | packed median %.3f ms",
                                              medianMilliseconds(&openBLAS), medianMilliseconds(&packed)))
    }
}

/// The MLP's inference pass, Linear(784, 256) -> ReLU -> Linear(256, 10) on a batch of 256, as the engine runs it
/// (its first product on the packed route) and with that product through OpenBLAS as before (bias rows, then sgemm).
@Test func packedLinearMLPInferenceTiming() {
    let first = Linear(784, 256), second = Linear(256, 10)
    let x = randomTensor([256, 784], seed: 1, requiresGrad: false)
    func throughOpenBLAS() -> Tensor {
        let y = Tensor(uninitialized: [256, 256])
        for row in 0..<256 { (y.data + row * 256).update(from: first.bias!.data, count: 256) }
        gemm(transposeB: true, m: 256, n: 256, k: 784, x.data, first.weight.data, beta: 1, y.data)
        return second(relu(y))
    }
    var packed = [Double](), openBLAS = [Double]()
    for _ in 0..<20 {
        for _ in 0..<50 { let t = Date(); withoutGradients { _ = second(relu(first(x))) }; packed.append(Date().timeIntervalSince(t)) }
        for _ in 0..<50 { let t = Date(); withoutGradients { _ = throughOpenBLAS() }; openBLAS.append(Date().timeIntervalSince(t)) }
    }
    print(String(format: "MLP inference pass: packed median %.3f ms | OpenBLAS median %.3f ms", medianMilliseconds(&packed), medianMilliseconds(&openBLAS)))
}
