/// Floats of lowered input per im2col-and-GEMM pass (8 MB; see `ConvGeometry.imageGroups`). Measured
/// here against lowering whole batches (batch 128): VGG-11/4 at 224x224 trained at 54 instead of 27
/// images/s, d2l's ResNet-18 at 96x96 at 94 instead of 86, ResNet-18 at 28x28 at the same speed.
let loweringBudget = 2 << 20

/// Lowers a batch of images into the matrix [patch, batch * positions]: column (n, oh, ow) holds the
/// input window under output position (oh, ow) of image n, zero where it overlaps the padding.
/// All images go into one matrix so the convolution becomes one wide GEMM. Small output planes are
/// gathered through a table (`im2colGathered`), row-width-keeping kernels copy shifted planes
/// (`im2colShifted`), the rest goes row by row.
func im2col(_ x: UnsafePointer<Float>, _ g: ConvGeometry, into columns: UnsafeMutablePointer<Float>) {
    switch g.loweringPath {
    case .gathered: return im2colGathered(x, g, into: columns)
    case .shifted: return im2colShifted(x, g, into: columns)
    case .rows: break
    }
    let (oh, ow, positions) = (g.outHeight, g.outWidth, g.positions)
    let rowLength = g.batch * positions
    parallelChunks(g.patch, costPerItem: rowLength) { rows in
        for row in rows {
            let c = row / (g.kernelHeight * g.kernelWidth)
            let ki = (row / g.kernelWidth) % g.kernelHeight, kj = row % g.kernelWidth
            let valid = g.validOutputColumns(kernelColumn: kj)
            for n in 0..<g.batch {
                let plane = x + (n * g.channels + c) * g.height * g.width
                var out = columns + row * rowLength + n * positions
                for y in 0..<oh {
                    let iy = y * g.stride - g.padding + ki
                    if iy < 0 || iy >= g.height {
                        out.update(repeating: 0, count: ow)
                    } else {
                        let line = plane + iy * g.width - g.padding + kj
                        out.update(repeating: 0, count: valid.lowerBound)
                        if g.stride == 1 {
                            (out + valid.lowerBound).update(from: line + valid.lowerBound, count: valid.count)
                        } else {
                            for xo in valid { out[xo] = line[xo &* g.stride] }
                        }
                        (out + valid.upperBound).update(repeating: 0, count: ow - valid.upperBound)
                    }
                    out += ow
                }
            }
        }
    }
}

/// The adjoint of `im2col`: adds each column entry back onto the input pixel it was read from.
/// Work is split by channel, so threads never write the same pixel. `columns` is scratch: entries
/// that lie over the padding may be overwritten.
func col2im(_ columns: UnsafeMutablePointer<Float>, _ g: ConvGeometry, into dx: UnsafeMutablePointer<Float>) {
    switch g.loweringPath {
    case .gathered: return col2imGathered(columns, g, into: dx)
    case .shifted: return col2imShifted(columns, g, into: dx)
    case .rows: break
    }
    let (oh, ow, positions) = (g.outHeight, g.outWidth, g.positions)
    let rowLength = g.batch * positions
    let kernelArea = g.kernelHeight * g.kernelWidth
    dx.update(repeating: 0, count: g.batch * g.channels * g.height * g.width)
    parallelChunks(g.channels, costPerItem: kernelArea * rowLength) { channels in
        for c in channels {
            for k in 0..<kernelArea {
                let (ki, kj) = (k / g.kernelWidth, k % g.kernelWidth)
                let valid = g.validOutputColumns(kernelColumn: kj)
                let row = columns + (c * kernelArea + k) * rowLength
                for n in 0..<g.batch {
                    let plane = dx + (n * g.channels + c) * g.height * g.width
                    var source = row + n * positions
                    for y in 0..<oh {
                        let iy = y * g.stride - g.padding + ki
                        if iy >= 0 && iy < g.height {
                            let line = plane + iy * g.width - g.padding + kj
                            for xo in valid { line[xo &* g.stride] += source[xo] }
                        }
                        source += ow
                    }
                }
            }
        }
    }
}

/// Calls `body` with chunks of the channels, in parallel: the C lowerings go over a chunk's channels, every
/// image and kernel tap, so threads never write the same input plane.
@inline(__always)
func forChannelChunks(_ g: ConvGeometry, _ body: (Range<Int>) -> Void) {
    parallelChunks(g.channels, costPerItem: g.kernelHeight * g.kernelWidth * g.batch * g.positions, body)
}
