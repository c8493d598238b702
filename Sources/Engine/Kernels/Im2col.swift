/// The geometry of a 2-D convolution or pooling window over an NCHW batch.
struct ConvGeometry {
    let batch, channels, height, width: Int
    let kernelHeight, kernelWidth, stride, padding: Int
    var outHeight: Int { (height + 2 * padding - kernelHeight) / stride + 1 }
    var outWidth: Int { (width + 2 * padding - kernelWidth) / stride + 1 }
    /// Output positions per image.
    var positions: Int { outHeight * outWidth }
    /// Rows of the lowered matrix: one per (channel, kernel row, kernel column).
    var patch: Int { channels * kernelHeight * kernelWidth }

    /// For a square kernel over a square input: the kernel offsets that some output reads from inside
    /// the image, when cutting the others off keeps the output size; nil otherwise.
    func usefulTaps() -> Range<Int>? {
        guard kernelHeight == kernelWidth, height == width else { return nil }
        let useful = (0..<kernelHeight).filter { k in
            (0..<outHeight).contains { o in (0..<height).contains(o * stride - padding + k) }
        }
        guard let first = useful.first, let last = useful.last, first <= padding else { return nil }
        let taps = first..<(last + 1)
        let trimmedOut = (height + 2 * (padding - first) - taps.count) / stride + 1
        return trimmedOut == outHeight ? taps : nil
    }

    /// The output columns whose input column (xo * stride - padding + kj) lies inside the image.
    @inline(__always)
    func validOutputColumns(kernelColumn kj: Int) -> Range<Int> {
        let first = min(outWidth, max(0, (padding - kj + stride - 1) / stride))
        let last = min(outWidth, (width - 1 + padding - kj) / stride + 1)
        return first..<max(first, last)
    }
}

/// Lowers a batch of images into the matrix [patch, batch * positions]: column (n, oh, ow) holds the
/// input window under output position (oh, ow) of image n, zero where it overlaps the padding.
/// All images go into one matrix so the convolution becomes one wide GEMM.
func im2col(_ x: UnsafePointer<Float>, _ g: ConvGeometry, into columns: UnsafeMutablePointer<Float>) {
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
                            for xo in valid { out[xo] = line[xo * g.stride] }
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
/// Work is split by channel, so threads never write the same pixel.
func col2im(_ columns: UnsafePointer<Float>, _ g: ConvGeometry, into dx: UnsafeMutablePointer<Float>) {
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
                            for xo in valid { line[xo * g.stride] += source[xo] }
                        }
                        source += ow
                    }
                }
            }
        }
    }
}
