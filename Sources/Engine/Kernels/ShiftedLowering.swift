/// `im2col` when rows keep their width: the window of kernel tap (ki, kj) over image n is the image's
/// plane shifted by (ki - padding) rows and (kj - padding) columns, so each (tap, image) is one copy
/// of a whole plane, followed by zeroing the rows and the column strip that fall on the padding
/// (a row-by-row copy costs a call per 7-pixel row on ResNet's late 7x7 maps).
func im2colShifted(_ x: UnsafePointer<Float>, _ g: ConvGeometry, into columns: UnsafeMutablePointer<Float>) {
    let w = g.width
    let spans = ShiftedSpan.all(g)
    forEachTap(g) { plane, row, tap in
        let (out, span) = (columns + row, spans[tap])
        out.update(repeating: 0, count: span.rows.lowerBound * w)
        (out + span.first).update(from: x + plane + span.first + span.offset, count: span.count)
        span.forEachPaddingStrip { y, strip in for x in strip { out[y * w + x] = 0 } }
        (out + span.rows.upperBound * w).update(repeating: 0, count: g.positions - span.rows.upperBound * w)
    }
}

/// `col2im` when rows keep their width: the entries of each (tap, image) that lie over padding are
/// zeroed in `columns`, and the rest is added onto the input plane as one contiguous shifted span.
func col2imShifted(_ columns: UnsafeMutablePointer<Float>, _ g: ConvGeometry, into dx: UnsafeMutablePointer<Float>) {
    let w = g.width
    let spans = ShiftedSpan.all(g)
    forEachTap(g) { plane, row, tap in
        let (source, target, span) = (columns + row, dx + plane, spans[tap])
        if tap == 0 { target.update(repeating: 0, count: g.height * w) }
        span.forEachPaddingStrip { y, strip in for x in strip { source[y * w + x] = 0 } }
        addElements(source + span.first, into: target + span.first + span.offset, count: span.count)
    }
}

/// Where kernel tap (ki, kj) of a row-width-keeping convolution reads: output position j reads input
/// j + offset for the output `rows` whose input row exists; within them, the contiguous span
/// first..<first+count holds every valid entry, and also the entries of the column strips
/// (`forEachPaddingStrip`) that a plain shift wraps in from the neighbouring row.
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

    /// The span of every kernel tap, in tap order.
    static func all(_ g: ConvGeometry) -> [ShiftedSpan] {
        (0..<g.kernelHeight * g.kernelWidth).map { ShiftedSpan(g, ki: $0 / g.kernelWidth, kj: $0 % g.kernelWidth) }
    }

    /// Calls `body(y, columns)` for each valid row y with the output columns that read padding.
    @inline(__always)
    func forEachPaddingStrip(_ body: (Int, Range<Int>) -> Void) {
        guard columnShift != 0 else { return }
        let strip = columnShift < 0 ? 0..<min(width, -columnShift) : max(0, width - columnShift)..<width
        for y in rows { body(y, strip) }
    }
}
