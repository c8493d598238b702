import CKernels
import Testing
@testable import Engine

/// The implicit 3x3 and 5x5 convolutions against the definition, on every instruction set's kernels, and conv2d's
/// gradients when it takes that path.
@Suite struct ImplicitConvolutionTests {
    /// (images, channels, out channels, height, width): maps of 1 to 64 pixels, of 12x12, 24x24 and 32x32, and of
    /// sizes whose masks do not repeat within a vector's multiple of pixels (13x13, 26x26, 56x56, 29x31), odd channel
    /// counts, images making the pixels a multiple of 32; DenseNet's growth layers (32 out) on 3x3, 6x6 and 12x12.
    static let shapes: [(Int, Int, Int, Int, Int)] = [
        (32, 3, 8, 1, 1), (8, 5, 16, 2, 2), (2, 7, 8, 4, 4), (32, 2, 24, 7, 7), (32, 1, 8, 3, 5), (4, 3, 8, 8, 8), (32, 9, 16, 5, 3),
        (2, 3, 8, 12, 12), (2, 2, 8, 24, 24), (1, 2, 8, 32, 32), (32, 2, 8, 13, 13), (8, 3, 8, 26, 26), (2, 2, 8, 56, 56),
        (32, 1, 8, 29, 31), (8, 16, 32, 6, 6), (32, 16, 32, 3, 3), (2, 16, 32, 12, 12),
    ]

    /// The maps the path takes: any, whatever the period of the taps' masks along the batch (a 3x3 kernel on maps of 8 to
    /// 224 pixels a side, a 5x5 kernel on 26x26 and 27x27), as long as the batch's pixels fill panels of 32; not other
    /// kernels or paddings.
    @Test func takesMapsOfAnySize() {
        for side in [8, 12, 13, 26, 40, 56, 112, 224] {
            let g = ConvGeometry(batch: 32, channels: 8, height: side, width: side, kernelHeight: 3, kernelWidth: 3, stride: 1, padding: 1)
            #expect(ImplicitConvolution.applies(g, outChannels: 8, inputGradient: true, level: "avx512"), "\(side)x\(side)")
        }
        for side in [26, 27] {
            let g = ConvGeometry(batch: 32, channels: 8, height: side, width: side, kernelHeight: 5, kernelWidth: 5, stride: 1, padding: 2)
            #expect(ImplicitConvolution.applies(g, outChannels: 8, inputGradient: true, level: "avx512"), "5x5 on \(side)x\(side)")
            #expect(!ImplicitConvolution.applies(g.with(batch: 31), outChannels: 8, level: "avx512"), "31 images of \(side)x\(side)")
        }
        let others = [(5, 1, 1), (7, 1, 3), (3, 1, 0), (5, 2, 2)].map { kernel, stride, padding in
            ConvGeometry(batch: 32, channels: 8, height: 12, width: 12, kernelHeight: kernel, kernelWidth: kernel, stride: stride, padding: padding)
        }
        #expect(others.allSatisfy { !ImplicitConvolution.applies($0, outChannels: 8, level: "avx512") })
        // A 7x7 kernel at stride 2 (padding 3) where the input needs no gradient.
        let stem = ConvGeometry(batch: 32, channels: 1, height: 96, width: 96, kernelHeight: 7, kernelWidth: 7, stride: 2, padding: 3)
        #expect(ImplicitConvolution.applies(stem, outChannels: 64, level: "avx512"))
        #expect(!ImplicitConvolution.applies(stem, outChannels: 64, inputGradient: true, level: "avx512"))
        #expect(!ImplicitConvolution.applies(others[0], outChannels: 8, level: "avx2"))
    }

    /// With AVX2's kernels the path takes only narrow layers on small maps (DenseNet's growth layers), where it was
    /// measured faster than the lowered path; with the generic kernels none.
    @Test func takesNarrowLayersOnSmallMapsWithAVX2() {
        func geometry(side: Int, kernel: Int = 3, stride: Int = 1) -> ConvGeometry {
            ConvGeometry(batch: 256, channels: 128, height: side, width: side, kernelHeight: kernel, kernelWidth: kernel, stride: stride,
                         padding: kernel / 2)
        }
        for side in [3, 4, 8, 12] {
            #expect(ImplicitConvolution.applies(geometry(side: side), outChannels: 32, inputGradient: true, level: "avx2"), "\(side)x\(side)")
            #expect(!ImplicitConvolution.applies(geometry(side: side), outChannels: 64, inputGradient: true, level: "avx2"), "64 out on \(side)x\(side)")
            #expect(!ImplicitConvolution.applies(geometry(side: side), outChannels: 32, level: "generic"), "generic on \(side)x\(side)")
        }
        #expect(ImplicitConvolution.applies(geometry(side: 12, kernel: 5), outChannels: 32, level: "avx2"))
        #expect(!ImplicitConvolution.applies(geometry(side: 13), outChannels: 32, level: "avx2"))
        #expect(!ImplicitConvolution.applies(geometry(side: 24, stride: 2), outChannels: 32, level: "avx2"))
        #expect(!ImplicitConvolution.applies(geometry(side: 24, stride: 2), outChannels: 32, level: "avx512"))
        let stem = ConvGeometry(batch: 256, channels: 1, height: 96, width: 96, kernelHeight: 7, kernelWidth: 7, stride: 2, padding: 3)
        #expect(ImplicitConvolution.applies(stem, outChannels: 64, level: "avx2"), "the 7x7 first layer")
    }

    /// (images, channels, out channels, height, width) of 5x5 convolutions (padding 2): maps of any size, odd and even
    /// (NiN's 26x26 and AlexNet's 27x27 among them), smaller than the kernel, and not square.
    static let shapes5x5: [(Int, Int, Int, Int, Int)] = [
        (8, 3, 8, 26, 26), (32, 2, 8, 27, 27), (32, 3, 8, 3, 3), (32, 2, 16, 1, 1), (8, 5, 8, 6, 6), (32, 3, 8, 5, 7), (32, 9, 8, 13, 13),
    ]

    /// (images, channels, out channels, height, width) of stride-2 convolutions: output maps of 1 to 196 pixels from odd and
    /// even input sizes, images making the output pixels a multiple of 32.
    static let stridedShapes: [(Int, Int, Int, Int, Int)] = [
        (32, 3, 8, 2, 2), (8, 5, 16, 7, 7), (32, 2, 24, 3, 5), (2, 7, 8, 16, 16), (4, 9, 16, 15, 13), (32, 1, 8, 1, 1), (16, 4, 8, 4, 6), (8, 3, 8, 27, 27),
    ]

    /// conv(x, w) + b by its definition (cross-correlation, padding half the kernel's side).
    static func definition(_ x: Tensor, _ w: Tensor, _ b: Tensor?, stride: Int = 1) -> [Float] {
        let (n, c, h, wd, o, k) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3], w.shape[0], w.shape[3])
        let (oh, ow) = ((h - 1) / stride + 1, (wd - 1) / stride + 1)
        var y = [Float](repeating: 0, count: n * o * oh * ow)
        for image in 0..<n { for out in 0..<o { for row in 0..<oh { for column in 0..<ow {
            var sum = Double(b?.data[out] ?? 0)
            for channel in 0..<c { for ky in 0..<k { for kx in 0..<k {
                let (r, s) = (row * stride + ky - k / 2, column * stride + kx - k / 2)
                guard r >= 0, r < h, s >= 0, s < wd else { continue }
                sum += Double(w.data[((out * c + channel) * k + ky) * k + kx]) * Double(x.data[((image * c + channel) * h + r) * wd + s])
            } } }
            y[((image * o + out) * oh + row) * ow + column] = Float(sum)
        } } } }
        return y
    }

    /// (images, channels, out channels, height, width) of 7x7 stride-2 convolutions (padding 3, the first layer of ResNet,
    /// GoogLeNet and DenseNet): one channel and more, odd and even sizes, maps smaller than the kernel.
    static let stemShapes: [(Int, Int, Int, Int, Int)] = [(8, 1, 8, 28, 28), (32, 1, 16, 5, 5), (32, 3, 8, 15, 17), (32, 2, 8, 3, 3), (8, 1, 8, 24, 30)]

    @Test(arguments: shapes.map { ($0, 1, 3) } + stridedShapes.map { ($0, 2, 3) } + shapes5x5.map { ($0, 1, 5) } + stemShapes.map { ($0, 2, 7) })
    func matchesTheDefinitionOnEveryInstructionSet(_ shape: (Int, Int, Int, Int, Int), stride: Int, kernel: Int) {
        let (n, c, o, h, w) = shape
        let g = ConvGeometry(batch: n, channels: c, height: h, width: w, kernelHeight: kernel, kernelWidth: kernel, stride: stride,
                             padding: kernel / 2)
        // 3x3 at stride 2: the kernels are kept right, though conv2d takes the lowered path there (measured faster).
        #expect(ImplicitConvolution.applies(g, outChannels: o, level: "avx512") == !(kernel == 3 && stride == 2))
        let x = randomTensor([n, c, h, w], seed: 3, requiresGrad: false)
        let weight = randomTensor([o, c, kernel, kernel], seed: 4, requiresGrad: false)
        let bias = randomTensor([o], seed: 5, requiresGrad: false)
        for level in ["generic", "avx2", "avx512"] {
            guard let kernels = zoo_kernels_for(level) else { continue }
            for b in [bias, nil] {
                let y = Tensor(shape: [n, o, g.outHeight, g.outWidth], repeating: .nan)
                ImplicitConvolution.forward(.init(channelMajorOf: x.data, g), weight.data, b?.data, g, outChannels: o, into: y.data,
                                            kernels: kernels.pointee)
                let expected = Self.definition(x, weight, b, stride: stride)
                #expect(zip(y.scalars, expected).allSatisfy { abs($0 - $1) <= 1e-4 * max(1, abs($1)) },
                        "\(level) \(shape) stride \(stride) \(kernel)x\(kernel)")
            }
        }
    }

    /// Groups of images (a budget that allows the fewest images per group, two here) give the whole batch's outputs and
    /// gradients, with a ReLU applied and without, at strides 1 and 2; groups are multiples of the panel-filling count.
    @Test(arguments: [(1, true), (1, false), (2, false)])
    func groupsOfImagesEqualTheWholeBatch(stride: Int, relu: Bool) {
        let (n, c, o, side) = (6, 8, 16, stride == 1 ? 12 : 7)
        let g = ConvGeometry(batch: n, channels: c, height: side, width: side, kernelHeight: 3, kernelWidth: 3, stride: stride, padding: 1)
        let groups = ImplicitConvolution.imageGroups(g, outChannels: o, budget: 1)
        #expect(groups.count > 1 && groups.allSatisfy { $0.count * g.positions % 32 == 0 } && groups.map(\.count).reduce(0, +) == n)
        let x = randomTensor([n, c, side, side], seed: 31, requiresGrad: stride == 1)
        let weight = randomTensor([o, c, 3, 3], seed: 32), bias = randomTensor([o], seed: 33)
        let seed = randomTensor([n, o, g.outHeight, g.outWidth], seed: 34, requiresGrad: false)
        let map = ChannelMap(scale: nil, relu: relu)
        let parameters = stride == 1 ? [x, weight, bias] : [weight, bias]
        let results = [1, 1 << 30].map { budget in
            parameters.forEach { $0.grad = nil }
            let y = implicitConv2d(x, weight: weight, bias: bias, g, budget: budget, then: map)
            y.backward(seed)
            return [y] + parameters.map { $0.grad! }
        }
        for (index, (grouped, whole)) in zip(results[0], results[1]).enumerated() {
            let apart = zip(grouped.scalars, whole.scalars).map { abs($0 - $1) }.max() ?? 0
            #expect(apart <= 1e-5 * max(1, whole.scalars.map(abs).max() ?? 0), "stride \(stride) relu \(relu): result \(index)")
        }
    }

    /// The input's gradient is the adjoint of the convolution: <conv(x), g> = <x, dx(g)> for any x and g, on every
    /// instruction set's kernels.
    @Test(arguments: [(8, 8, 8, 2, 2), (32, 16, 8, 7, 7), (4, 8, 16, 4, 4), (32, 8, 24, 1, 1), (2, 8, 8, 12, 12), (1, 8, 8, 32, 32),
                       (32, 8, 8, 13, 13), (8, 16, 32, 6, 6), (32, 16, 32, 3, 3), (2, 16, 32, 12, 12)].map { ($0, 3) }
                     + [(8, 8, 8, 26, 26), (32, 8, 16, 3, 3), (32, 16, 8, 5, 7)].map { ($0, 5) })
    func theInputGradientIsTheAdjoint(_ shape: (Int, Int, Int, Int, Int), kernel: Int) {
        let (n, c, o, h, w) = shape
        let g = ConvGeometry(batch: n, channels: c, height: h, width: w, kernelHeight: kernel, kernelWidth: kernel, stride: 1, padding: kernel / 2)
        #expect(ImplicitConvolution.applies(g, outChannels: o, inputGradient: true, level: "avx512"))
        let x = randomTensor([n, c, h, w], seed: 13, requiresGrad: false)
        let weight = randomTensor([o, c, kernel, kernel], seed: 14, requiresGrad: false)
        let gradient = randomTensor([n, o, h, w], seed: 15, requiresGrad: false)
        let forward = zip(Self.definition(x, weight, nil), gradient.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        for level in ["generic", "avx2", "avx512"] {
            guard let kernels = zoo_kernels_for(level) else { continue }
            let byChannel = ImplicitConvolution.GuardedBatch(channelMajorOf: gradient.data, g.with(channels: o))
            let dx = Tensor(shape: x.shape, repeating: .nan)
            ImplicitConvolution.inputGradient(byChannel.start, weight.data, g, outChannels: o, into: dx.data, kernels: kernels.pointee)
            let backward = zip(x.scalars, dx.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            #expect(abs(forward - backward) <= 1e-4 * max(1, abs(forward)), "\(level) \(shape) \(kernel)x\(kernel)")
        }
    }

    /// The weights' gradient is the sum over images and pixels of the output's gradient times the tap's input pixel,
    /// on every instruction set's kernels: channel counts that leave a tail of 1-3 input channels, maps of 1 to 64
    /// pixels, output channels in blocks of 4.
    @Test(arguments: [(32, 5, 8, 1, 1), (8, 8, 16, 2, 2), (2, 7, 8, 4, 4), (32, 2, 24, 7, 7), (32, 9, 8, 3, 5), (4, 12, 8, 8, 8),
                      (2, 5, 8, 24, 24), (8, 16, 32, 6, 6), (32, 16, 32, 3, 3), (2, 16, 32, 12, 12)].map { ($0, 1, 3) }
                     + [(32, 5, 8, 2, 2), (8, 8, 16, 7, 7), (4, 9, 8, 15, 13)].map { ($0, 2, 3) }
                     + [(8, 5, 8, 26, 26), (32, 6, 8, 3, 3), (32, 9, 8, 5, 7)].map { ($0, 1, 5) } + stemShapes.map { ($0, 2, 7) })
    func theFilterGradientIsTheSumOverPixels(_ shape: (Int, Int, Int, Int, Int), stride: Int, kernel: Int) {
        let (n, c, o, h, w) = shape
        let (k, pad, taps) = (kernel, kernel / 2, kernel * kernel)
        let g = ConvGeometry(batch: n, channels: c, height: h, width: w, kernelHeight: k, kernelWidth: k, stride: stride, padding: pad)
        let (oh, ow) = (g.outHeight, g.outWidth)
        let x = randomTensor([n, c, h, w], seed: 23, requiresGrad: false), gradient = randomTensor([n, o, oh, ow], seed: 24, requiresGrad: false)
        var expected = [Double](repeating: 0, count: o * c * taps)
        for image in 0..<n { for out in 0..<o { for channel in 0..<c { for t in 0..<taps { for row in 0..<oh { for column in 0..<ow {
            let (r, s) = (row * stride + t / k - pad, column * stride + t % k - pad)
            guard r >= 0, r < h, s >= 0, s < w else { continue }
            expected[(out * c + channel) * taps + t] += Double(gradient.data[((image * o + out) * oh + row) * ow + column])
                * Double(x.data[((image * c + channel) * h + r) * w + s])
        } } } } } }
        let input = ImplicitConvolution.GuardedBatch(channelMajorOf: x.data, g)
        let byChannel = ImplicitConvolution.GuardedBatch(channelMajorOfOutput: gradient.data, g, channels: o)
        for level in ["generic", "avx2", "avx512"] {
            guard let kernels = zoo_kernels_for(level) else { continue }
            let dw = Tensor(shape: [o, c, k, k], repeating: .nan)
            ImplicitConvolution.filterGradient(input, byChannel.start, g, outChannels: o, into: dw.data, kernels: kernels.pointee)
            #expect(zip(dw.scalars, expected).allSatisfy { abs(Double($0) - $1) <= 1e-4 * max(1, abs($1)) },
                    "\(level) \(shape) stride \(stride) \(k)x\(k)")
        }
    }

    /// conv2d on shapes the implicit path takes in training (where the CPU has AVX-512; with AVX2 those of at most 32
    /// channels out on small maps; elsewhere the lowered path):
    /// its output is the definition's and its gradients match finite differences; with an input that needs no
    /// gradient, in-channel counts that are not multiples of 8 take the path too; 5x5 kernels with padding 2.
    @Test(arguments: [([2, 8, 4, 4], 8, true, 3), ([2, 8, 8, 8], 16, true, 3), ([4, 16, 4, 4], 8, true, 3), ([32, 3, 4, 4], 8, false, 3),
                      ([2, 5, 4, 4], 8, false, 3), ([8, 8, 4, 4], 8, true, 5), ([32, 7, 3, 3], 8, false, 5)])
    func conv2dOnTheImplicitPathHasRightGradients(_ inputShape: [Int], _ outChannels: Int, _ inputGradient: Bool, _ kernel: Int) {
        let x = randomTensor(inputShape, seed: 7, requiresGrad: inputGradient)
        let weight = randomTensor([outChannels, inputShape[1], kernel, kernel], seed: 8), bias = randomTensor([outChannels], seed: 9)
        let padding = kernel / 2
        let g = ConvGeometry(batch: inputShape[0], channels: inputShape[1], height: inputShape[2], width: inputShape[3],
                             kernelHeight: kernel, kernelWidth: kernel, stride: 1, padding: padding)
        #expect(ImplicitConvolution.applies(g, outChannels: outChannels, inputGradient: inputGradient, level: "avx512"))
        let y = conv2d(x, weight: weight, bias: bias, stride: 1, padding: padding)
        #expect(zip(y.scalars, Self.definition(x, weight, bias)).allSatisfy { abs($0 - $1) <= 1e-4 * max(1, abs($1)) })
        if inputGradient {
            expectGradientsMatch([x, weight, bias]) { conv2d($0[0], weight: $0[1], bias: $0[2], stride: 1, padding: padding) }
        } else {
            expectGradientsMatch([weight, bias]) { conv2d(x, weight: $0[0], bias: $0[1], stride: 1, padding: padding) }
            #expect(x.grad == nil)
        }
    }

    /// conv2d of a 3x3 kernel at stride 2 takes the lowered path whether or not the input needs a gradient (the implicit one
    /// has no stride-2 input gradient and was measured slower in evaluation; `ImplicitConvolution.pays`), and the
    /// definition's output and weight, bias and input gradients that match finite differences.
    @Test func conv2dAtStrideTwo() {
        let g = ConvGeometry(batch: 8, channels: 3, height: 7, width: 7, kernelHeight: 3, kernelWidth: 3, stride: 2, padding: 1)
        #expect(!ImplicitConvolution.applies(g, outChannels: 8, inputGradient: true, level: "avx512"))
        let mixedParities = ConvGeometry(batch: 32, channels: 3, height: 7, width: 8, kernelHeight: 3, kernelWidth: 3, stride: 2, padding: 1)
        #expect(!ImplicitConvolution.applies(mixedParities, outChannels: 8, level: "avx512"))
        #expect(!ImplicitConvolution.applies(g, outChannels: 8, inputGradient: false, level: "avx512"), "measured slower than lowered")
        let x = randomTensor([8, 3, 7, 7], seed: 31, requiresGrad: false), weight = randomTensor([8, 3, 3, 3], seed: 32)
        let bias = randomTensor([8], seed: 33)
        let expected = Self.definition(x, weight, bias, stride: 2)
        let evaluated = withoutGradients { conv2d(x, weight: weight, bias: bias, stride: 2, padding: 1) }
        #expect(evaluated.shape == [8, 8, 4, 4])
        #expect(zip(evaluated.scalars, expected).allSatisfy { abs($0 - $1) <= 1e-4 * max(1, abs($1)) })
        expectGradientsMatch([weight, bias]) { conv2d(x, weight: $0[0], bias: $0[1], stride: 2, padding: 1) }
        let recordedInput = randomTensor([8, 3, 7, 7], seed: 31)
        expectGradientsMatch([recordedInput, weight]) { conv2d($0[0], weight: $0[1], bias: nil, stride: 2, padding: 1) }
    }

    /// A first layer's 7x7 convolution at stride 2 (padding 3) on an image that needs no gradient takes the implicit path
    /// in training: the definition's output, and weight and bias gradients that match finite differences.
    @Test func conv2dOnASevenBySevenFirstLayer() {
        let x = randomTensor([8, 1, 12, 12], seed: 41, requiresGrad: false), weight = randomTensor([8, 1, 7, 7], seed: 42)
        let bias = randomTensor([8], seed: 43)
        let g = ConvGeometry(batch: 8, channels: 1, height: 12, width: 12, kernelHeight: 7, kernelWidth: 7, stride: 2, padding: 3)
        #expect(ImplicitConvolution.applies(g, outChannels: 8, level: "avx512"))
        let y = conv2d(x, weight: weight, bias: bias, stride: 2, padding: 3)
        #expect(y.shape == [8, 8, 6, 6])
        #expect(zip(y.scalars, Self.definition(x, weight, bias, stride: 2)).allSatisfy { abs($0 - $1) <= 1e-4 * max(1, abs($1)) })
        expectGradientsMatch([weight, bias]) { conv2d(x, weight: $0[0], bias: $0[1], stride: 2, padding: 3) }
    }
}
