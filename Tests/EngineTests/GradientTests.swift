import Testing
@testable import Engine

/// Every differentiable operation against central finite differences.
@Suite struct GradientTests {
    @Test func broadcastingArithmetic() {
        let a = randomTensor([2, 3, 4], seed: 1), b = randomTensor([3, 1], seed: 2)
        let positive = randomTensor([4], seed: 3, low: 0.5, high: 2)
        expectGradientsMatch([a, b]) { $0[0] + $0[1] }
        expectGradientsMatch([a, b]) { $0[0] - $0[1] }
        expectGradientsMatch([a, b]) { $0[0] * $0[1] }
        expectGradientsMatch([a, positive]) { $0[0] / $0[1] }
        expectGradientsMatch([a]) { -$0[0] * 3 + 1 }
    }

    @Test func unaryFunctions() {
        let x = randomTensor([3, 5], seed: 4, low: -2, high: 2)
        let positive = randomTensor([3, 5], seed: 5, low: 0.5, high: 3)
        let awayFromZero = Tensor(shape: [6], scalars: [-1.5, -0.7, -0.2, 0.3, 0.9, 1.4])
        awayFromZero.requiresGrad = true
        expectGradientsMatch([awayFromZero]) { relu($0[0]) }
        expectGradientsMatch([x]) { sigmoid($0[0]) }
        expectGradientsMatch([x]) { tanh($0[0]) }
        expectGradientsMatch([x]) { exp($0[0]) }
        expectGradientsMatch([positive]) { log($0[0]) }
    }

    @Test func reductions() {
        let x = randomTensor([2, 3, 4], seed: 6)
        expectGradientsMatch([x]) { $0[0].sum() }
        expectGradientsMatch([x]) { $0[0].mean() }
        for axis in [0, 1, 2, -1] {
            expectGradientsMatch([x]) { $0[0].sum(axis: axis) }
            expectGradientsMatch([x]) { $0[0].mean(axis: axis, keepingDimension: true) }
            expectGradientsMatch([distinct([2, 3, 4])]) { $0[0].max(axis: axis) }
        }
    }

    @Test func shapesAndProducts() {
        let a = randomTensor([3, 4], seed: 7), b = randomTensor([4, 5], seed: 8)
        expectGradientsMatch([a]) { $0[0].reshaped([2, 6]) }
        expectGradientsMatch([a]) { $0[0].transposed() }
        expectGradientsMatch([a, b]) { matmul($0[0], $0[1]) }
        let x = randomTensor([3, 4], seed: 9), w = randomTensor([2, 4], seed: 10), bias = randomTensor([2], seed: 11)
        expectGradientsMatch([x, w, bias]) { linear($0[0], weight: $0[1], bias: $0[2]) }
        expectGradientsMatch([x, w]) { linear($0[0], weight: $0[1], bias: nil) }
    }

    @Test func convolutionWiderThanItsInput() {
        // A 5x5 kernel with padding 2 on a 1x1 image (GoogLeNet's last blocks on small inputs): most
        // kernel columns see only padding.
        let x = randomTensor([2, 3, 1, 1], seed: 22), w = randomTensor([2, 3, 5, 5], seed: 23)
        expectGradientsMatch([x, w]) { conv2d($0[0], weight: $0[1], bias: nil, padding: 2) }
    }

    /// Padding as wide as the kernel or wider (a 1x1 kernel with padding 1 or 2: PyTorch takes it): a border of bias
    /// alone, and the input's gradient where the direct path's full convolution would need a negative padding.
    @Test(arguments: [1, 2])
    func paddingWiderThanTheKernel(padding: Int) {
        let x = randomTensor([2, 3, 4, 5], seed: 32), w = randomTensor([4, 3, 1, 1], seed: 33), bias = randomTensor([4], seed: 34)
        let y = conv2d(x, weight: w, bias: bias, padding: padding)
        #expect(y.shape == [2, 4, 4 + 2 * padding, 5 + 2 * padding])
        #expect(y.data[0] == bias.data[0])
        expectGradientsMatch([x, w, bias]) { conv2d($0[0], weight: $0[1], bias: $0[2], padding: padding) }
    }

    /// Lowered (20 filters, or stride 2) and direct (4 filters, stride 1: `DirectConvolution` with the input's gradient).
    @Test(arguments: [(1, 0), (1, 1), (2, 1), (2, 2)], [4, 20])
    func convolution(stride: (Int, Int), filters: Int) {
        let (stride, padding) = stride
        let x = randomTensor([2, 3, 6, 5], seed: 12), w = randomTensor([filters, 3, 3, 3], seed: 13)
        let bias = randomTensor([filters], seed: 14)
        expectGradientsMatch([x, w, bias]) { conv2d($0[0], weight: $0[1], bias: $0[2], stride: stride, padding: padding) }
    }

    /// A first layer (input without gradient, small patch) takes the direct path; it must agree with
    /// the lowered path and have the right weight and bias gradients.
    @Test(arguments: [(1, 0), (2, 1), (2, 2)])
    func directConvolution(channels: Int, padding: Int) {
        let x = randomTensor([3, channels, 9, 11], seed: 19, requiresGrad: false)
        let w = randomTensor([5, channels, 3, 3], seed: 20), bias = randomTensor([5], seed: 21)
        #expect(DirectConvolution.applies(ConvGeometry(batch: 3, channels: channels, height: 9, width: 11, kernelHeight: 3, kernelWidth: 3,
                                                       stride: 1, padding: padding), outChannels: 5, inputGradient: false))
        let direct = conv2d(x, weight: w, bias: bias, padding: padding)
        let g = ConvGeometry(batch: 3, channels: channels, height: 9, width: 11, kernelHeight: 3, kernelWidth: 3, stride: 1, padding: padding)
        let lowered = loweredConv2d(x, weight: w, bias: bias, g)
        #expect(direct.shape == lowered.shape)
        for (a, b) in zip(direct.scalars, lowered.scalars) { #expect(abs(a - b) < 1e-5) }
        expectGradientsMatch([w, bias]) { conv2d(x, weight: $0[0], bias: $0[1], padding: padding) }
        let pointwise = ConvGeometry(batch: 3, channels: channels, height: 9, width: 11, kernelHeight: 1, kernelWidth: 1, stride: 1, padding: 0)
        #expect(!DirectConvolution.applies(pointwise, outChannels: 5, inputGradient: false), "a 1x1 convolution is a GEMM")
    }

    /// A layer like LeNet's second (6 -> 16 channels, 5x5; here on 8x8 maps, to keep the finite differences few) takes
    /// the direct path in training: the same output as the lowered path, and all three gradients match finite
    /// differences, without padding (LeNet-BN) and with padding 2.
    @Test(arguments: [0, 2])
    func directConvolutionWithTheInputsGradient(padding: Int) {
        let x = randomTensor([1, 6, 8, 8], seed: 29), w = randomTensor([16, 6, 5, 5], seed: 30, low: -0.2, high: 0.2)
        let bias = randomTensor([16], seed: 31)
        let g = ConvGeometry(batch: 1, channels: 6, height: 8, width: 8, kernelHeight: 5, kernelWidth: 5, stride: 1, padding: padding)
        #expect(DirectConvolution.applies(g, outChannels: 16, inputGradient: true))
        let direct = conv2d(x, weight: w, bias: bias, padding: padding), lowered = loweredConv2d(x, weight: w, bias: bias, g)
        #expect(zip(direct.scalars, lowered.scalars).allSatisfy { abs($0 - $1) < 1e-5 })
        expectGradientsMatch([x, w, bias]) { conv2d($0[0], weight: $0[1], bias: $0[2], padding: padding) }
    }

    /// A window that covers the whole input once is a fully connected layer (a 2x3 kernel on a 2x3 map), and a map no
    /// larger than the kernel can be one GEMM without the padding's products (ResNet's last stages at 28x28: 3x3 with
    /// padding 1 on 1x1 and 2x2 maps, 3x3 stride 2 on a 2x2 map; 3x3 on a 3x3 map at strides 1 and 2, 5x5 with padding 2
    /// on 3x3, 3x3 on a 1x3 map): `conv2d` (whichever path it takes at these batches) and `smallMapConv2d` itself give the
    /// lowered path's output, and gradients that match finite differences, with and without a bias and with an input
    /// that needs no gradient.
    @Test(arguments: [([3, 5, 1, 1], 3, 3, 1, 1), ([2, 4, 2, 2], 3, 3, 2, 1), ([2, 3, 2, 3], 2, 3, 1, 0), ([2, 3, 2, 2], 3, 3, 1, 1),
                      ([2, 2, 3, 3], 3, 3, 1, 1), ([2, 2, 3, 3], 3, 3, 2, 1), ([1, 2, 3, 3], 5, 5, 1, 2), ([2, 3, 1, 3], 3, 3, 1, 1)])
    func smallMapsAndWholeWindowsAreOneGEMM(_ shape: [Int], _ kernelHeight: Int, _ kernelWidth: Int, _ stride: Int, _ padding: Int) {
        let x = randomTensor(shape, seed: 41), w = randomTensor([6, shape[1], kernelHeight, kernelWidth], seed: 42)
        let bias = randomTensor([6], seed: 43)
        let g = ConvGeometry(batch: shape[0], channels: shape[1], height: shape[2], width: shape[3], kernelHeight: kernelHeight,
                             kernelWidth: kernelWidth, stride: stride, padding: padding)
        let paths: [(Tensor, Tensor, Tensor?) -> Tensor] = [
            { conv2d($0, weight: $1, bias: $2, stride: stride, padding: padding) },
            { smallMapConv2d($0, weight: $1, bias: $2, g) }]
        for convolve in paths {
            for b in [bias, nil] {
                let y = convolve(x, w, b), lowered = loweredConv2d(x, weight: w, bias: b, g)
                #expect(y.shape == [shape[0], 6, g.outHeight, g.outWidth] && lowered.shape == y.shape)
                #expect(zip(y.scalars, lowered.scalars).allSatisfy { abs($0 - $1) < 1e-5 })
            }
            expectGradientsMatch([x, w, bias]) { convolve($0[0], $0[1], $0[2]) }
            expectGradientsMatch([x, w]) { convolve($0[0], $0[1], nil) }
            let constant = randomTensor(shape, seed: 44, requiresGrad: false)
            expectGradientsMatch([w, bias]) { convolve(constant, $0[0], $0[1]) }
        }
    }

    /// The small-map path is taken where it pays against the lowered path in one-process timings
    /// (Results/bench/small-maps/by-batch): a 3x3 kernel on a 1x1 map from batch 16, 5x5 on a 3x3 map from 64, 3x3 on a 2x2 map
    /// (stride 1 or 2) from 128; never 3x3 on a 3x3 map, whose E holds every product the lowered path makes.
    @Test func smallMapPathWhereItPays() {
        func takes(_ side: Int, kernel: Int, stride: Int = 1, batch: Int) -> Bool {
            SmallMapConvolution.applies(ConvGeometry(batch: batch, channels: 64, height: side, width: side, kernelHeight: kernel,
                                                     kernelWidth: kernel, stride: stride, padding: kernel / 2))
        }
        #expect(!takes(1, kernel: 3, batch: 8) && takes(1, kernel: 3, batch: 16))
        #expect(!takes(3, kernel: 5, batch: 32) && takes(3, kernel: 5, batch: 64))
        #expect(!takes(2, kernel: 3, batch: 64) && takes(2, kernel: 3, batch: 128))
        #expect(!takes(2, kernel: 3, stride: 2, batch: 64) && takes(2, kernel: 3, stride: 2, batch: 128))
        #expect(!takes(3, kernel: 3, batch: 256) && !takes(3, kernel: 3, batch: 4096))
        #expect(!takes(4, kernel: 3, batch: 4096))
    }

    @Test(arguments: [(2, 2, 0), (3, 2, 1), (3, 1, 1), (2, 1, 0), (2, 2, 1)])
    func pooling(kernel: Int, stride: Int, padding: Int) {
        let x = distinct([2, 2, 7, 6])  // an odd height leaves a row that no 2x2/2 window reads
        expectGradientsMatch([x]) { maxPool2d($0[0], kernel: kernel, stride: stride, padding: padding) }
        expectGradientsMatch([x]) { avgPool2d($0[0], kernel: kernel, stride: stride, padding: padding) }
    }

    @Test func lossesAndSoftmax() {
        let logits = randomTensor([4, 5], seed: 16, low: -3, high: 3)
        expectGradientsMatch([logits]) { logSoftmax($0[0]) }
        expectGradientsMatch([logits]) { crossEntropy(logits: $0[0], targets: [0, 4, 2, 2]) }
        // Masked (d2l's sequence loss): the mean over the rows kept, zero gradient for the others.
        let mask = [true, false, true, false]
        expectGradientsMatch([logits]) { crossEntropy(logits: $0[0], targets: [0, 4, 2, 2], mask: mask) }
        let kept = Tensor(shape: [2, logits.shape[1]], scalars: Array(logits.scalars[0..<5]) + Array(logits.scalars[10..<15]))
        #expect(crossEntropy(logits: logits, targets: [0, 4, 2, 2], mask: mask).item == crossEntropy(logits: kept, targets: [0, 2]).item)
        logits.grad = nil
        crossEntropy(logits: logits, targets: [0, 4, 2, 2], mask: mask).backward()
        #expect(logits.grad!.scalars[5..<10].allSatisfy { $0 == 0 } && logits.grad!.scalars[15..<20].allSatisfy { $0 == 0 })
        let target = randomTensor([4, 5], seed: 17, requiresGrad: false)
        expectGradientsMatch([logits]) { mseLoss($0[0], target) }
    }

    @Test func sharedInputsAccumulate() {
        // x is used twice: d(x*x + x)/dx = 2x + 1.
        let x = randomTensor([5], seed: 18)
        expectGradientsMatch([x]) { $0[0] * $0[0] + $0[0] }
        x.grad = nil
        (x * x + x).sum().backward()
        let expected = x.scalars.map { 2 * $0 + 1 }
        for (g, e) in zip(x.grad!.scalars, expected) { #expect(abs(g - e) < 1e-5) }
    }
}

/// Distinct values 0.1 apart in shuffled order, so no maximum has a near-tie that a finite-difference
/// step could flip.
func distinct(_ shape: [Int]) -> Tensor {
    var generator = RandomGenerator(seed: 15)
    let values = (0..<shape.reduce(1, *)).map { Float($0) * 0.1 }.shuffled(using: &generator)
    let x = Tensor(shape: shape, scalars: values)
    x.requiresGrad = true
    return x
}

/// The pieces of attention against finite differences.
@Suite struct AttentionGradientTests {
    @Test func maskedSoftmaxIgnoresPaddedPositions() {
        let x = randomTensor([3, 5], seed: 21, low: -2, high: 2)
        let y = maskedSoftmax(x, validLengths: [5, 2, 0])
        let rows = (0..<3).map { Array(y.scalars[($0 * 5)..<($0 * 5 + 5)]) }
        #expect(abs(rows[0].reduce(0, +) - 1) < 1e-6 && abs(rows[1].reduce(0, +) - 1) < 1e-6)
        #expect(rows[1][2...].allSatisfy { $0 == 0 } && rows[2].allSatisfy { $0 == 0 })
        expectGradientsMatch([x]) { maskedSoftmax($0[0], validLengths: [5, 2, 3]) }
    }

    @Test func weightedSumsAndAxisSwaps() {
        let weights = randomTensor([2, 3], seed: 22), values = randomTensor([2, 3, 4], seed: 23)
        expectGradientsMatch([weights, values]) { weightedSum($0[0], $0[1]) }
        let y = weightedSum(weights, values).scalars, w = weights.scalars, v = values.scalars
        for b in 0..<2 {
            for f in 0..<4 {
                var expected: Float = 0
                for t in 0..<3 { expected += w[b * 3 + t] * v[b * 12 + t * 4 + f] }
                #expect(abs(y[b * 4 + f] - expected) < 1e-6)
            }
        }
        expectGradientsMatch([values]) { $0[0].swappingFirstAxes() }
        #expect(values.swappingFirstAxes().swappingFirstAxes().scalars == values.scalars)
        #expect(values.swappingFirstAxes().slice(axis: 0, from: 1, count: 1).scalars == values.slice(axis: 1, from: 1, count: 1).scalars)
    }

    @Test func additiveAttentionMatchesFiniteDifferences() {
        let attention = Random.withGenerator(seed: 4) { AdditiveAttention(keySize: 3, querySize: 2, hidden: 4) }
        let query = randomTensor([2, 2], seed: 24), keys = randomTensor([2, 5, 3], seed: 25), values = randomTensor([2, 5, 6], seed: 26)
        expectGradientsMatch([query, keys, values] + attention.parameters) {
            attention(query: $0[0], keys: $0[1], values: $0[2], validLengths: [5, 3])
        }
    }
}
