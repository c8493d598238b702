import CKernels

/// 3x3 and 5x5 convolutions at stride 1 that keep the map's size, by Winograd's minimal filtering (Lavin and Gray, 2016):
/// F(2x2, 3x3), F(4x4, 3x3) or F(2x2, 5x5) (`WinogradConvolution.Tiling`). Each s x s tile of the output is
/// A^T [(G g G^T) . (B^T d B)] A for the n x n tile d of the input around it (n = s + taps - 1), n^2 multiplications
/// where the definition takes taps^2 s^2. Over channels the elementwise products are n^2 matrix products,
/// U[point][out][in] x V[point][in][tiles], which sgemm does: 2.25 (F(2x2, 3x3)), 4 (F(4x4, 3x3)) or 2.8 (F(2x2, 5x5))
/// times fewer multiply-adds than the implicit or lowered path, plus the transforms (C kernels, `winograd_input`,
/// `winograd_output`, `winograd_output_adjoint`). The input's gradient is the same convolution of the output's gradient
/// with the kernels turned around; the weights' gradient is the adjoint of the same products: dU[point] = dM[point] x
/// V[point]^T, dM = A dY A^T per tile, dw = G^T dU G. FLOPs are counted as the definition's (`FLOPCounter.counting`),
/// not as the products compute them.
enum WinogradConvolution {
    /// One of the algorithms: its output tile's side, its kernel's, and G.
    struct Tiling: Sendable, CustomStringConvertible {
        /// The side of an output tile (2 or 4).
        let side: Int
        /// The kernel's side (3 or 5).
        let taps: Int
        /// G, (side + taps - 1) x taps, row-major.
        let g: [Float]

        /// F(2x2, 3x3): G = [1 0 0; 1/2 1/2 1/2; 1/2 -1/2 1/2; 0 0 1].
        static let f2 = Tiling(side: 2, taps: 3, g: [1, 0, 0, 0.5, 0.5, 0.5, 0.5, -0.5, 0.5, 0, 0, 1])
        /// F(4x4, 3x3) at the points 0, 1, -1, 2, -2 and infinity: row p of G is a scale times (1, p, p^2).
        static let f4 = Tiling(side: 4, taps: 3, g: [0.25, 0, 0, -1.0 / 6, -1.0 / 6, -1.0 / 6, -1.0 / 6, 1.0 / 6, -1.0 / 6,
                                                     1.0 / 24, 1.0 / 12, 1.0 / 6, 1.0 / 24, -1.0 / 12, 1.0 / 6, 0, 0, 1])
        /// F(2x2, 5x5) at the same points and scales as F(4x4, 3x3) (the same B): rows (1, p, p^2, p^3, p^4).
        static let f2x5 = Tiling(side: 2, taps: 5, g: [0.25, 0, 0, 0, 0,
                                                       -1.0 / 6, -1.0 / 6, -1.0 / 6, -1.0 / 6, -1.0 / 6,
                                                       -1.0 / 6, 1.0 / 6, -1.0 / 6, 1.0 / 6, -1.0 / 6,
                                                       1.0 / 24, 1.0 / 12, 1.0 / 6, 1.0 / 3, 2.0 / 3,
                                                       1.0 / 24, -1.0 / 12, 1.0 / 6, -1.0 / 3, 2.0 / 3,
                                                       0, 0, 0, 0, 1])

        /// The side of an input tile.
        var inputSide: Int { side + taps - 1 }
        /// Products per tile: the matrices a transform fills.
        var points: Int { inputSide * inputSide }
        var description: String { "F(\(side)x\(side), \(taps)x\(taps))" }

        /// Output tiles per image of `g`.
        func tilesPerImage(_ g: ConvGeometry) -> Int { (g.height + side - 1) / side * ((g.width + side - 1) / side) }
    }

    /// Whether Winograd's minimal filtering takes `g`: a 3x3 kernel with padding 1 or a 5x5 one with padding 2, at stride 1,
    /// at least `minimumChannels` channels in and out, on a map of even sides from `minimumSide(kernel:)` to
    /// `ZOO_WINOGRAD_MAX_WIDTH`. Measured per layer against the implicit path (Results/bench/winograd, winograd-f4),
    /// training steps with F(2x2, 3x3): 1.45-1.53x as fast on AlexNet's 12x12 layers, 1.15-1.39x on VGG-11's from 56x56
    /// to 14x14 (64 channels and more), 1.16-1.50x on GoogLeNet's; slower with fewer than 64 channels (0.69-0.88x, and
    /// 0.69-1.08x with F(4x4, 3x3): the transforms cost more than the products save) and on 3x3 and 7x7 maps (0.61-0.88x:
    /// odd sides waste up to half the tiles). On 6x6 maps (Results/bench/winograd-6x6) ResNet-18's 256->256 layers at
    /// 96 px train in about half the time of the implicit path, GoogLeNet's 3x3 layers in 58-83% of it; in inference
    /// GoogLeNet's three narrowest (96->208 to 128->256) are 5-22% slower, a few ms per pass. F(2x2, 5x5): 1.31-1.44x on
    /// AlexNet's 96->256 on 26x26, 1.08x on 64->64 on 26x26, 0.39-0.74x on maps of 12x12 and less.
    static func applies(_ g: ConvGeometry, outChannels: Int) -> Bool {
        [3, 5].contains(g.kernelHeight) && g.kernelWidth == g.kernelHeight && g.padding == g.kernelHeight / 2 && g.stride == 1
            && min(g.channels, outChannels) >= minimumChannels && min(g.height, g.width) >= minimumSide(kernel: g.kernelHeight)
            && g.height % 2 == 0 && g.width % 2 == 0 && g.width <= Int(ZOO_WINOGRAD_MAX_WIDTH)
    }

    /// The algorithm for `g`: F(2x2, 5x5) for a 5x5 kernel; for a 3x3 one F(4x4, 3x3) where both sides of the map are
    /// multiples of 4, else F(2x2, 3x3).
    static func tiling(for g: ConvGeometry) -> Tiling {
        g.kernelHeight == 5 ? .f2x5 : g.height % 4 == 0 && g.width % 4 == 0 ? .f4 : .f2
    }

    /// Fewest channels in and out for the Winograd path.
    static let minimumChannels = 64

    /// The smallest side of a map the Winograd path takes for a kernel of side `kernel` (3 or 5).
    static func minimumSide(kernel: Int) -> Int { kernel == 5 ? 16 : 6 }

    /// Groups of `g`'s images whose transformed input and products ([points][channels][tiles]) each fit `budget` floats.
    static func imageGroups(_ g: ConvGeometry, outChannels: Int, tiling: Tiling, budget: Int) -> [Range<Int>] {
        let perImage = tiling.points * max(g.channels, outChannels) * tiling.tilesPerImage(g), size = max(1, budget / max(1, perImage))
        return stride(from: 0, to: g.batch, by: size).map { $0..<min(g.batch, $0 + size) }
    }

    /// Floats between the matrices of `count` floats each: `count` rounded up to 1,024 and then 80 more, so that the
    /// matrices start on different cache lines of a 4 KB page (at a power-of-two distance, the transforms' streams
    /// would share one set of the caches and evict each other).
    static func matrixStride(_ count: Int) -> Int { (count + 1023) / 1024 * 1024 + 80 }

    /// The kernels transformed, U = G g G^T, as [points][outChannels][channels]: from w [outChannels][channels][taps][taps],
    /// or, `turned`, from w [channels][outChannels][taps][taps] with in and out exchanged and the taps reversed (the
    /// input's gradient).
    static func transformedWeights(_ w: UnsafePointer<Float>, outChannels: Int, channels: Int, turned: Bool,
                                   tiling: Tiling, kernels: zoo_kernel_table = KernelLevel.kernels) -> PooledBuffer {
        let transformed = PooledBuffer(tiling.points * outChannels * channels), area = tiling.taps * tiling.taps
        // Kernel (o, c) lies at o * outStep + c * inStep.
        let (outStep, inStep) = turned ? (area, outChannels * area) : (channels * area, area)
        tiling.g.withUnsafeBufferPointer { g in
            parallelChunks(outChannels, costPerItem: 4 * tiling.points * channels) { outputs in
                kernels.winograd_weights(Int32(tiling.side), Int32(tiling.taps), g.baseAddress!, w, outStep, inStep, turned ? 1 : 0,
                                         channels, outputs.lowerBound, outputs.upperBound, outChannels * channels, transformed.pointer)
            }
        }
        return transformed
    }

    /// y (NCHW, `outChannels` channels) = conv(x, w) + bias for the NCHW batch x of geometry `g` (kept only where `mask`,
    /// of x's shape, is positive, when given: a ReLU's gradient), w as `transformedWeights` gives it for `tiling`; by
    /// `kernels` (those in use unless a test picks others).
    static func forward(_ x: UnsafePointer<Float>, keepingWherePositive mask: UnsafePointer<Float>? = nil, _ g: ConvGeometry,
                        _ weights: PooledBuffer, outChannels: Int, bias: UnsafePointer<Float>?, into y: UnsafeMutablePointer<Float>,
                        tiling: Tiling, kernels: zoo_kernel_table = KernelLevel.kernels) {
        let (perImage, points) = (tiling.tilesPerImage(g), tiling.points), tiles = g.batch * perImage
        let (inStride, outStride) = (matrixStride(g.channels * tiles), matrixStride(outChannels * tiles))
        let transformed = PooledBuffer(points * inStride), products = PooledBuffer(points * outStride)
        defer { withExtendedLifetime((transformed, products, weights)) {} }
        let (side, taps) = (Int32(tiling.side), Int32(tiling.taps))
        parallelChunks(g.batch * g.channels, costPerItem: points * perImage) { planes in
            kernels.winograd_input(side, taps, x, mask, g.batch, g.channels, g.height, g.width, planes.lowerBound, planes.upperBound,
                                   inStride, transformed.pointer)
        }
        FLOPCounter.counting(2 * outChannels * g.patch * g.batch * g.positions) {
            for xi in 0..<points {
                gemm(m: outChannels, n: tiles, k: g.channels, weights.pointer + xi * outChannels * g.channels,
                     transformed.pointer + xi * inStride, products.pointer + xi * outStride)
            }
        }
        parallelChunks(g.batch * outChannels, costPerItem: points * perImage) { planes in
            kernels.winograd_output(side, taps, products.pointer, g.batch, outChannels, g.height, g.width, outStride, bias,
                                    planes.lowerBound, planes.upperBound, y)
        }
    }

    /// The weights' gradient summed over groups of images: `add` each group's input and output's gradient, then
    /// `write` dw [outChannels][channels][taps][taps].
    final class FilterGradient {
        private let sums: PooledBuffer, outChannels: Int, channels: Int, tiling: Tiling
        private var empty = true

        init(outChannels: Int, channels: Int, tiling: Tiling) {
            (self.outChannels, self.channels, self.tiling) = (outChannels, channels, tiling)
            sums = PooledBuffer(tiling.points * outChannels * channels)
        }

        /// Adds the gradient of U from the NCHW input x of geometry `g` and the output's NCHW gradient (kept only where
        /// `mask`, of its shape, is positive, when given).
        func add(_ x: UnsafePointer<Float>, gradient: UnsafePointer<Float>, keepingWherePositive mask: UnsafePointer<Float>? = nil,
                 _ g: ConvGeometry, kernels: zoo_kernel_table = KernelLevel.kernels) {
            let (perImage, points) = (tiling.tilesPerImage(g), tiling.points), tiles = g.batch * perImage
            let (inStride, outStride) = (matrixStride(channels * tiles), matrixStride(outChannels * tiles))
            let transformed = PooledBuffer(points * inStride), products = PooledBuffer(points * outStride)
            defer { withExtendedLifetime((transformed, products)) {} }
            let (side, taps, channels, outChannels) = (Int32(tiling.side), Int32(tiling.taps), channels, outChannels)
            parallelChunks(g.batch * channels, costPerItem: points * perImage) { planes in
                kernels.winograd_input(side, taps, x, nil, g.batch, channels, g.height, g.width, planes.lowerBound, planes.upperBound,
                                       inStride, transformed.pointer)
            }
            parallelChunks(g.batch * outChannels, costPerItem: points * perImage) { planes in
                kernels.winograd_output_adjoint(side, taps, gradient, mask, g.batch, outChannels, g.height, g.width, planes.lowerBound,
                                                planes.upperBound, outStride, products.pointer)
            }
            FLOPCounter.counting(2 * outChannels * g.patch * g.batch * g.positions) {
                for xi in 0..<points {
                    gemm(transposeB: true, m: outChannels, n: channels, k: tiles, products.pointer + xi * outStride,
                         transformed.pointer + xi * inStride, beta: empty ? 0 : 1, sums.pointer + xi * outChannels * channels)
                }
            }
            empty = false
        }

        /// dw = G^T dU G for each kernel (zeros when no images were added).
        func write(into dw: UnsafeMutablePointer<Float>, kernels: zoo_kernel_table = KernelLevel.kernels) {
            if empty { dw.update(repeating: 0, count: outChannels * channels * tiling.taps * tiling.taps); return }
            let (sums, tiling, channels, matrix) = (sums, tiling, channels, outChannels * channels)
            tiling.g.withUnsafeBufferPointer { g in
                parallelChunks(outChannels, costPerItem: 4 * tiling.points * channels) { outputs in
                    kernels.winograd_weights_adjoint(Int32(tiling.side), Int32(tiling.taps), g.baseAddress!, sums.pointer, channels,
                                                     outputs.lowerBound, outputs.upperBound, matrix, dw)
                }
            }
        }
    }
}
