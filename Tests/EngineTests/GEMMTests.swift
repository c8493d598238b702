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
