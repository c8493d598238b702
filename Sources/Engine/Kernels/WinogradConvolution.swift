import CKernels

/// 3x3 convolutions at stride 1 with padding 1 by Winograd's F(2x2, 3x3) (Lavin and Gray, 2016): each 2x2 tile of the
/// output is A^T [(G g G^T) . (B^T d B)] A for the 4x4 tile d of the input around it, sixteen multiplications where the
/// definition takes thirty-six. Over channels the sixteen elementwise products are sixteen matrix products,
/// U[16][out][in] x V[16][in][tiles], which sgemm does: 2.25 times fewer multiply-adds than the implicit or lowered
/// path, plus the transforms (C kernels, `winograd_input`, `winograd_output`, `winograd_output_adjoint`). The input's
/// gradient is the same convolution of the output's gradient with the kernels turned around; the weights' gradient is
/// the adjoint of the same products: dU[16] = dM[16] x V[16]^T, dM = A dY A^T per tile, dw = G^T dU G.
/// FLOPs are counted as the definition's (`FLOPCounter.counting`), not as the products compute them.
enum WinogradConvolution {
    /// Whether Winograd's F(2x2, 3x3) takes `g`: a 3x3 kernel at stride 1 with padding 1, at least `minimumChannels`
    /// channels in and out, on a map of even sides from `minimumSide` to `ZOO_WINOGRAD_MAX_WIDTH`. Measured per layer
    /// against the implicit path (Results/bench/winograd), training steps: 1.45-1.53x as fast on AlexNet's 12x12 layers,
    /// 1.15-1.39x on VGG-11's from 56x56 to 14x14 (64 channels and more), 1.16-1.50x on GoogLeNet's; slower with fewer
    /// than 64 channels (0.69-0.88x: the transforms cost more than the products save) and on 3x3 and 7x7 maps (0.61-0.88x:
    /// odd sides waste up to half the tiles).
    static func applies(_ g: ConvGeometry, outChannels: Int) -> Bool {
        g.kernelHeight == 3 && g.kernelWidth == 3 && g.stride == 1 && g.padding == 1 && min(g.channels, outChannels) >= minimumChannels
            && min(g.height, g.width) >= minimumSide && g.height % 2 == 0 && g.width % 2 == 0 && g.width <= Int(ZOO_WINOGRAD_MAX_WIDTH)
    }

    /// Fewest channels in and out for the Winograd path.
    static let minimumChannels = 64

    /// The smallest side of a map the Winograd path takes.
    static let minimumSide = 8

    /// 2x2 output tiles per image of `g`.
    static func tilesPerImage(_ g: ConvGeometry) -> Int { (g.height + 1) / 2 * ((g.width + 1) / 2) }

    /// Groups of `g`'s images whose transformed input and products ([16][channels][tiles]) each fit `budget` floats.
    static func imageGroups(_ g: ConvGeometry, outChannels: Int, budget: Int) -> [Range<Int>] {
        let perImage = 16 * max(g.channels, outChannels) * tilesPerImage(g), size = max(1, budget / max(1, perImage))
        return stride(from: 0, to: g.batch, by: size).map { $0..<min(g.batch, $0 + size) }
    }

    /// Floats between the sixteen matrices of `count` floats each: `count` rounded up to 1,024 and then 80 more, so that
    /// the matrices start on different cache lines of a 4 KB page (at a power-of-two distance, the transforms' sixteen
    /// streams would share one set of the caches and evict each other).
    static func matrixStride(_ count: Int) -> Int { (count + 1023) / 1024 * 1024 + 80 }

    /// The kernels transformed, U = G g G^T, as [16][outChannels][channels]: from w [outChannels][channels][3][3], or,
    /// `turned`, from w [channels][outChannels][3][3] with in and out exchanged and the taps reversed (the input's
    /// gradient).
    static func transformedWeights(_ w: UnsafePointer<Float>, outChannels: Int, channels: Int, turned: Bool) -> PooledBuffer {
        let transformed = PooledBuffer(16 * outChannels * channels), u = transformed.pointer, matrix = outChannels * channels
        parallelChunks(outChannels, costPerItem: 64 * channels) { outputs in
            for o in outputs {
                for c in 0..<channels {
                    let k = { (t: Int) in turned ? w[(c * outChannels + o) * 9 + 8 - t] : w[(o * channels + c) * 9 + t] }
                    // G g a column at a time (each a 4-vector), then G on each of the four rows of the result.
                    let (a, b, d) = (spread(k(0), k(3), k(6)), spread(k(1), k(4), k(7)), spread(k(2), k(5), k(8)))
                    let target = u + o * channels + c
                    func store(_ row: Int, _ values: (Float, Float, Float, Float)) {
                        let at = target + 4 * row * matrix
                        (at[0], at[matrix], at[2 * matrix], at[3 * matrix]) = values
                    }
                    store(0, spread(a.0, b.0, d.0))
                    store(1, spread(a.1, b.1, d.1))
                    store(2, spread(a.2, b.2, d.2))
                    store(3, spread(a.3, b.3, d.3))
                }
            }
        }
        return transformed
    }

    /// y (NCHW, `outChannels` channels) = conv(x, w) + bias for the NCHW batch x of geometry `g` (kept only where `mask`,
    /// of x's shape, is positive, when given: a ReLU's gradient), w as `transformedWeights` gives it; by `kernels` (those
    /// in use unless a test picks others).
    static func forward(_ x: UnsafePointer<Float>, keepingWherePositive mask: UnsafePointer<Float>? = nil, _ g: ConvGeometry,
                        _ weights: PooledBuffer, outChannels: Int, bias: UnsafePointer<Float>?, into y: UnsafeMutablePointer<Float>,
                        kernels: zoo_kernel_table = KernelLevel.kernels) {
        let tiles = g.batch * tilesPerImage(g)
        let (inStride, outStride) = (matrixStride(g.channels * tiles), matrixStride(outChannels * tiles))
        let transformed = PooledBuffer(16 * inStride), products = PooledBuffer(16 * outStride)
        defer { withExtendedLifetime((transformed, products, weights)) {} }
        parallelChunks(g.batch * g.channels, costPerItem: 16 * tilesPerImage(g)) { planes in
            kernels.winograd_input(x, mask, g.batch, g.channels, g.height, g.width, planes.lowerBound, planes.upperBound, inStride,
                                   transformed.pointer)
        }
        FLOPCounter.counting(2 * outChannels * g.patch * g.batch * g.positions) {
            for xi in 0..<16 {
                gemm(m: outChannels, n: tiles, k: g.channels, weights.pointer + xi * outChannels * g.channels,
                     transformed.pointer + xi * inStride, products.pointer + xi * outStride)
            }
        }
        parallelChunks(g.batch * outChannels, costPerItem: 16 * tilesPerImage(g)) { planes in
            kernels.winograd_output(products.pointer, g.batch, outChannels, g.height, g.width, outStride, bias, planes.lowerBound,
                                    planes.upperBound, y)
        }
    }

    /// The weights' gradient summed over groups of images: `add` each group's input and output's gradient, then
    /// `write` dw [outChannels][channels][3][3].
    final class FilterGradient {
        private let sums: PooledBuffer, outChannels: Int, channels: Int
        private var empty = true

        init(outChannels: Int, channels: Int) {
            (self.outChannels, self.channels) = (outChannels, channels)
            sums = PooledBuffer(16 * outChannels * channels)
        }

        /// Adds the gradient of U from the NCHW input x of geometry `g` and the output's NCHW gradient (kept only where
        /// `mask`, of its shape, is positive, when given).
        func add(_ x: UnsafePointer<Float>, gradient: UnsafePointer<Float>, keepingWherePositive mask: UnsafePointer<Float>? = nil,
                 _ g: ConvGeometry, kernels: zoo_kernel_table = KernelLevel.kernels) {
            let tiles = g.batch * tilesPerImage(g)
            let (inStride, outStride) = (matrixStride(channels * tiles), matrixStride(outChannels * tiles))
            let transformed = PooledBuffer(16 * inStride), products = PooledBuffer(16 * outStride)
            defer { withExtendedLifetime((transformed, products)) {} }
            parallelChunks(g.batch * channels, costPerItem: 16 * tilesPerImage(g)) { planes in
                kernels.winograd_input(x, nil, g.batch, channels, g.height, g.width, planes.lowerBound, planes.upperBound, inStride,
                                       transformed.pointer)
            }
            parallelChunks(g.batch * outChannels, costPerItem: 16 * tilesPerImage(g)) { planes in
                kernels.winograd_output_adjoint(gradient, mask, g.batch, outChannels, g.height, g.width, planes.lowerBound,
                                                planes.upperBound, outStride, products.pointer)
            }
            FLOPCounter.counting(2 * outChannels * g.patch * g.batch * g.positions) {
                for xi in 0..<16 {
                    gemm(transposeB: true, m: outChannels, n: channels, k: tiles, products.pointer + xi * outStride,
                         transformed.pointer + xi * inStride, beta: empty ? 0 : 1, sums.pointer + xi * outChannels * channels)
                }
            }
            empty = false
        }

        /// dw = G^T dU G for each kernel (zeros when no images were added).
        func write(into dw: UnsafeMutablePointer<Float>) {
            if empty { dw.update(repeating: 0, count: outChannels * channels * 9); return }
            let u = sums.pointer, matrix = outChannels * channels
            parallelChunks(outChannels, costPerItem: 64 * channels) { outputs in
                for o in outputs {
                    for c in 0..<channels {
                        // G^T dU a column at a time (each a 3-vector), then G^T on each of the three rows of the result.
                        let at = u + o * channels + c
                        let column = { (j: Int) in gather(at[j * matrix], at[(4 + j) * matrix], at[(8 + j) * matrix], at[(12 + j) * matrix]) }
                        let (a, b, d, e) = (column(0), column(1), column(2), column(3))
                        let kernel = dw + (o * channels + c) * 9
                        (kernel[0], kernel[1], kernel[2]) = gather(a.0, b.0, d.0, e.0)
                        (kernel[3], kernel[4], kernel[5]) = gather(a.1, b.1, d.1, e.1)
                        (kernel[6], kernel[7], kernel[8]) = gather(a.2, b.2, d.2, e.2)
                    }
                }
            }
        }
    }
}

/// G (a b c)^T for Winograd's F(2x2, 3x3): a, (a + b + c) / 2, (a - b + c) / 2, c.
@inline(__always)
private func spread(_ a: Float, _ b: Float, _ c: Float) -> (Float, Float, Float, Float) { (a, (a + b + c) / 2, (a - b + c) / 2, c) }

/// G^T (a b c d)^T, the adjoint of `spread`: a + (b + c) / 2, (b - c) / 2, (b + c) / 2 + d.
@inline(__always)
private func gather(_ a: Float, _ b: Float, _ c: Float, _ d: Float) -> (Float, Float, Float) { (a + (b + c) / 2, (b - c) / 2, (b + c) / 2 + d) }
