import CKernels

/// Floats of lowered input per im2col-and-GEMM pass (8 MB; see `ConvGeometry.imageGroups`). Measured
/// here against lowering whole batches (batch 128): VGG-11/4 at 224x224 trained at 54 instead of 27
/// images/s, d2l's ResNet-18 at 96x96 at 94 instead of 86, ResNet-18 at 28x28 at the same speed.
let loweringBudget = 2 << 20

/// The same where nothing records (2 MB): no lowered matrix is kept for a backward pass there, and the matrix
/// and the GEMM's product of a group are the largest things an evaluation pass holds beside the weights (ResNet's
/// stem at 28x28: 8.4 + 10.9 MB in groups of 218 images).
let evaluationLoweringBudget = loweringBudget / 4

/// Lowers a batch of images into the matrix [patch, batch * positions]: column (n, oh, ow) holds the
/// input window under output position (oh, ow) of image n, zero where it overlaps the padding.
/// All images go into one matrix so the convolution becomes one wide GEMM. Small output planes are
/// gathered through a table (`im2colGathered`), row-width-keeping kernels copy shifted planes
/// (`im2colShifted`), the rest goes output row by output row (`zoo_im2col_rows`).
func im2col(_ x: UnsafePointer<Float>, _ g: ConvGeometry, into columns: UnsafeMutablePointer<Float>) {
    switch g.loweringPath {
    case .gathered: return im2colGathered(x, g, into: columns)
    case .shifted: return im2colShifted(x, g, into: columns)
    case .rows:
        var lowering = g.lowering
        forChannelChunks(g) { channels in zoo_im2col_rows(x, &lowering, channels.lowerBound, channels.upperBound, columns) }
    }
}

/// The adjoint of `im2col`: adds each column entry back onto the input pixel it was read from
/// (overwriting `dx`). Work is split by channel, so threads never write the same pixel. `columns` is
/// scratch: entries that lie over the padding may be overwritten.
func col2im(_ columns: UnsafeMutablePointer<Float>, _ g: ConvGeometry, into dx: UnsafeMutablePointer<Float>) {
    switch g.loweringPath {
    case .gathered: return col2imGathered(columns, g, into: dx)
    case .shifted: return col2imShifted(columns, g, into: dx)
    case .rows:
        var lowering = g.lowering
        forChannelChunks(g) { channels in zoo_col2im_rows(columns, &lowering, channels.lowerBound, channels.upperBound, dx) }
    }
}

/// Calls `body` with chunks of the channels, in parallel: the C lowerings go over a chunk's channels, every
/// image and kernel tap, so threads never write the same input plane.
@inline(__always)
func forChannelChunks(_ g: ConvGeometry, _ body: (Range<Int>) -> Void) {
    parallelChunks(g.channels, costPerItem: g.kernelHeight * g.kernelWidth * g.batch * g.positions, body)
}
