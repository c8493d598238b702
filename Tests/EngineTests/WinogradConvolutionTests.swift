import CKernels
import Testing
@testable import Engine

/// Winograd's F(2x2, 3x3), F(4x4, 3x3) and F(2x2, 5x5) against the definition on every instruction set's transforms, and
/// conv2d's gradients on them.
@Suite struct WinogradConvolutionTests {
    /// (images, channels, out channels, height, width): maps of 1 to 3,136 pixels, odd and even sides (half tiles at the
    /// right and bottom edges), not square, odd channel counts; rows of whole vectors of tile columns and one more, and the
    /// widest map the row buffers hold; channels in and out of whole vectors of kernels (the weights' transforms go a vector
    /// of channels at a time) and one more.
    static let shapes: [(Int, Int, Int, Int, Int)] = [
        (2, 3, 5, 1, 1), (3, 4, 6, 2, 2), (2, 5, 3, 5, 7), (1, 3, 4, 12, 12), (2, 2, 3, 13, 13), (1, 2, 2, 29, 31), (1, 1, 2, 56, 56),
        (4, 9, 7, 3, 3), (1, 2, 3, 5, 34), (1, 2, 2, 4, 66), (1, 2, 2, 2, 128), (1, 2, 2, 3, 129), (1, 1, 2, 2, 1024),
        (1, 17, 33, 4, 4), (2, 32, 16, 2, 3),
    ]

    /// The algorithms under test.
    static let tilings: [WinogradConvolution.Tiling] = [.f2, .f4, .f2x5]

    /// dx of conv(x, w) (k x k, padding k / 2) for the output's gradient g, by its definition.
    static func inputGradient(_ g: Tensor, _ w: Tensor, channels c: Int) -> [Double] {
        let (n, o, h, wd, k) = (g.shape[0], g.shape[1], g.shape[2], g.shape[3], w.shape[3])
        var dx = [Double](repeating: 0, count: n * c * h * wd)
        for image in 0..<n { for channel in 0..<c { for r in 0..<h { for s in 0..<wd {
            var sum = 0.0
            for out in 0..<o { for ky in 0..<k { for kx in 0..<k {
                let (row, column) = (r - ky + k / 2, s - kx + k / 2)
                guard row >= 0, row < h, column >= 0, column < wd else { continue }
                sum += Double(g.data[((image * o + out) * h + row) * wd + column]) * Double(w.data[((out * c + channel) * k + ky) * k + kx])
            } } }
            dx[((image * c + channel) * h + r) * wd + s] = sum
        } } } }
        return dx
    }

    /// dw of conv(x, w) (k x k, padding k / 2) for the output's gradient g, by its definition.
    static func filterGradient(_ x: Tensor, _ g: Tensor, kernel k: Int) -> [Double] {
        let (n, c, h, wd, o) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3], g.shape[1])
        var dw = [Double](repeating: 0, count: o * c * k * k)
        for image in 0..<n { for out in 0..<o { for channel in 0..<c { for t in 0..<k * k { for row in 0..<h { for column in 0..<wd {
            let (r, s) = (row + t / k - k / 2, column + t % k - k / 2)
            guard r >= 0, r < h, s >= 0, s < wd else { continue }
            dw[(out * c + channel) * k * k + t] += Double(g.data[((image * o + out) * h + row) * wd + column])
                * Double(x.data[((image * c + channel) * h + r) * wd + s])
        } } } } } }
        return dw
    }

    /// Within 1e-4 of each expected value relative to it (at least 1), or 1e-5 of the largest: Winograd's transforms
    /// spread rounding over a tile, so an entry that sums to zero from large terms (a 5x5 tap past a 2-row map, over
    /// 1,024 columns) carries the error of its neighbours (F(2x2, 5x5): 1e-4 there, against entries of 25).
    static func close(_ actual: [Float], _ expected: [Double]) -> Bool {
        let largest = expected.map(abs).max() ?? 0
        return actual.count == expected.count
            && zip(actual, expected).allSatisfy { abs(Double($0) - $1) <= max(1e-4 * max(1, abs($1)), 1e-5 * largest) }
    }

    @Test(arguments: shapes, tilings)
    func forwardAndGradientsMatchTheDefinitionOnEveryInstructionSet(_ shape: (Int, Int, Int, Int, Int), tiling: WinogradConvolution.Tiling) {
        let (n, c, o, h, w) = shape
        let k = tiling.taps
        let g = ConvGeometry(batch: n, channels: c, height: h, width: w, kernelHeight: k, kernelWidth: k, stride: 1, padding: k / 2)
        let x = randomTensor([n, c, h, w], seed: 3, requiresGrad: false)
        let weight = randomTensor([o, c, k, k], seed: 4, requiresGrad: false), bias = randomTensor([o], seed: 5, requiresGrad: false)
        let gradient = randomTensor([n, o, h, w], seed: 6, requiresGrad: false)
        let expectedDx = Self.inputGradient(gradient, weight, channels: c), expectedDw = Self.filterGradient(x, gradient, kernel: k)
        // A ReLU's mask on the input (forward) and on the output's gradient (both gradients): about half the values kept.
        let inputMask = randomTensor(x.shape, seed: 7, requiresGrad: false), gradientMask = randomTensor(gradient.shape, seed: 8, requiresGrad: false)
        let kept = { (t: Tensor, mask: Tensor) in Tensor(shape: t.shape, scalars: zip(t.scalars, mask.scalars).map { $1 > 0 ? $0 : 0 }) }
        let (maskedX, maskedGradient) = (kept(x, inputMask), kept(gradient, gradientMask))
        let expectedMasked = ImplicitConvolutionTests.definition(maskedX, weight, bias).map(Double.init)
        let expectedMaskedDx = Self.inputGradient(maskedGradient, weight, channels: c)
        let expectedMaskedDw = Self.filterGradient(x, maskedGradient, kernel: k)
        for level in ["generic", "avx2", "avx512"] {
            guard let kernels = zoo_kernels_for(level)?.pointee else { continue }
            let transformed = WinogradConvolution.transformedWeights(weight.data, outChannels: o, channels: c, turned: false,
                                                                     tiling: tiling, kernels: kernels)
            let turned = WinogradConvolution.transformedWeights(weight.data, outChannels: c, channels: o, turned: true, tiling: tiling,
                                                                kernels: kernels)
            for b in [bias, nil] {
                let y = Tensor(shape: [n, o, h, w], repeating: .nan)
                WinogradConvolution.forward(x.data, g, transformed, outChannels: o, bias: b?.data, into: y.data, tiling: tiling, kernels: kernels)
                let expected = ImplicitConvolutionTests.definition(x, weight, b).map(Double.init)
                #expect(Self.close(y.scalars, expected), "\(tiling) \(level) \(shape) forward, bias \(b != nil)")
            }
            let dx = Tensor(shape: x.shape, repeating: .nan)
            WinogradConvolution.forward(gradient.data, g.with(channels: o), turned, outChannels: c, bias: nil, into: dx.data, tiling: tiling,
                                        kernels: kernels)
            #expect(Self.close(dx.scalars, expectedDx), "\(tiling) \(level) \(shape) input gradient")
            let dw = Tensor(shape: weight.shape, repeating: .nan)
            let sums = WinogradConvolution.FilterGradient(outChannels: o, channels: c, tiling: tiling)
            // In two parts where there are two images or more: the sums carry over.
            for images in n > 1 ? [0..<1, 1..<n] : [0..<n] {
                sums.add(x.data + images.lowerBound * c * h * w, gradient: gradient.data + images.lowerBound * o * h * w,
                         g.with(batch: images.count), kernels: kernels)
            }
            sums.write(into: dw.data, kernels: kernels)
            #expect(Self.close(dw.scalars, expectedDw), "\(tiling) \(level) \(shape) filter gradient")

            let masked = Tensor(shape: [n, o, h, w], repeating: .nan), maskedDx = Tensor(shape: x.shape, repeating: .nan)
            WinogradConvolution.forward(x.data, keepingWherePositive: inputMask.data, g, transformed, outChannels: o, bias: bias.data,
                                        into: masked.data, tiling: tiling, kernels: kernels)
            #expect(Self.close(masked.scalars, expectedMasked), "\(tiling) \(level) \(shape) forward, masked")
            WinogradConvolution.forward(gradient.data, keepingWherePositive: gradientMask.data, g.with(channels: o), turned, outChannels: c,
                                        bias: nil, into: maskedDx.data, tiling: tiling, kernels: kernels)
            #expect(Self.close(maskedDx.scalars, expectedMaskedDx), "\(tiling) \(level) \(shape) input gradient, masked")
            let maskedDw = Tensor(shape: weight.shape, repeating: .nan)
            let maskedSums = WinogradConvolution.FilterGradient(outChannels: o, channels: c, tiling: tiling)
            maskedSums.add(x.data, gradient: gradient.data, keepingWherePositive: gradientMask.data, g, kernels: kernels)
            maskedSums.write(into: maskedDw.data, kernels: kernels)
            #expect(Self.close(maskedDw.scalars, expectedMaskedDw), "\(tiling) \(level) \(shape) filter gradient, masked")
        }
    }

    /// Each transform over planes in two calls, the second starting past the first plane (as threads split them), writes
    /// what one call over all of them writes, and nothing between the matrices.
    @Test(arguments: tilings)
    func transformsInPartsWriteWhatOneCallWrites(tiling: WinogradConvolution.Tiling) {
        let (n, c, h, w) = (2, 3, 9, 37), planes = n * c, side = Int32(tiling.side), taps = Int32(tiling.taps)
        let tiles = n * tiling.tilesPerImage(ConvGeometry(batch: n, channels: c, height: h, width: w, kernelHeight: tiling.taps,
                                                           kernelWidth: tiling.taps, stride: 1, padding: tiling.taps / 2))
        let matrix = WinogradConvolution.matrixStride(c * tiles), canary: Float = 12345
        let x = randomTensor([n, c, h, w], seed: 31, requiresGrad: false), mask = randomTensor([n, c, h, w], seed: 32, requiresGrad: false)
        for level in ["generic", "avx2", "avx512"] {
            guard let kernels = zoo_kernels_for(level)?.pointee else { continue }
            func matrices(_ parts: [Range<Int>], adjoint: Bool) -> [Float] {
                var v = [Float](repeating: canary, count: tiling.points * matrix)
                for part in parts {
                    (adjoint ? kernels.winograd_output_adjoint : kernels.winograd_input)(side, taps, x.data, mask.data, n, c, h, w,
                                                                                        part.lowerBound, part.upperBound, matrix, &v)
                }
                return v
            }
            func outputs(_ parts: [Range<Int>], from v: [Float]) -> [Float] {
                var y = [Float](repeating: canary, count: planes * h * w + 64)
                for part in parts { kernels.winograd_output(side, taps, v, n, c, h, w, matrix, nil, part.lowerBound, part.upperBound, &y) }
                return y
            }
            for adjoint in [false, true] {
                let whole = matrices([0..<planes], adjoint: adjoint), split = matrices([0..<1, 1..<planes], adjoint: adjoint)
                #expect(whole == split, "\(tiling) \(level) adjoint \(adjoint)")
                let written = (0..<tiling.points).flatMap { point in (point * matrix + c * tiles)..<((point + 1) * matrix) }
                #expect(written.allSatisfy { whole[$0] == canary }, "\(tiling) \(level) adjoint \(adjoint) wrote between matrices")
                let y = outputs([0..<planes], from: whole), ySplit = outputs([0..<4, 4..<planes], from: whole)
                #expect(y == ySplit && y[(planes * h * w)...].allSatisfy { $0 == canary }, "\(tiling) \(level) output")
            }
        }
    }

    /// The weights' gradient of no images is zero, whatever the pool's buffer held.
    @Test func theFilterGradientOfNoImagesIsZero() {
        let dw = Tensor(shape: [4, 3, 5, 5], repeating: .nan)
        WinogradConvolution.FilterGradient(outChannels: 4, channels: 3, tiling: .f2x5).write(into: dw.data)
        #expect(dw.scalars.allSatisfy { $0 == 0 })
    }

    /// conv2d's Winograd path: its gradients match finite differences.
    @Test(arguments: tilings)
    func winogradConv2dHasRightGradients(tiling: WinogradConvolution.Tiling) {
        let k = tiling.taps
        let x = randomTensor([2, 3, 5, 4], seed: 7), weight = randomTensor([4, 3, k, k], seed: 8), bias = randomTensor([4], seed: 9)
        let g = ConvGeometry(batch: 2, channels: 3, height: 5, width: 4, kernelHeight: k, kernelWidth: k, stride: 1, padding: k / 2)
        expectGradientsMatch([x, weight, bias]) { winogradConv2d($0[0], weight: $0[1], bias: $0[2], g, tiling: tiling, then: .identity) }
    }

    /// In groups of one image and with a ReLU applied, the Winograd path gives the lowered path's output and gradients.
    @Test(arguments: [false, true], tilings)
    func groupsAndReLUGiveTheLoweredPathsResults(relu: Bool, tiling: WinogradConvolution.Tiling) {
        let (n, c, o, h, w, k) = (5, 8, 6, 7, 9, tiling.taps)
        let g = ConvGeometry(batch: n, channels: c, height: h, width: w, kernelHeight: k, kernelWidth: k, stride: 1, padding: k / 2)
        #expect(WinogradConvolution.imageGroups(g, outChannels: o, tiling: tiling, budget: 1).count == n)
        let x = randomTensor([n, c, h, w], seed: 11), weight = randomTensor([o, c, k, k], seed: 12), bias = randomTensor([o], seed: 13)
        let seed = randomTensor([n, o, h, w], seed: 14, requiresGrad: false), map = ChannelMap(scale: nil, relu: relu)
        let results = [true, false].map { winograd in
            [x, weight, bias].forEach { $0.grad = nil }
            let y = winograd ? winogradConv2d(x, weight: weight, bias: bias, g, budget: 1, tiling: tiling, then: map)
                : loweredConv2d(x, weight: weight, bias: bias, g, then: map)
            y.backward(seed)
            return [y, x.grad!, weight.grad!, bias.grad!]
        }
        for (index, (winograd, lowered)) in zip(results[0], results[1]).enumerated() {
            #expect(Self.close(winograd.scalars, lowered.scalars.map(Double.init)), "\(tiling), relu \(relu): result \(index)")
        }
    }

    /// conv2d takes the path for 3x3 and 5x5 kernels at stride 1 with the padding that keeps the map's size, at least
    /// `minimumChannels` channels in and out, on maps of even sides from `minimumSide(kernel:)` to
    /// ZOO_WINOGRAD_MAX_WIDTH; not other kernels, strides, paddings or maps.
    @Test func takesWideThreeAndFiveByFiveConvolutionsOnEvenMaps() {
        let (wide, side) = (WinogradConvolution.minimumChannels, WinogradConvolution.minimumSide(kernel: 3))
        func geometry(channels: Int, height: Int = side, width: Int = side, kernel: Int = 3, stride: Int = 1, padding: Int = 1) -> ConvGeometry {
            ConvGeometry(batch: 2, channels: channels, height: height, width: width, kernelHeight: kernel, kernelWidth: kernel,
                         stride: stride, padding: padding)
        }
        #expect(WinogradConvolution.applies(geometry(channels: wide), outChannels: wide))
        #expect(WinogradConvolution.applies(geometry(channels: wide, height: side + 4, width: side + 2), outChannels: wide + 128))
        #expect(!WinogradConvolution.applies(geometry(channels: wide - 1), outChannels: wide))
        #expect(!WinogradConvolution.applies(geometry(channels: wide), outChannels: wide - 1))
        #expect(!WinogradConvolution.applies(geometry(channels: wide, height: side - 2, width: side - 2), outChannels: wide))
        #expect(!WinogradConvolution.applies(geometry(channels: wide, height: side + 1, width: side + 1), outChannels: wide))
        #expect(!WinogradConvolution.applies(geometry(channels: wide, height: side, width: side + 3), outChannels: wide))
        let tooWide = Int(ZOO_WINOGRAD_MAX_WIDTH) + 2
        #expect(!WinogradConvolution.applies(geometry(channels: wide, height: side, width: tooWide), outChannels: wide))
        #expect(!WinogradConvolution.applies(geometry(channels: wide, stride: 2), outChannels: wide))
        #expect(!WinogradConvolution.applies(geometry(channels: wide, padding: 0), outChannels: wide))
        let side5 = WinogradConvolution.minimumSide(kernel: 5)
        #expect(WinogradConvolution.applies(geometry(channels: wide, height: side5, width: side5 + 10, kernel: 5, padding: 2), outChannels: wide))
        #expect(!WinogradConvolution.applies(geometry(channels: wide, height: side5 - 2, width: side5, kernel: 5, padding: 2), outChannels: wide))
        #expect(!WinogradConvolution.applies(geometry(channels: wide, height: side5, width: side5, kernel: 5, padding: 1), outChannels: wide))
        #expect(!WinogradConvolution.applies(geometry(channels: wide, height: side5, width: side5, kernel: 7, padding: 3), outChannels: wide))
        #expect(WinogradConvolution.tiling(for: geometry(channels: wide, height: 24, width: 24, kernel: 5, padding: 2)).taps == 5)
        // F(4x4, 3x3) where both sides are multiples of 4, else F(2x2, 3x3).
        #expect(WinogradConvolution.tiling(for: geometry(channels: wide, height: 12, width: 56)).side == 4)
        #expect(WinogradConvolution.tiling(for: geometry(channels: wide, height: 14, width: 56)).side == 2)
        #expect(WinogradConvolution.tiling(for: geometry(channels: wide, height: 56, width: 14)).side == 2)
    }

    /// conv2d on a layer the path takes (AlexNet's shape, fewer images): the definition's output, and the lowered
    /// path's gradients.
    @Test func conv2dTakesItWhereItApplies() {
        let (n, c, o, side) = (2, WinogradConvolution.minimumChannels, WinogradConvolution.minimumChannels + 8, WinogradConvolution.minimumSide(kernel: 3))
        let g = ConvGeometry(batch: n, channels: c, height: side, width: side, kernelHeight: 3, kernelWidth: 3, stride: 1, padding: 1)
        #expect(WinogradConvolution.applies(g, outChannels: o))
        let x = randomTensor([n, c, side, side], seed: 21), weight = randomTensor([o, c, 3, 3], seed: 22), bias = randomTensor([o], seed: 23)
        let seed = randomTensor([n, o, side, side], seed: 24, requiresGrad: false)
        let results = [true, false].map { winograd in
            [x, weight, bias].forEach { $0.grad = nil }
            let y = winograd ? conv2d(x, weight: weight, bias: bias, stride: 1, padding: 1) : loweredConv2d(x, weight: weight, bias: bias, g)
            y.backward(seed)
            return [y, x.grad!, weight.grad!, bias.grad!]
        }
        #expect(Self.close(results[0][0].scalars, ImplicitConvolutionTests.definition(x, weight, bias).map(Double.init)))
        for (index, (winograd, lowered)) in zip(results[0], results[1]).enumerated() {
            #expect(Self.close(winograd.scalars, lowered.scalars.map(Double.init)), "result \(index)")
        }
    }
}
