import Testing
@testable import Engine

/// Convolutions that read one input, run as one convolution with all their filters, give what each gives alone:
/// outputs and the gradients of the input, every weight and every bias.
@Suite struct SharedInputConvolutionTests {
    /// (kernel, padding, relu): GoogLeNet's 1x1 reductions, and a 3x3 with padding.
    @Test(arguments: [(1, 0, true), (1, 0, false), (3, 1, true)])
    func togetherEqualsOneByOne(_ shape: (Int, Int, Bool)) {
        let (kernel, padding, relu) = shape
        let convs = [Conv2d(6, 8, kernel: kernel, padding: padding), Conv2d(6, 5, kernel: kernel, padding: padding),
                     Conv2d(6, 3, kernel: kernel, padding: padding)]
        let x = randomTensor([3, 6, 7, 5], seed: 17, requiresGrad: true)
        let together = Conv2d.applied(convs, to: x, relu: relu)
        let alone = convs.map { $0(x, relu: relu) }
        #expect(together.map(\.shape) == alone.map(\.shape))
        for (a, b) in zip(together, alone) { #expect(maximumDifference(a, b) <= 1e-5 * largest(b)) }

        let seeds = alone.enumerated().map { randomTensor($0.element.shape, seed: 40 + UInt64($0.offset), requiresGrad: false) }
        let parameters = [x] + convs.flatMap { [$0.weight, $0.bias!] }
        let gradients = [together, alone].map { outputs in
            parameters.forEach { $0.grad = nil }
            zip(outputs, seeds).map { ($0 * $1).sum() }.reduce(Tensor(0)) { $0 + $1 }.backward()
            return parameters.map { $0.grad! }
        }
        for (index, (a, b)) in zip(gradients[0], gradients[1]).enumerated() {
            #expect(maximumDifference(a, b) <= 1e-5 * largest(b), "gradient \(index) (0: the input, then weight and bias per convolution)")
        }
    }

    /// Convolutions of different kernels run one by one (the same results as alone).
    @Test func differentKernelsRunOneByOne() {
        let convs = [Conv2d(4, 6, kernel: 1), Conv2d(4, 6, kernel: 3, padding: 1)]
        let x = randomTensor([2, 4, 5, 5], seed: 3, requiresGrad: false)
        let (together, alone) = withoutGradients { (Conv2d.applied(convs, to: x, relu: true), convs.map { $0(x, relu: true) }) }
        for (a, b) in zip(together, alone) { #expect(maximumDifference(a, b) == 0) }
    }

    func maximumDifference(_ a: Tensor, _ b: Tensor) -> Float { zip(a.scalars, b.scalars).map { abs($0 - $1) }.max() ?? 0 }
    func largest(_ t: Tensor) -> Float { max(t.scalars.map(abs).max() ?? 0, 1) }
}
