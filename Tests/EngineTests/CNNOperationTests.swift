import Testing
import CKernels
@testable import Engine

/// The operations the larger CNNs need: gradients against finite differences and known values.
@Suite struct CNNOperationTests {
    /// Rows of 1 and 4 values per (image, channel) take the in-place arithmetic, rows of 12 and 20 the vector kernels.
    @Test(arguments: [[4, 3], [3, 2, 2, 2], [3, 2, 3, 4], [2, 3, 4, 5]])
    func batchNormGradientsInBothModes(shape: [Int]) {
        let x = randomTensor(shape, seed: 30, low: -2, high: 2)
        let weight = randomTensor([shape[1]], seed: 31, low: 0.5, high: 1.5), bias = randomTensor([shape[1]], seed: 32)
        for training in [true, false] {
            let mean = randomTensor([shape[1]], seed: 33, requiresGrad: false)
            let variance = randomTensor([shape[1]], seed: 34, low: 0.5, high: 2, requiresGrad: false)
            expectGradientsMatch([x, weight, bias], step: 1e-2, tolerance: 3e-2) {
                batchNorm($0[0], weight: $0[1], bias: $0[2], runningMean: mean.copy(), runningVariance: variance.copy(),
                          training: training)
            }
        }
    }

    /// Training normalizes each channel by the mean and biased variance of its values, computed here in Double by the
    /// definition, for short rows (in place) and long ones (vector kernels), and the running statistics move toward
    /// them (the variance unbiased).
    @Test(arguments: [[6, 5], [4, 3, 2, 2], [4, 3, 1, 1], [3, 4, 5, 7]])
    func batchNormMatchesItsDefinition(shape: [Int]) {
        let x = randomTensor(shape, seed: 36, low: -3, high: 3, requiresGrad: false)
        let weight = randomTensor([shape[1]], seed: 37, requiresGrad: false), bias = randomTensor([shape[1]], seed: 38, requiresGrad: false)
        let (channels, inner) = (shape[1], x.count / (shape[0] * shape[1]))
        let runningMean = Tensor.zeros([channels]), runningVariance = Tensor(shape: [channels], repeating: 1)
        let y = batchNorm(x.copy(), weight: weight, bias: bias, runningMean: runningMean, runningVariance: runningVariance, training: true)
        for c in 0..<channels {
            let indices = (0..<shape[0]).flatMap { n in (0..<inner).map { (n * channels + c) * inner + $0 } }
            let values = indices.map { Double(x.data[$0]) }, m = Double(values.count)
            let mean = values.reduce(0, +) / m, variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / m
            for i in indices {
                let expected = (Double(x.data[i]) - mean) / (variance + 1e-5).squareRoot() * Double(weight.data[c]) + Double(bias.data[c])
                #expect(abs(Double(y.data[i]) - expected) < 1e-4, "channel \(c)")
            }
            #expect(abs(Double(runningMean.data[c]) - 0.1 * mean) < 1e-5)
            #expect(abs(Double(runningVariance.data[c]) - (0.9 + 0.1 * variance * m / (m - 1))) < 1e-4)
        }
    }

    @Test func batchNormNormalizesAndTracksStatistics() {
        // One channel with values 1, 2, 3, 4: mean 2.5, biased variance 1.25, unbiased 5/3.
        let layer = BatchNorm(1)
        let y = layer(Tensor(shape: [4, 1], scalars: [1, 2, 3, 4]))
        let expected = [1, 2, 3, 4].map { (Float($0) - 2.5) / (1.25 + 1e-5).squareRoot() }
        for (a, b) in zip(y.scalars, expected) { #expect(abs(a - b) < 1e-5) }
        #expect(abs(layer.runningMean.item - 0.25) < 1e-6)
        #expect(abs(layer.runningVariance.item - (0.9 + 0.1 * 5 / 3)) < 1e-6)
        #expect(layer.batchesTracked.item == 1)
        layer.eval()
        let evaluated = layer(Tensor(shape: [1, 1], scalars: [0.25]))
        #expect(abs(evaluated.item) < 1e-6)  // (0.25 - running mean 0.25) / ...
        #expect(layer.batchesTracked.item == 1)
        #expect(layer.stateDictionary().map(\.0) == ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"])
        #expect(layer.namedParameters().map(\.0) == ["weight", "bias"])
    }

    @Test func dropoutWithAFixedMask() {
        let x = randomTensor([3, 4], seed: 35)
        let mask = Tensor(shape: [3, 4], scalars: [0, 2, 2, 0, 2, 2, 2, 0, 0, 2, 2, 2])
        expectGradientsMatch([x]) { dropout($0[0], mask: mask) }
        var generator = RandomGenerator(seed: 1)
        let ones = Tensor(shape: [10_000], repeating: 1)
        let dropped = dropout(ones, probability: 0.3, using: &generator).scalars
        let kept = dropped.filter { $0 != 0 }
        #expect(abs(Float(kept.count) / 10_000 - 0.7) < 0.02)
        #expect(kept.allSatisfy { abs($0 - 1 / 0.7) < 1e-6 })
        let layer = Dropout(0.5)
        layer.eval()
        #expect(layer(ones) === ones)
    }

    /// Every instruction set's mask kernel gives what 16 xoshiro128** streams give, written out here one draw at a time
    /// (value i from stream i % 16), for probabilities exact in binary and not, on a length that ends mid-vector; writes
    /// nothing past the mask and leaves every stream advanced by the vectors drawn.
    @Test(arguments: [Float(0), 0.1, 0.5, 0.3333, 0.9])
    func dropoutMaskKernelsDrawSixteenXoshiroStreams(probability: Float) {
        let count = 16 * 37 + 5, width = Int(ZOO_DROPOUT_STREAMS)
        let start = (0..<4 * width).map { UInt32(truncatingIfNeeded: ($0 + 1) &* 2_654_435_761) }
        let threshold = UInt32((probability * 0x1p24).rounded(.up)), keep = 1 / (1 - probability)
        var reference = start, expected = [Float]()
        func rotate(_ x: UInt32, _ k: UInt32) -> UInt32 { x << k | x >> (32 - k) }
        for i in 0..<(count + width - 1) / width * width {
            let s = i % width
            let draw = rotate(reference[width + s] &* 5, 7) &* 9, t = reference[width + s] << 9
            reference[2 * width + s] ^= reference[s]; reference[3 * width + s] ^= reference[width + s]
            reference[width + s] ^= reference[2 * width + s]; reference[s] ^= reference[3 * width + s]
            reference[2 * width + s] ^= t; reference[3 * width + s] = rotate(reference[3 * width + s], 11)
            if i < count { expected.append(Float(draw >> 8) * 0x1p-24 < probability ? 0 : keep) }  // as nextUniform()
        }
        for level in ["generic", "avx2", "avx512"] {
            guard let kernels = zoo_kernels_for(level)?.pointee else { continue }
            var state = start, mask = [Float](repeating: .nan, count: count + 20)
            kernels.dropout_mask(&state, &mask, count, threshold, keep)
            #expect(Array(mask[..<count]) == expected, "\(level)")
            #expect(mask[count...].allSatisfy { $0.isNaN }, "\(level)")
            #expect(state == reference, "\(level)")
        }
    }

    /// The mask keeps 1 - p of the values in every one of the 16 streams' positions, and two masks drawn one after the
    /// other differ (each takes its own draw of the generator).
    @Test func dropoutMaskKeepsItsShareInEveryStream() {
        var generator = RandomGenerator(seed: 7)
        let first = dropoutMask([16 * 4_096], probability: 0.25, using: &generator).scalars
        let second = dropoutMask([16 * 4_096], probability: 0.25, using: &generator).scalars
        for stream in 0..<16 {
            let kept = stride(from: stream, to: first.count, by: 16).filter { first[$0] != 0 }.count
            #expect(abs(Float(kept) / 4_096 - 0.75) < 0.03, "stream \(stream)")
        }
        #expect(first != second)
    }

    @Test func concatenationAndSlicing() {
        let a = randomTensor([2, 1, 3], seed: 36), b = randomTensor([2, 2, 3], seed: 37)
        expectGradientsMatch([a, b]) { concatenate($0, axis: 1) }
        expectGradientsMatch([b]) { $0[0].slice(axis: 2, from: 1, count: 2) }
        let joined = concatenate([Tensor(shape: [2, 1], scalars: [1, 2]), Tensor(shape: [2, 2], scalars: [3, 4, 5, 6])], axis: 1)
        #expect(joined.shape == [2, 3] && joined.scalars == [1, 3, 4, 2, 5, 6])
        #expect(joined.slice(axis: 1, from: 1, count: 2).scalars == [3, 4, 5, 6])
    }

    @Test func adaptiveAveragePooling() {
        let x = randomTensor([2, 3, 5, 7], seed: 38)
        expectGradientsMatch([x]) { adaptiveAvgPool2d($0[0], outputSize: (2, 3)) }
        expectGradientsMatch([x]) { adaptiveAvgPool2d($0[0]) }
        let grid = Tensor(shape: [1, 1, 3, 3], scalars: (1...9).map(Float.init))
        #expect(adaptiveAvgPool2d(grid).scalars == [5])
        // 3 -> 2 cells: rows 0..<2 and 1..<3 overlap, as in PyTorch.
        #expect(adaptiveAvgPool2d(grid, outputSize: (2, 2)).scalars == [3, 4, 6, 7])
    }
}
