import CKernels

/// Floats of a channel-major input or output per group of images on the implicit path (16 MB): the whole batch at
/// ResNet's 28x28 sizes, AlexNet's 12x12 layers at batch 256 in four groups.
let implicitBudget = 2 * loweringBudget

/// The same where nothing records (4 MB): the channel-major output of a group is then the largest thing beside the
/// weights (ResNet-18's 7x7 first layer at 28x28: its whole batch took its inference peak from 90 to 103 MiB).
let evaluationImplicitBudget = implicitBudget / 4

/// 3x3 convolutions (padding 1: the body of ResNet, VGG and GoogLeNet) and 5x5 convolutions (padding 2, stride 1:
/// NiN's and AlexNet's second layers, GoogLeNet's 5x5 paths) on maps of any size, without a lowered matrix: the batch is
/// laid out channel-major ([C, N*H*W], the layout the lowered GEMM's product already has) and the kernels read each
/// tap's pixels from it directly, with masks for the padding. At stride 2 (the first layer of ResNet's stages) each
/// channel is laid out as its four row and column parities on the output's map ([C, 4, N*H'*W'], the lowering of a
/// 2x2 stride-2 window), where every tap is a shift of one of them: the same kernels, the same multiply-adds as the
/// definition. The forward pass keeps 8 output channels x 32 pixels in registers (AVX-512; 4 x 16 with AVX2); the
/// input's gradient is the same convolution of the output's gradient with the kernels turned around; the weights'
/// gradient keeps 4 output x 4 input channels per tap in registers, summed over pixels. Measured
/// (Results/bench/conv-prototype) at 90-100% of sgemm on ResNet-18's layers, where im2col + sgemm reached 43-74%
/// forward and sgemm on a kept lowered matrix 84-93% for the weights' gradient.
enum ImplicitConvolution {
    /// Floats readable before and after a channel-major batch (a 5x5 kernel's tap, and a 7x7 one's at stride 2 on the parities, reaches two rows and two pixels away,
    /// a vector reads 32).
    static func guardSize(width: Int) -> Int { 2 * (width + 1) + 32 }

    /// Whether the kernels take `g` (`g.channels` in, `outChannels` out), with the input's gradient if
    /// `inputGradient`: a 3x3 kernel (padding 1), a 5x5 kernel (padding 2, stride 1) or a 7x7 kernel at stride 2
    /// (padding 3: the first layer of ResNet, GoogLeNet and DenseNet, whose input needs no gradient) on any map, output pixels a
    /// multiple of 32, channels out (and in, for the input's gradient) multiples of 8, where they were measured faster
    /// than the lowered path (`pays(_:outChannels:level:)`). Stride 2 without the input's gradient only (evaluation;
    /// the turned convolution of the parities is not written yet).
    static func applies(_ g: ConvGeometry, outChannels: Int, inputGradient: Bool = false,
                        level: String = String(cString: zoo_kernels_level())) -> Bool {
        let kernel3x3 = g.kernelHeight == 3 && g.kernelWidth == 3 && g.padding == 1
            && (g.stride == 1 || g.stride == 2 && !inputGradient && g.height % 2 == g.width % 2)
        let kernel5x5 = g.kernelHeight == 5 && g.kernelWidth == 5 && g.padding == 2 && g.stride == 1
        let stem7x7 = g.kernelHeight == 7 && g.kernelWidth == 7 && g.padding == 3 && g.stride == 2 && !inputGradient
            && g.height % 2 == g.width % 2
        return (kernel3x3 || kernel5x5 || stem7x7) && (g.batch * g.positions) % 32 == 0 && outChannels % 8 == 0
            && (!inputGradient || g.channels % 8 == 0) && pays(g, outChannels: outChannels, level: level)
    }

    /// Where the kernels of `level` beat the lowered path, measured per layer in one process. AVX-512: everywhere
    /// measured (Results/bench/implicit-5x5: 10-25% less time each pass on NiN's and AlexNet's 5x5 layers and on VGG's
    /// 3x3 layers from 28x28 to 112x112, half at 224x224). AVX2 (16 registers, half the lanes): only narrow layers on
    /// small maps, at most 32 channels out on output maps of at most 144 pixels at stride 1 (DenseNet's 3x3 growth
    /// layers: training steps 1.2-3.3x as fast on 3x3 to 8x8 maps, 1.04-1.17x on 12x12; GoogLeNet's 5x5 16->32 on
    /// 12x12 1.17x); wider layers or larger maps 0.71-0.96x (Results/bench/avx2-emulated); and the 7x7 stride-2 first
    /// layers (1 -> 64 at 96 px: forward 45-54 -> 35-36 ms, weights' gradient 67-89 -> 65-68, inference 43-79 -> 40-42;
    /// Results/bench/stem7x7/avx2.txt). Elsewhere the lowered path, until measured. Not 3x3 kernels at stride 2 (ResNet's
    /// stage openings in evaluation): measured 15-20% faster than lowered when written (3180191), on an Emerald Rapids
    /// 1.0-2.0x slower (Results/bench/stride2-lowered: ResNet-50's 256->256 on 4x4 15-22 ms against 7-9 lowered, 128->128
    /// on 7x7 14-17 against 9-10; ResNet-18's at 96 px level on 24x24, slower from 12x12 down): no level takes them now;
    /// their kernels stay, tested against the definition, for a CPU where they pay.
    static func pays(_ g: ConvGeometry, outChannels: Int, level: String) -> Bool {
        switch level {
        case "avx512": g.stride == 1 || g.kernelWidth == 7
        case "avx2": outChannels <= 32 && g.stride == 1 && g.outHeight * g.outWidth <= 144 || g.kernelWidth == 7 && g.stride == 2
        default: false
        }
    }

    /// Groups of `g`'s images whose channel-major input (its four parities at stride 2) and output each fit `budget`
    /// floats, in multiples of the fewest images whose pixels fill the kernels' 32-pixel panels (at least one such
    /// multiple, whatever the budget).
    static func imageGroups(_ g: ConvGeometry, outChannels: Int, budget: Int) -> [Range<Int>] {
        let unit = 32 / greatestCommonDivisor(g.positions, 32)
        let perImage = max(g.channels * (g.stride == 2 ? 4 : 1), outChannels) * g.positions
        let size = max(unit, budget / max(1, perImage) / unit * unit)
        return stride(from: 0, to: g.batch, by: size).map { $0..<min(g.batch, $0 + size) }
    }

    /// The kernels' taps for `g` as (plane, dy, dx) triples in the weights' (ky, kx) order, and the planes per channel:
    /// at stride 1 one plane and shifts ky - padding, kx - padding; at stride 2, input row 2 oy + ky - padding is a row
    /// of one parity, shifted by at most two rows (7x7), the same for columns.
    static func taps(_ g: ConvGeometry) -> (taps: [Int], planes: Int) {
        let (side, reach) = (g.kernelWidth, g.padding)
        let shifts = (0..<side * side).map { t in (t / side - reach, t % side - reach) }
        guard g.stride == 2 else { return (shifts.flatMap { [0, $0.0, $0.1] }, 1) }
        // Input row 2 oy + d is row oy + shift of the parity plane k when 2 (oy + shift) + k - padding = 2 oy + d.
        let padding = g.parities.padding
        func parity(_ d: Int) -> (plane: Int, shift: Int) {
            let k = (d + padding + 4) % 2  // d from -3 (7x7)
            return (k, (d + padding - k) / 2)
        }
        return (shifts.flatMap { dy, dx in
            let (row, column) = (parity(dy), parity(dx))
            return [2 * row.plane + column.plane, row.shift, column.shift]
        }, 4)
    }

    /// The kernels' taps for `g` over `positions` output pixels (images x the output's map), as `zoo_taps` has them:
    /// each tap's offset in the channel-major batch and its table of the pixels of one image's map where it reads inside
    /// the map (no padding). Built once per convolution, read by every thread of its kernels.
    struct TapTable {
        let offsets: [Int], inside: [Int8], area: Int
        /// Planes per channel of the batch the taps read (`taps(_:)`).
        let planes: Int

        init(_ g: ConvGeometry, positions: Int) {
            let (triples, planes) = ImplicitConvolution.taps(g), (height, width) = (g.outHeight, g.outWidth)
            let count = triples.count / 3, slack = Int(ZOO_TAP_SLACK)
            area = height * width
            let rowBytes = area + slack
            var offsets = [Int](), inside = [Int8](repeating: 0, count: count * rowBytes)
            for t in 0..<count {
                let (plane, dy, dx) = (triples[3 * t], triples[3 * t + 1], triples[3 * t + 2])
                offsets.append(plane * positions + dy * width + dx)
                let row = t * rowBytes
                for y in 0..<height where (0..<height).contains(y + dy) {
                    for x in 0..<width where (0..<width).contains(x + dx) { inside[row + y * width + x] = -1 }
                }
                for i in area..<rowBytes { inside[row + i] = inside[row + (i - area) % area] }
            }
            (self.offsets, self.inside, self.planes) = (offsets, inside, planes)
        }

        /// `body` with the table as the kernels take it.
        func withTaps<Result>(_ body: (UnsafePointer<zoo_taps>) -> Result) -> Result {
            offsets.withUnsafeBufferPointer { offsets in
                inside.withUnsafeBufferPointer { inside in
                    var taps = zoo_taps(offsets: offsets.baseAddress, inside: inside.baseAddress, count: offsets.count, area: area)
                    return withUnsafePointer(to: &taps, body)
                }
            }
        }
    }

    /// y = conv(x, w) + b (through `map`) for NCHW y from the channel-major `input`, by `kernels` (those in use unless a
    /// test picks others); w as `packed` already holds it when given (a caller that runs several groups of images).
    static func forward(_ input: GuardedBatch, _ w: UnsafePointer<Float>, _ bias: UnsafePointer<Float>?, _ g: ConvGeometry,
                        outChannels: Int, into y: UnsafeMutablePointer<Float>, then map: ChannelMap = .identity,
                        packed: PackedWeights? = nil, kernels: zoo_kernel_table = KernelLevel.kernels) {
        let weights = packed ?? PackedWeights(w, outChannels: outChannels, channels: g.channels, taps: g.kernelHeight * g.kernelWidth,
                                              turned: false)
        convolve(input.start, g, weights, outChannels: outChannels, kernels: kernels) { output in
            channelMajorToBatchMajor(output, y, batch: g.batch, channels: outChannels, positions: g.positions, bias: bias, then: map)
        }
    }

    /// dx (NCHW) of conv(x, w) from the output's gradient laid out channel-major in `gradient` (`GuardedBatch`); w turned
    /// as `packed` already holds it when given.
    static func inputGradient(_ gradient: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ g: ConvGeometry, outChannels: Int,
                              into dx: UnsafeMutablePointer<Float>, packed: PackedWeights? = nil,
                              kernels: zoo_kernel_table = KernelLevel.kernels) {
        precondition(g.stride == 1, "the implicit input gradient is written for stride 1")
        let weights = packed ?? PackedWeights(w, outChannels: g.channels, channels: outChannels, taps: g.kernelHeight * g.kernelWidth,
                                              turned: true)
        convolve(gradient, g.with(channels: outChannels), weights, outChannels: g.channels, kernels: kernels) { output in
            channelMajorToBatchMajor(output, dx, batch: g.batch, channels: g.channels, positions: g.height * g.width, bias: nil)
        }
    }

    /// dw [outChannels, g.channels, k, k] of conv(x, w) from the channel-major `input` and the output's channel-major
    /// `gradient` [outChannels, images x pixels].
    static func filterGradient(_ input: GuardedBatch, _ gradient: UnsafePointer<Float>, _ g: ConvGeometry, outChannels: Int,
                               into dw: UnsafeMutablePointer<Float>, kernels: zoo_kernel_table = KernelLevel.kernels) {
        let positions = g.batch * g.positions, table = TapTable(g, positions: positions)
        FLOPCounter.count &+= 2 * outChannels * g.patch * positions
        table.withTaps { taps in
            parallelChunks(outChannels / 4, costPerItem: 4 * g.patch * positions) { blocks in
                kernels.implicit_convolution_filter_gradient(input.start, g.channels, table.planes, positions, taps, gradient,
                                                             blocks.lowerBound * 4, blocks.upperBound * 4, dw)
            }
        }
    }

    /// A channel-major batch, `channels` planes of `positions` floats (images x pixels), with `guardSize(width:)`
    /// zeros before and after, from the buffer pool, returned to it when the last reference goes.
    final class GuardedBatch {
        private let buffer: PooledBuffer
        /// Where the batch starts.
        let start: UnsafeMutablePointer<Float>

        init(channels: Int, positions: Int, width: Int) {
            let count = channels * positions, guardSize = ImplicitConvolution.guardSize(width: width)
            buffer = PooledBuffer(count + 2 * guardSize)
            start = buffer.pointer + guardSize
            buffer.pointer.update(repeating: 0, count: guardSize)
            (start + count).update(repeating: 0, count: guardSize)
        }

        /// The NCHW batch `x` of geometry `g`, laid out channel-major: at stride 2, each channel as its four parities.
        convenience init(channelMajorOf x: UnsafePointer<Float>, _ g: ConvGeometry) {
            // At stride 1 (padding 1, 3x3) the input's map is the output's.
            guard g.stride == 2 else { self.init(channelMajorOfOutput: x, g, channels: g.channels); return }
            self.init(channels: 4 * g.channels, positions: g.batch * g.positions, width: g.outWidth)
            im2col(x, g.parities, into: start)
        }

        /// The NCHW output (or output's gradient) of a convolution of geometry `g` with `channels` output channels,
        /// laid out channel-major; kept only where `mask` (NCHW) is positive when it is given (a ReLU's gradient).
        convenience init(channelMajorOfOutput y: UnsafePointer<Float>, _ g: ConvGeometry, channels: Int,
                         keepingWherePositive mask: UnsafePointer<Float>? = nil) {
            self.init(channels: channels, positions: g.batch * g.positions, width: g.outWidth)
            batchMajorToChannelMajor(y, start, batch: g.batch, channels: channels, positions: g.positions,
                                     keepingWherePositive: mask)
        }
    }

    /// Weights as the kernels read them, [outChannels / 8][channels * taps][8], in a buffer of the pool: from w
    /// [outChannels, channels, k, k] (k * k = `taps`), or, `turned`, from w [channels, outChannels, k, k] with in and
    /// out exchanged and the taps reversed (the input's gradient).
    final class PackedWeights {
        private let buffer: PooledBuffer
        var pointer: UnsafeMutablePointer<Float> { buffer.pointer }

        init(_ w: UnsafePointer<Float>, outChannels: Int, channels: Int, taps: Int, turned: Bool) {
            let patch = channels * taps
            buffer = PooledBuffer(outChannels * patch)
            let pointer = buffer.pointer
            for o in 0..<outChannels {
                for c in 0..<channels {
                    for t in 0..<taps {
                        pointer[((o / 8) * patch + c * taps + t) * 8 + o % 8] = turned
                            ? w[(c * outChannels + o) * taps + taps - 1 - t] : w[(o * channels + c) * taps + t]
                    }
                }
            }
        }
    }

    /// The convolution of the guarded channel-major `input` (`g.channels` channels) into `outChannels` channel-major
    /// planes by the `packed` weights, handed to `finish`.
    private static func convolve(_ input: UnsafePointer<Float>, _ g: ConvGeometry, _ packed: PackedWeights, outChannels: Int,
                                 kernels: zoo_kernel_table, finish: (UnsafePointer<Float>) -> Void) {
        let positions = g.batch * g.positions, patch = g.patch, table = TapTable(g, positions: positions)
        FLOPCounter.count &+= 2 * outChannels * patch * positions
        let (output, outputCapacity) = BufferPool.shared.allocate(outChannels * positions)
        defer { BufferPool.shared.release(output, capacity: outputCapacity) }
        withExtendedLifetime(packed) {
            table.withTaps { taps in
                parallelChunks(positions / 32, costPerItem: 32 * outChannels * patch) { panels in
                    kernels.implicit_convolution(input, g.channels, table.planes, positions, taps, packed.pointer, outChannels,
                                                 panels.lowerBound * 32, panels.upperBound * 32, output)
                }
            }
        }
        finish(output)
    }
}

/// The greatest common divisor of `a` and `b` (Euclid).
func greatestCommonDivisor(_ a: Int, _ b: Int) -> Int {
    var (a, b) = (a, b)
    while b != 0 { (a, b) = (b, a % b) }
    return a
}

extension ConvGeometry {
    /// For a 3x3 stride-2 convolution with padding 1: the 2x2 stride-2 window whose lowering lays each channel out as
    /// its four row and column parities on the output's map, padded by one where the input's size is odd (so that
    /// the output's size is the convolution's); the input's height and width share their parity.
    var parities: ConvGeometry {
        ConvGeometry(batch: batch, channels: channels, height: height, width: width, kernelHeight: 2, kernelWidth: 2, stride: 2,
                     padding: height % 2)
    }
}
