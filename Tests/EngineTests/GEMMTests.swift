import Testing
@testable import Engine

/// `gemm`'s own paths (dot products where A has few rows, the packed narrow product where B has few) and
/// OpenBLAS's give A B^T as defined, with alpha and beta, at sizes that take each path and its edges.
@Test(arguments: [(3, 50, 20), (8, 40, 8), (40, 10, 100), (40, 16, 64), (40, 10, 63), (40, 17, 100), (9, 9, 70), (257, 1, 784)])
func aTimesBTransposedMatchesItsDefinition(m: Int, n: Int, k: Int) {
    var generator = RandomGenerator(seed: UInt64(m * 1000 + n * 10 + k))
    let a = (0..<(m * k)).map { _ in generator.nextUniform() - 0.5 }, b = (0..<(n * k)).map { _ in generator.nextUniform() - 0.5 }
    let start = (0..<(m * n)).map { _ in generator.nextUniform() }
    for (alpha, beta) in [(Float(1), Float(0)), (1, 1), (2, 1), (0.5, -3)] {
        var c = start
        gemm(transposeB: true, m: m, n: n, k: k, alpha: alpha, a, b, beta: beta, &c)
        for i in 0..<m {
            for j in 0..<n {
                let dot = (0..<k).reduce(0.0) { $0 + Double(a[i * k + $1]) * Double(b[j * k + $1]) }
                let expected = Double(alpha) * dot + Double(beta) * Double(start[i * n + j])
                #expect(abs(Double(c[i * n + j]) - expected) < 1e-4 * max(1, abs(expected)), "(\(m), \(n), \(k)) at (\(i), \(j))")
            }
        }
    }
}

/// A linear layer with its forward product on the packed route (`packedProduct`, taken with AVX-512) and beside it,
/// against its definition: y = x W^T + b with and without a bias, and the gradients of sum(y * r), dx = r W and
/// dW = r^T x. Sizes that fill no panel or block of rows, the MLP's 256 x 784 x 256, x in two chunks of rows (300 x 1000,
/// and the language models' output layer 1100 x 256 x 28), and ones off the route.
@Test(arguments: [(33, 37, 64), (64, 48, 100), (41, 100, 130), (256, 256, 784), (31, 40, 64), (300, 40, 1000), (64, 96, 70),
                  (1100, 28, 256), (2200, 40, 130)])
func linearMatchesItsDefinition(m: Int, n: Int, k: Int) {
    let onRoute = m >= 32 && k >= 64 && ((m * k <= 1 << 18 && n >= 32) || (n * k <= 1 << 18 && k >= 256 && n > 16))
    #expect(packedProductSuits(m: m, n: n, k: k) == (KernelLevel.isAVX512 && onRoute))
    #expect(onRoute == ![(31, 40, 64), (2200, 40, 130)].contains { $0 == (m, n, k) })
    let x = randomTensor([m, k], seed: 41), weight = randomTensor([n, k], seed: 42), bias = randomTensor([n], seed: 43)
    let r = randomTensor([m, n], seed: 44, requiresGrad: false)
    for withBias in [true, false] {
        x.grad = nil
        weight.grad = nil
        let y = linear(x, weight: weight, bias: withBias ? bias : nil)
        (y * r).sum().backward()
        var worst = (y: 0.0, dx: 0.0, dw: 0.0)
        for i in 0..<m {
            for j in 0..<n {
                let dot = (0..<k).reduce(0.0) { $0 + Double(x.data[i * k + $1]) * Double(weight.data[j * k + $1]) }
                worst.y = max(worst.y, abs(Double(y.data[i * n + j]) - dot - (withBias ? Double(bias.data[j]) : 0)))
            }
            for p in 0..<k {
                let dx = (0..<n).reduce(0.0) { $0 + Double(r.data[i * n + $1]) * Double(weight.data[$1 * k + p]) }
                worst.dx = max(worst.dx, abs(Double(x.grad!.data[i * k + p]) - dx))
            }
        }
        for j in 0..<n {
            for p in 0..<k {
                let dw = (0..<m).reduce(0.0) { $0 + Double(r.data[$1 * n + j]) * Double(x.data[$1 * k + p]) }
                worst.dw = max(worst.dw, abs(Double(weight.grad!.data[j * k + p]) - dw))
            }
        }
        #expect(worst.y < 1e-4 && worst.dx < 1e-4 && worst.dw < 1e-4, "(\(m), \(n), \(k)) bias \(withBias): off by \(worst)")
    }
}
