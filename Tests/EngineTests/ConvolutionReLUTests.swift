import Testing
@testable import Engine

/// A convolution with its ReLU applied as the output is written, in a pass that records, gives the values and the
/// gradients (input, weights, bias) of the two layers in turn, on every path a convolution can take.
@Suite struct ConvolutionReLUTests {
    /// `NormalizedConvolutionTests.shapes` (every path) and a 5x5 kernel over more images than one lowered group holds.
    static let shapes = NormalizedConvolutionTests.shapes + [(40, 16, 8, 20, 5, 1, 2)]

    @Test(arguments: shapes)
    func fusedEqualsConvolutionThenReLU(_ shape: (Int, Int, Int, Int, Int, Int, Int)) {
        let (n, c, o, side, k, stride, padding) = shape
        for hasBias in [false, true] {
            let conv = Conv2d(c, o, kernel: k, stride: stride, padding: padding, bias: hasBias)
            let x = randomTensor([n, c, side, side], seed: 5, requiresGrad: true)
            let fused = conv(x, relu: true), inTurn = relu(conv(x))
            let paths = "\(shape) bias \(hasBias)"
            #expect(fused.shape == inTurn.shape)
            #expect(maximumDifference(fused, inTurn) <= 1e-6 * largest(inTurn), "\(paths)")
            #expect(fused.scalars.contains(0) && fused.scalars.contains { $0 > 0 }, "\(paths): the ReLU has work to do")

            let seed = randomTensor(fused.shape, seed: 9, requiresGrad: false)
            let parameters = [x, conv.weight] + (conv.bias.map { [$0] } ?? [])
            let gradients = [fused, inTurn].map { y in
                parameters.forEach { $0.grad = nil }
                y.backward(seed)
                return parameters.map { $0.grad! }
            }
            for (name, (a, b)) in zip(["input", "weight", "bias"], zip(gradients[0], gradients[1])) {
                #expect(maximumDifference(a, b) <= 1e-5 * largest(b), "\(paths): \(name) gradient")
            }
        }
    }

    /// On the lowered and implicit paths the ReLU is part of the convolution's own operation (one node on the tape);
    /// elsewhere a ReLU of its own follows.
    @Test func loweredConvolutionRecordsOneOperation() {
        let conv = Conv2d(8, 16, kernel: 5, padding: 2)
        let y = conv(randomTensor([2, 8, 9, 9], requiresGrad: false), relu: true)
        #expect(y.node.map { "\($0.operation)" } == "conv2d(_:weight:bias:stride:padding:)")
    }

    /// In a `Sequential` that records, convolution and ReLU go as one and give the gradients of the layers in turn.
    @Test func sequentialFusesConvolutionAndReLUInTraining() {
        let model = Sequential(Conv2d(2, 8, kernel: 3, padding: 1), ReLU(), Conv2d(8, 4, kernel: 5, stride: 2, padding: 2), ReLU())
        let layers = model.layers.compactMap { $0 as? Conv2d }
        let x = randomTensor([3, 2, 10, 10], seed: 21, requiresGrad: false)
        let fused = model(x), inTurn = relu(layers[1](relu(layers[0](x))))
        #expect(fused.node.map { "\($0.operation)" } == "conv2d(_:weight:bias:stride:padding:)")
        #expect(maximumDifference(fused, inTurn) <= 1e-6 * largest(inTurn))
        let gradients = [fused, inTurn].map { y in
            model.parameters.forEach { $0.grad = nil }
            y.sum().backward()
            return model.parameters.map { $0.grad! }
        }
        for (a, b) in zip(gradients[0], gradients[1]) { #expect(maximumDifference(a, b) <= 1e-5 * largest(b)) }
    }

    func maximumDifference(_ a: Tensor, _ b: Tensor) -> Float { zip(a.scalars, b.scalars).map { abs($0 - $1) }.max() ?? 0 }
    func largest(_ t: Tensor) -> Float { max(t.scalars.map(abs).max() ?? 0, 1) }
}
