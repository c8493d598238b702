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

    /// The same convolution over `batch` images.
    func with(batch: Int) -> ConvGeometry {
        ConvGeometry(batch: batch, channels: channels, height: height, width: width, kernelHeight: kernelHeight,
                     kernelWidth: kernelWidth, stride: stride, padding: padding)
    }

    /// Consecutive groups of images lowered together: as many as keep the lowered matrix within
    /// `budget` floats, so that it is still in cache when the GEMM reads it, and at least one.
    func imageGroups(budget: Int) -> [Range<Int>] {
        let size = max(1, min(batch, budget / max(1, patch * positions)))
        return Swift.stride(from: 0, to: batch, by: size).map { $0..<min(batch, $0 + size) }
    }

    /// Whether each output row lines up with an input row (stride 1 and the input's width, as a 3x3
    /// kernel with padding 1): an image's lowered row is then its input plane shifted by one offset.
    var keepsRowWidth: Bool { stride == 1 && outWidth == width }

    /// The output rows whose input row (y - padding + ki, stride 1) lies inside the image.
    @inline(__always)
    func validOutputRows(kernelRow ki: Int) -> Range<Int> {
        let first = min(outHeight, max(0, padding - ki))
        return first..<max(first, min(outHeight, height + padding - ki))
    }

    /// The output columns whose input column (xo * stride - padding + kj) lies inside the image.
    @inline(__always)
    func validOutputColumns(kernelColumn kj: Int) -> Range<Int> {
        let first = min(outWidth, max(0, (padding - kj + stride - 1) / stride))
        let last = min(outWidth, (width - 1 + padding - kj) / stride + 1)
        return first..<max(first, last)
    }
}

/// Floats of lowered input per im2col-and-GEMM pass (8 MB; see `ConvGeometry.imageGroups`). Measured
/// here against lowering whole batches (batch 128): VGG-11/4 at 224x224 trained at 54 instead of 27
/// images/s, d2l's ResNet-18 at 96x96 at 94 instead of 86, ResNet-18 at 28x28 at the same speed.
let loweringBudget = 2 << 20

/// Lowers a batch of images into the matrix [patch, batch * positions]: column (n, oh, ow) holds the
/// input window under output position (oh, ow) of image n, zero where it overlaps the padding.
/// All images go into one matrix so the convolution becomes one wide GEMM.
func im2col(_ x: UnsafePointer<Float>, _ g: ConvGeometry, into columns: UnsafeMutablePointer<Float>) {
    if g.keepsRowWidth { return im2colShifted(x, g, into: columns) }
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
/// Work is split by channel, so threads never write the same pixel. `columns` is scratch: entries
/// that lie over the padding may be overwritten.
func col2im(_ columns: UnsafeMutablePointer<Float>, _ g: ConvGeometry, into dx: UnsafeMutablePointer<Float>) {
    if g.keepsRowWidth { return col2imShifted(columns, g, into: dx) }
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

/// `im2col` when rows keep their width: the window of kernel tap (ki, kj) over image n is the image's
/// plane shifted by (ki - padding) rows and (kj - padding) columns, so each (tap, image) is one copy
/// of a whole plane, followed by zeroing the rows and the column strip that fall on the padding
/// (a row-by-row copy costs a call per 7-pixel row on ResNet's late 7x7 maps).
private func im2colShifted(_ x: UnsafePointer<Float>, _ g: ConvGeometry, into columns: UnsafeMutablePointer<Float>) {
    let w = g.width
    forEachShiftedTap(g) { plane, row, _, span in
        let out = columns + row
        out.update(repeating: 0, count: span.rows.lowerBound * w)
        (out + span.first).update(from: x + plane + span.first + span.offset, count: span.count)
        span.forEachPaddingStrip { y, strip in for x in strip { out[y * w + x] = 0 } }
        (out + span.rows.upperBound * w).update(repeating: 0, count: g.positions - span.rows.upperBound * w)
    }
}

/// `col2im` when rows keep their width: the entries of each (tap, image) that lie over padding are
/// zeroed in `columns`, and the rest is added onto the input plane as one contiguous shifted span.
private func col2imShifted(_ columns: UnsafeMutablePointer<Float>, _ g: ConvGeometry, into dx: UnsafeMutablePointer<Float>) {
    let w = g.width
    forEachShiftedTap(g) { plane, row, tap, span in
        let source = columns + row, target = dx + plane
        if tap == 0 { target.update(repeating: 0, count: g.height * w) }
        span.forEachPaddingStrip { y, strip in for x in strip { source[y * w + x] = 0 } }
        addElements(source + span.first, into: target + span.first + span.offset, count: span.count)
    }
}

/// Calls `body(plane, row, tap, span)` for every channel c, image n and kernel tap, taps innermost so
/// that one image plane stays in cache: `plane` is the offset of plane (n, c) in the NCHW input,
/// `row` that of image n's part of the lowered row (c, tap). Parallel over channels.
@inline(__always)
private func forEachShiftedTap(_ g: ConvGeometry, _ body: (_ plane: Int, _ row: Int, _ tap: Int, _ span: ShiftedSpan) -> Void) {
    let (kernelArea, rowLength) = (g.kernelHeight * g.kernelWidth, g.batch * g.positions)
    let spans = (0..<kernelArea).map { ShiftedSpan(g, ki: $0 / g.kernelWidth, kj: $0 % g.kernelWidth) }
    parallelChunks(g.channels, costPerItem: kernelArea * rowLength) { channels in
        for c in channels {
            for n in 0..<g.batch {
                for tap in 0..<kernelArea {
                    body((n * g.channels + c) * g.height * g.width, (c * kernelArea + tap) * rowLength + n * g.positions,
                         tap, spans[tap])
                }
            }
        }
    }
}

/// Where kernel tap (ki, kj) of a row-width-keeping convolution reads: output position j reads input
/// j + offset for the output `rows` whose input row exists; within them, the contiguous span
/// first..<first+count holds every valid entry, and the strips of `paddingColumns` wrapped in
/// from neighbouring rows.
struct ShiftedSpan {
    let rows: Range<Int>
    let offset, first, count: Int
    let columnShift, width: Int

    @inline(__always)
    init(_ g: ConvGeometry, ki: Int, kj: Int) {
        rows = g.validOutputRows(kernelRow: ki)
        width = g.width
        columnShift = kj - g.padding
        offset = (ki - g.padding) * g.width + columnShift
        first = rows.lowerBound * g.width + max(0, -columnShift)
        count = max(0, rows.upperBound * g.width - max(0, columnShift) - first)
    }

    /// Calls `body(y, columns)` for each valid row y with the output columns that read padding.
    @inline(__always)
    func forEachPaddingStrip(_ body: (Int, Range<Int>) -> Void) {
        guard columnShift != 0 else { return }
        let strip = columnShift < 0 ? 0..<min(width, -columnShift) : max(0, width - columnShift)..<width
        for y in rows { body(y, strip) }
    }
}
