import Foundation
import Testing
@testable import Engine

/// Small cases computed by hand (or by PyTorch's definitions) for forward results.
@Suite struct KnownValueTests {
    @Test func convolutionOnAHandWorkedCase() {
        // 1x1x3x3 input 1...9, a 2x2 kernel [[1, 0], [0, -1]], bias 0.5: each output = x[i][j] - x[i+1][j+1] + 0.5.
        let x = Tensor(shape: [1, 1, 3, 3], scalars: (1...9).map(Float.init))
        let w = Tensor(shape: [1, 1, 2, 2], scalars: [1, 0, 0, -1])
        let y = conv2d(x, weight: w, bias: Tensor(shape: [1], scalars: [0.5]))
        #expect(y.shape == [1, 1, 2, 2])
        #expect(y.scalars == [-3.5, -3.5, -3.5, -3.5])
        // Padding 1, stride 2, all-ones 3x3 kernel: sums of the clipped 3x3 windows at (0,0), (0,2), (2,0), (2,2).
        let ones = Tensor(shape: [1, 1, 3, 3], repeating: 1)
        let padded = conv2d(x, weight: ones, bias: nil, stride: 2, padding: 1)
        #expect(padded.shape == [1, 1, 2, 2])
        let windowSums: [Float] = [12, 16, 24, 28]  // 1+2+4+5, 2+3+5+6, 4+5+7+8, 5+6+8+9
        #expect(padded.scalars == windowSums)
    }

    @Test func convolutionMixesChannelsAndKeepsImagesApart() {
        // Two images, two input channels, 1x1 kernels: out[o] = sum_c w[o][c] * x[c] + b[o].
        let x = Tensor(shape: [2, 2, 1, 2], scalars: [1, 2, 3, 4, 5, 6, 7, 8])
        let w = Tensor(shape: [3, 2, 1, 1], scalars: [1, 0, 0, 1, 1, -1])
        let y = conv2d(x, weight: w, bias: Tensor(shape: [3], scalars: [0, 10, 100]))
        #expect(y.scalars == [1, 2, 13, 14, 98, 98, 5, 6, 17, 18, 98, 98])
    }

    @Test func pooling() {
        let x = Tensor(shape: [1, 1, 4, 4], scalars: (1...16).map(Float.init))
        #expect(maxPool2d(x, kernel: 2).scalars == [6, 8, 14, 16])
        #expect(avgPool2d(x, kernel: 2).scalars == [3.5, 5.5, 11.5, 13.5])
        // 3x3 windows, stride 2, padding 1: the padding is -inf for max and counts as zero for the average.
        #expect(maxPool2d(x, kernel: 3, stride: 2, padding: 1).scalars == [6, 8, 14, 16])
        let windowSums: [Float] = [14, 30, 57, 99]  // 1+2+5+6, 2+3+4+6+7+8, 5+6+9+10+13+14, the full 6...16 window
        let averages = avgPool2d(x, kernel: 3, stride: 2, padding: 1).scalars
        for (average, sum) in zip(averages, windowSums) { #expect(abs(average - sum / 9) < 1e-5) }
    }

    @Test func crossEntropyMatchesItsDefinition() {
        let logits = Tensor(shape: [2, 3], scalars: [1, 2, 3, 1000, 0, -1000])
        let loss = crossEntropy(logits: logits, targets: [2, 0]).item
        let first = -log(exp(Float(3)) / (exp(Float(1)) + exp(Float(2)) + exp(Float(3))))
        #expect(abs(loss - first / 2) < 1e-6)  // the second row's loss is 0 and must not overflow
    }

    @Test func broadcastingShapes() {
        let a = Tensor(shape: [2, 1, 3], scalars: [1, 2, 3, 4, 5, 6])
        let b = Tensor(shape: [4, 1], scalars: [10, 20, 30, 40])
        let sum = a + b
        #expect(sum.shape == [2, 4, 3])
        #expect(Array(sum.scalars.prefix(6)) == [11, 12, 13, 21, 22, 23])
        #expect(Array(sum.scalars.suffix(3)) == [44, 45, 46])
    }

    @Test func reductionsAndArgmax() {
        let x = Tensor(shape: [2, 3], scalars: [1, 5, 2, 7, 0, 7])
        #expect(x.sum().item == 22)
        #expect(x.sum(axis: 0).scalars == [8, 5, 9])
        let means: [Float] = [8 / 3, 14 / 3]
        #expect(x.mean(axis: 1).scalars == means)
        #expect(x.max(axis: 1).scalars == [5, 7])
        #expect(x.argmax(axis: 1) == [1, 0])
        #expect(x.argmax(axis: 0) == [1, 0, 1])
    }

    /// Sums along an axis large enough that threads split the columns: each element as a plain loop sums it.
    @Test(arguments: [([700, 130], 0), ([3, 300, 130], 1), ([2, 600, 61], 1)])
    func sumsAlongAnAxisSplitAcrossThreads(shape: [Int], axis: Int) {
        let x = randomTensor(shape, seed: 4, requiresGrad: false)
        let outer = shape[..<axis].reduce(1, *), length = shape[axis], inner = shape[(axis + 1)...].reduce(1, *)
        let sums = x.sum(axis: axis).scalars
        #expect(sums.count == outer * inner)
        for o in 0..<outer {
            for i in 0..<inner {
                let exact = (0..<length).reduce(0.0) { $0 + Double(x.data[(o * length + $1) * inner + i]) }
                #expect(abs(Double(sums[o * inner + i]) - exact) < 1e-4, "\(shape) along \(axis) at (\(o), \(i))")
            }
        }
    }

    @Test func largeElementwiseOpsSplitAcrossThreadsGiveTheSameResult() {
        let n = 1 << 20 + 3  // not a multiple of 8, large enough to run in parallel
        let x = Tensor(shape: [n], scalars: (0..<n).map { Float($0 % 17) - 8 })
        let y = sigmoid(x)
        for i in stride(from: 0, to: n, by: 9973) {
            #expect(abs(y.data[i] - 1 / (1 + exp(-x.data[i]))) < 1e-6)
        }
        #expect(relu(x).scalars.allSatisfy { $0 >= 0 })
    }
}
