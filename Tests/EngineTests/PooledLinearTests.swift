import Testing
@testable import Engine

/// `pooledLinear` (the pool folded into the weight) against pooling, flattening and `linear` in turn.
@Suite struct PooledLinearTests {
    /// (images, channels, height, width, pooled height, pooled width, outputs): maps smaller than the pooled one (1x1
    /// copied into 7x7 as VGG's at 32 px, 2x2, 3x5 into overlapping windows, 1x1 into 2x3) and maps that are not (7x7,
    /// 9x8), which take the unfolded path.
    static let shapes: [(Int, Int, Int, Int, Int, Int, Int)] = [
        (3, 2, 1, 1, 7, 7, 5), (2, 3, 2, 2, 7, 7, 4), (2, 2, 3, 5, 7, 7, 3), (4, 3, 1, 1, 2, 3, 6), (2, 2, 7, 7, 7, 7, 3),
        (1, 2, 9, 8, 7, 7, 2),
    ]

    /// The output and the gradients of x, the weight and the bias for `f` and the projection `probe` of its output.
    static func run(_ x: Tensor, _ weight: Tensor, _ bias: Tensor, probe: Tensor,
                    _ f: (Tensor, Tensor, Tensor) -> Tensor) -> [[Float]] {
        [x, weight, bias].forEach { $0.grad = nil }
        let y = f(x, weight, bias)
        (y * probe).sum().backward()
        return [y.scalars, x.grad!.scalars, weight.grad!.scalars, bias.grad!.scalars]
    }

    @Test(arguments: shapes) func matchesPoolingThenLinear(shape: (Int, Int, Int, Int, Int, Int, Int)) {
        let (n, c, h, w, oh, ow, out) = shape
        let x = randomTensor([n, c, h, w], seed: 3), weight = randomTensor([out, c * oh * ow], seed: 4)
        let bias = randomTensor([out], seed: 5), probe = randomTensor([n, out], seed: 6, requiresGrad: false)
        let folded = Self.run(x, weight, bias, probe: probe) { pooledLinear($0, pooledTo: (oh, ow), weight: $1, bias: $2) }
        let inTurn = Self.run(x, weight, bias, probe: probe) {
            linear(adaptiveAvgPool2d($0, outputSize: (oh, ow)).flattened(), weight: $1, bias: $2)
        }
        for (name, (a, b)) in zip(["output", "dx", "dw", "db"], zip(folded, inTurn)) {
            let error = zip(a, b).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
            #expect(a.count == b.count && error < 1e-5, "\(name) of \(shape): largest relative difference \(error)")
        }
    }

    @Test func gradientsMatchFiniteDifferences() {
        let x = randomTensor([2, 2, 2, 2], seed: 7), weight = randomTensor([3, 2 * 9], seed: 8), bias = randomTensor([3], seed: 9)
        expectGradientsMatch([x, weight, bias]) { pooledLinear($0[0], pooledTo: (3, 3), weight: $0[1], bias: $0[2]) }
    }

    /// A training pass counts the definition's FLOPs, as the layers in turn do, whichever products it makes. (Tests run
    /// in parallel and may add to the counter meanwhile, never take from it: the least of a few passes is the count.)
    @Test func countsTheDefinitionsFLOPs() {
        let x = randomTensor([4, 3, 1, 1], seed: 10), weight = randomTensor([5, 3 * 49], seed: 11), bias = randomTensor([5], seed: 12)
        func flops(_ f: () -> Tensor) -> Int {
            (0..<5).map { _ in
                let before = FLOPCounter.count
                f().sum().backward()
                return FLOPCounter.count - before
            }.min()!
        }
        let folded = flops { pooledLinear(x, pooledTo: (7, 7), weight: weight, bias: bias) }
        let inTurn = flops { linear(adaptiveAvgPool2d(x, outputSize: (7, 7)).flattened(), weight: weight, bias: bias) }
        #expect(folded == 3 * 2 * 4 * 5 * 3 * 49 && folded == inTurn)
    }
}
