import CKernels

/// The geometry of a 2-D convolution or pooling window over an NCHW batch.
struct ConvGeometry {
    let batch, channels, height, width: Int
    let kernelHeight, kernelWidth, stride, padding: Int
    /// Output rows: 0 when the window is larger than the padded input (PyTorch's floor, not truncation).
    var outHeight: Int { outputLength(height, kernelHeight) }
    var outWidth: Int { outputLength(width, kernelWidth) }

    private func outputLength(_ input: Int, _ kernel: Int) -> Int {
        let span = input + 2 * padding - kernel
        return span < 0 ? 0 : span / stride + 1
    }
    /// Output positions per image.
    var positions: Int { outHeight * outWidth }
    /// Rows of the lowered matrix: one per (channel, kernel row, kernel column).
    var patch: Int { channels * kernelHeight * kernelWidth }

    /// A 1x1 kernel at stride 1 without padding: lowering is a transpose.
    var pointwise: Bool { kernelHeight == 1 && kernelWidth == 1 && stride == 1 && padding == 0 }

    /// The same convolution over `batch` images.
    func with(batch: Int? = nil, channels: Int? = nil) -> ConvGeometry {
        ConvGeometry(batch: batch ?? self.batch, channels: channels ?? self.channels, height: height, width: width,
                     kernelHeight: kernelHeight, kernelWidth: kernelWidth, stride: stride, padding: padding)
    }

    /// Consecutive groups of images lowered together: as many as keep the lowered matrix within
    /// `budget` floats, so that it is still in cache when the GEMM reads it, and at least one.
    func imageGroups(budget: Int) -> [Range<Int>] {
        let size = max(1, min(batch, budget / max(1, patch * positions)))
        return Swift.stride(from: 0, to: batch, by: size).map { $0..<min(batch, $0 + size) }
    }

    /// How `im2col` and `col2im` move this geometry's data.
    enum LoweringPath {
        /// Through a table of offsets: small output planes, where a copy call would cost more than it moves.
        case gathered
        /// Whole planes shifted: row-width-keeping kernels.
        case shifted
        /// Row by row: the rest.
        case rows
    }

    var loweringPath: LoweringPath {
        positions <= gatheredPlaneSize ? .gathered : keepsRowWidth ? .shifted : .rows
    }

    /// Whether each output row lines up with an input row (stride 1 and the input's width, as a 3x3
    /// kernel with padding 1): an image's lowered row is then its input plane shifted by one offset.
    var keepsRowWidth: Bool { stride == 1 && outWidth == width }

    /// The geometry as the C lowerings take it.
    var lowering: zoo_lowering {
        zoo_lowering(batch: batch, channels: channels, height: height, width: width, kernel_height: kernelHeight,
                     kernel_width: kernelWidth, stride: stride, padding: padding, out_height: outHeight, out_width: outWidth)
    }
}
