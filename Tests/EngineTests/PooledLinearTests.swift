import Testing
@testable import Engine

/// `pooledLinear` (the pool folded into the weight) against pooling, flattening and `linear` in turn.
@Suite struct PooledLinearTests {
    /// (images, channels, height, width, pooled height, pooled width, outputs, folds): maps smaller than the pooled one
    /// in batches that pay for the fold (1x1 copied into 7x7 as VGG's at 32 px, 2x2, 3x5 into overlapping windows, 1x1
    /// into 2x3), and ones that take the unfolded path: a 2x2 map in a batch too small to pay, 7x7 and 9x8 maps.
    static let shapes: [(Int, Int, Int, Int, Int, Int, Int, Bool)] = [
        (3, 2, 1, 1, 7, 7, 5, true), (6, 3, 2, 2, 7, 7, 4, true), (24, 2, 3, 5, 7, 7, 3, true), (4, 3, 1, 1, 2, 3, 6, true),
        (2, 3, 2, 2, 7, 7, 4, false), (2, 2, 7, 7, 7, 7, 3, false), (1, 2, 9, 8, 7, 7, 2, false),
    ]

    /// The output and the gradients of x, the weight and the bias for `f` and the projection `probe` of its output.
    static func run(_ x: Tensor, _ weight: Tensor, _ bias: Tensor, probe: Tensor,
                    _ f: (Tensor, Tensor, Tensor) -> Tensor) -> [[Float]] {
        [x, weight, bias].forEach { $0.grad = nil }
        let y = f(x, weight, bias)
        (y * probe).sum().backward()
        return [y.scalars, x.grad!.scalars, weight.grad!.scalars, bias.grad!.scalars]
    }

    @Test(arguments: shapes) func matchesPoolingThenLinear(shape: (Int, Int, Int, Int, Int, Int, Int, Bool)) {
        let (n, c, h, w, oh, ow, out, folds) = shape
        #expect(foldsPooling(images: n, pixels: h * w, cells: oh * ow) == folds)
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
        let x = randomTensor([8, 1, 2, 2], seed: 7), weight = randomTensor([2, 9], seed: 8), bias = randomTensor([2], seed: 9)
        #expect(foldsPooling(images: 8, pixels: 4, cells: 9))
        expectGradientsMatch([x, weight, bias]) { pooledLinear($0[0], pooledTo: (3, 3), weight: $0[1], bias: $0[2]) }
    }

    @Test func recordsNothingWithoutGradients() {
        let x = randomTensor([4, 3, 1, 1], seed: 13), weight = randomTensor([5, 3 * 49], seed: 14)
        let y = withoutGradients { pooledLinear(x, pooledTo: (7, 7), weight: weight, bias: nil) }
        #expect(!y.requiresGrad && y.shape == [4, 5])
    }

    /// A pass counts the definition's FLOPs, as the layers in turn do, whichever gradients it takes (the input's, the
    /// weight's, both) and with or without a bias. The count is the calling thread's, so tests running beside this one
    /// cannot change it.
    @Test(arguments: [(true, true, true), (false, true, true), (true, false, false), (true, true, false)])
    func countsTheDefinitionsFLOPs(inputGradient: Bool, weightGradient: Bool, hasBias: Bool) {
        let x = randomTensor([4, 3, 1, 1], seed: 10, requiresGrad: inputGradient)
        let weight = randomTensor([5, 3 * 49], seed: 11, requiresGrad: weightGradient)
        let bias = hasBias ? randomTensor([5], seed: 12) : nil
        let definition = 2 * 4 * 5 * 3 * 49, expected = definition * (1 + (inputGradient ? 1 : 0) + (weightGradient ? 1 : 0))
        func flops(_ f: () -> Tensor) -> Int {
            let before = FLOPCounter.count
            f().sum().backward()
            return FLOPCounter.count - before
        }
        #expect(flops { pooledLinear(x, pooledTo: (7, 7), weight: weight, bias: bias) } == expected)
        #expect(flops { linear(adaptiveAvgPool2d(x, outputSize: (7, 7)).flattened(), weight: weight, bias: bias) } == expected)
    }
}
