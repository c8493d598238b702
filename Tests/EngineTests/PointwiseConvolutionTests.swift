import CKernels
import Testing
@testable import Engine

/// 1x1 convolutions on the NCHW batch as it lies (`PointwiseConvolution`) against the definition, on every instruction
/// set's kernels, with the output's map and the input's pre-activation, and conv2d's gradients where it takes that path.
@Suite struct PointwiseConvolutionTests {
    /// (images, channels, out channels, height, width): maps of 1, 4, 9, 16, 49 and 64 pixels and 5x3 and 1x7, runs
    /// shorter and longer than a vector, columns (images x pixels) not a multiple of 32 or of a vector; out channels that
    /// use each block of rows (6, 4, 1) and their remainders; one input channel and odd counts; a batch that several
    /// threads share by columns (64 images of 7x7), and one image that they share by output channels.
    static let shapes: [(Int, Int, Int, Int, Int)] = [
        (3, 5, 7, 2, 2), (1, 1, 1, 1, 1), (5, 16, 13, 3, 3), (2, 3, 6, 7, 7), (3, 8, 4, 8, 8), (4, 7, 17, 5, 3), (7, 2, 11, 1, 7),
        (33, 9, 5, 1, 1), (2, 64, 24, 4, 4), (64, 32, 16, 7, 7), (1, 64, 100, 3, 3),
    ]

    /// map(conv(relu?(x * inScale + inShift), w)): the definition with the output's scale and bias and the input's
    /// pre-activation applied by hand (the bias added after the scale, as `ChannelMap`).
    static func expected(_ x: Tensor, _ w: Tensor, bias: Tensor?, scale: Tensor?, relu: Bool,
                         preactivation: (scale: Tensor?, shift: Tensor, relu: Bool)?) -> [Float] {
        let (c, p, o) = (x.shape[1], x.shape[2] * x.shape[3], w.shape[0])
        var input = x
        if let preactivation {
            input = Tensor(uninitialized: x.shape)
            for i in 0..<x.count {
                let channel = i / p % c
                let v = x.data[i] * (preactivation.scale?.data[channel] ?? 1) + preactivation.shift.data[channel]
                input.data[i] = preactivation.relu ? max(v, 0) : v
            }
        }
        let plain = ImplicitConvolutionTests.definition(input, w, nil)
        return plain.indices.map { i in
            let channel = i / p % o
            let v = plain[i] * (scale?.data[channel] ?? 1) + (bias?.data[channel] ?? 0)
            return relu ? max(v, 0) : v
        }
    }

    @Test(arguments: shapes)
    func matchesTheDefinitionOnEveryInstructionSet(_ shape: (Int, Int, Int, Int, Int)) {
        let (n, c, o, h, w) = shape
        let g = ConvGeometry(batch: n, channels: c, height: h, width: w, kernelHeight: 1, kernelWidth: 1, stride: 1, padding: 0)
        let x = randomTensor([n, c, h, w], seed: 3, requiresGrad: false)
        let weight = randomTensor([o, c, 1, 1], seed: 4, requiresGrad: false)
        let bias = randomTensor([o], seed: 5, requiresGrad: false), scale = randomTensor([o], seed: 6, requiresGrad: false)
        let inScale = randomTensor([c], seed: 7, requiresGrad: false), inShift = randomTensor([c], seed: 8, requiresGrad: false)
        let cases: [(bias: Tensor?, scale: Tensor?, relu: Bool, pre: (scale: Tensor?, shift: Tensor, relu: Bool)?)] = [
            (nil, nil, false, nil), (bias, nil, false, nil), (bias, scale, true, nil), (nil, nil, true, nil),
            (bias, scale, true, (inScale, inShift, true)), (nil, nil, false, (nil, inShift, false)),
        ]
        for level in ["generic", "avx2", "avx512"] {
            guard let kernels = zoo_kernels_for(level)?.pointee else { continue }
            for item in cases {
                let y = Tensor(shape: [n, o, h, w], repeating: .nan)
                PointwiseConvolution.forward(x.data, g, weight: weight.data, outChannels: o, bias: item.bias?.data,
                                             then: ChannelMap(scale: item.scale, relu: item.relu),
                                             preactivation: item.pre.map { (ChannelMap(scale: $0.scale, relu: $0.relu), $0.shift) },
                                             into: y.data, kernels: kernels)
                let expected = Self.expected(x, weight, bias: item.bias, scale: item.scale, relu: item.relu, preactivation: item.pre)
                #expect(zip(y.scalars, expected).allSatisfy { abs($0 - $1) <= 1e-4 * max(1, abs($1)) },
                        "\(level) \(shape) bias \(item.bias != nil) scale \(item.scale != nil) relu \(item.relu) pre \(item.pre != nil)")
            }
        }
    }

    /// The kernels write y's values and nothing around them (masked stores of runs shorter than a vector): guards of NaN
    /// before and after the output stay NaN.
    @Test func writesOnlyTheOutput() {
        let (n, c, o, side) = (3, 4, 7, 3)
        let g = ConvGeometry(batch: n, channels: c, height: side, width: side, kernelHeight: 1, kernelWidth: 1, stride: 1, padding: 0)
        let x = randomTensor([n, c, side, side], seed: 9, requiresGrad: false)
        let weight = randomTensor([o, c, 1, 1], seed: 10, requiresGrad: false)
        let (count, guardCount) = (n * o * side * side, 64)
        for level in ["generic", "avx2", "avx512"] {
            guard let kernels = zoo_kernels_for(level)?.pointee else { continue }
            var buffer = [Float](repeating: .nan, count: count + 2 * guardCount)
            buffer.withUnsafeMutableBufferPointer { all in
                PointwiseConvolution.forward(x.data, g, weight: weight.data, outChannels: o, bias: nil, into: all.baseAddress! + guardCount,
                                             kernels: kernels)
            }
            #expect(buffer.prefix(guardCount).allSatisfy(\.isNaN) && buffer.suffix(guardCount).allSatisfy(\.isNaN), "\(level)")
            #expect(buffer[guardCount..<guardCount + count].allSatisfy { !$0.isNaN }, "\(level)")
        }
    }

    /// conv2d with a 1x1 kernel (stride 1, no padding) takes this path forward and for the input's gradient (by W^T), and
    /// the lowered one for the weights': the gradients of input, weight and bias match finite differences, also without a
    /// bias or with the weights frozen, on one panel of columns or several. (With a ReLU folded in,
    /// `ConvolutionReLUTests` compares values and gradients with a ReLU in turn on pointwise shapes: finite differences
    /// would cross its kink.)
    @Test(arguments: [[2, 3, 3, 3], [3, 4, 2, 2], [1, 2, 4, 5], [2, 9, 6, 1], [3, 5, 5, 5]])
    func conv2dOnThePointwisePathHasRightGradients(_ shape: [Int]) {
        let outChannels = 7
        let x = randomTensor(shape, seed: 11), w = randomTensor([outChannels, shape[1], 1, 1], seed: 12)
        let bias = randomTensor([outChannels], seed: 13)
        let g = ConvGeometry(batch: shape[0], channels: shape[1], height: shape[2], width: shape[3], kernelHeight: 1, kernelWidth: 1,
                             stride: 1, padding: 0)
        #expect(g.pointwise)
        expectGradientsMatch([x, w, bias]) { conv2d($0[0], weight: $0[1], bias: $0[2]) }
        expectGradientsMatch([x, w]) { conv2d($0[0], weight: $0[1], bias: nil) }
        let frozen = randomTensor([outChannels, shape[1], 1, 1], seed: 12, requiresGrad: false)
        expectGradientsMatch([x]) { conv2d($0[0], weight: frozen, bias: nil) }  // the input's gradient alone
    }
}
