import Testing
@testable import Engine

/// A convolution with its batch norm (and ReLU) folded into the output pass in evaluation gives what the layers give
/// one after another, on every path a convolution can take.
@Suite struct NormalizedConvolutionTests {
    /// (images, channels, out channels, side, kernel, stride, padding): lowered (ResNet's stem, a strided 1x1, a 5x5, 1x1
    /// kernels at stride 1, DenseNet's, whose lowering is a transpose, once over more images than one lowered group holds,
    /// 3x3 on a 2x2 map in a batch too small for the small-map path), implicit 3x3 at stride 1 and 2 (where the CPU has
    /// AVX-512; lowered elsewhere), a map smaller than the kernel in a batch that pays for the small-map path, a window
    /// over the whole map, and the direct path (few weights per filter).
    static let shapes: [(Int, Int, Int, Int, Int, Int, Int)] = [
        (3, 2, 8, 15, 7, 2, 3), (2, 6, 16, 9, 1, 2, 0), (2, 4, 8, 11, 5, 1, 2), (4, 8, 16, 8, 3, 1, 1), (8, 8, 16, 8, 3, 2, 1),
        (3, 5, 8, 2, 3, 1, 1), (16, 5, 8, 1, 3, 1, 1), (3, 6, 10, 1, 1, 1, 0), (2, 3, 6, 10, 3, 1, 1), (2, 6, 8, 5, 1, 1, 0),
        (4, 7, 8, 4, 1, 1, 0), (80, 32, 8, 16, 1, 1, 0),
    ]

    /// A batch norm in evaluation with running statistics, scale and shift far from their initial values.
    static func norm(_ channels: Int, seed: UInt64) -> BatchNorm {
        let norm = BatchNorm2d(channels)
        for (tensor, low, high) in [(norm.weight, -2, 2), (norm.bias, -1, 1), (norm.runningMean, -0.5, 0.5), (norm.runningVariance, 0.2, 3)]
            as [(Tensor, Float, Float)] {
            tensor.data.update(from: randomTensor([channels], seed: seed &+ UInt64(low.bitPattern), low: low, high: high).data,
                               count: channels)
        }
        norm.eval()
        return norm
    }

    /// Each combination of a norm before (with its ReLU) and after (with and without a ReLU), with and without bias.
    @Test(arguments: shapes, [(false, true, false), (false, true, true), (true, false, false), (true, true, true)])
    func foldedEqualsTheLayersInTurn(_ shape: (Int, Int, Int, Int, Int, Int, Int), norms: (Bool, Bool, Bool)) throws {
        let (n, c, o, side, k, stride, padding) = shape, (hasBefore, hasAfter, relu) = norms
        for hasBias in [false, true] {
            // Weights from a generator of the test's own: the process-wide one is shared with the tests running beside it.
            let conv = Random.withGenerator(seed: UInt64(n * 1_000 + side * 10 + k)) {
                Conv2d(c, o, kernel: k, stride: stride, padding: padding, bias: hasBias)
            }
            let before = hasBefore ? Self.norm(c, seed: UInt64(side * 17 + k)) : nil
            let after = hasAfter ? Self.norm(o, seed: UInt64(side * 31 + k)) : nil
            conv.eval()
            let x = randomTensor([n, c, side, side], seed: 7, requiresGrad: false)
            let (folded, inTurn) = withoutGradients {
                #expect(conv.folds(before: before, after: after, input: x))
                let input = before.map { Engine.relu($0(x)) } ?? x
                let y = after.map { $0(conv(input)) } ?? conv(input)
                return (conv(x, preactivatedBy: before, normalizedBy: after, relu: relu), relu ? Engine.relu(y) : y)
            }
            #expect(folded.shape == inTurn.shape)
            let largest = inTurn.scalars.map(abs).max() ?? 0
            let apart = zip(folded.scalars, inTurn.scalars).map { abs($0 - $1) }.max() ?? 0
            #expect(apart <= 1e-5 * max(largest, 1), "\(shape) \(norms) bias \(hasBias): values up to \(largest), apart by \(apart)")
            if relu { #expect(folded.scalars.contains(0) && folded.scalars.allSatisfy { $0 >= 0 }) }
        }
    }

    /// Training, or a pass that records, runs the layers one after another (the norm then uses and updates batch
    /// statistics, and the backward pass needs every output).
    @Test func foldsOnlyInEvaluationWithoutRecording() {
        let conv = Random.withGenerator(seed: 19) { Conv2d(2, 4, kernel: 3, padding: 1) }, norm = BatchNorm2d(4)
        let x = randomTensor([2, 2, 5, 5], requiresGrad: false)
        #expect(!withoutGradients { conv.folds(before: nil, after: norm, input: x) })
        conv.eval(); norm.eval()
        #expect(withoutGradients { conv.folds(before: nil, after: norm, input: x) })
        #expect(!conv.folds(before: nil, after: norm, input: x), "the parameters require gradients: the pass records")
        #expect(!withoutGradients { conv.folds(before: nil, after: BatchNorm2d(5), input: x) }, "the norm has another channel count")
        let y = conv(x, normalizedBy: norm, relu: true)
        #expect(y.requiresGrad)
    }

    /// In a `Sequential`, a convolution, batch norm and ReLU, and a norm, ReLU and 1x1 convolution, in evaluation give
    /// the same as in a pass that records (which does not fold), and a norm that does not follow a convolution is left alone.
    @Test func sequentialFoldsConvolutionNormAndReLU() {
        let model = Random.withGenerator(seed: 17) {
            Sequential(Conv2d(3, 8, kernel: 3, padding: 1), Self.norm(8, seed: 3), ReLU(),
                       Conv2d(8, 8, kernel: 3, stride: 2, padding: 1, bias: false), Self.norm(8, seed: 5),
                       Self.norm(8, seed: 9), ReLU(), Self.norm(8, seed: 13), ReLU(), Conv2d(8, 4, kernel: 1))
        }
        model.eval()
        let x = randomTensor([4, 3, 8, 8], seed: 11, requiresGrad: false)
        let folded = withoutGradients { model(x) }, recorded = model(x)
        #expect(recorded.requiresGrad)
        let apart = zip(folded.scalars, recorded.scalars).map { abs($0 - $1) }.max() ?? 0
        #expect(apart <= 1e-5 * max(recorded.scalars.map(abs).max() ?? 0, 1))
    }
}
