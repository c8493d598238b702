/// Output planes up to this many positions (ResNet's 4x4, 2x2 and 1x1 maps at 28x28) are lowered
/// through a table: a copy call per plane would cost more than the few floats it moves.
let gatheredPlaneSize = 16

/// `im2col` for small output planes: for each kernel tap a table gives the input offset each output
/// position reads (-1 over padding), and every (tap, image) is one short gather loop.
func im2colGathered(_ x: UnsafePointer<Float>, _ g: ConvGeometry, into columns: UnsafeMutablePointer<Float>) {
    let table = g.gatherTable(), positions = g.positions
    table.withUnsafeBufferPointer { table in
        forEachTap(g) { plane, row, tap in
            let (source, out, offsets) = (x + plane, columns + row, table.baseAddress! + tap * positions)
            for p in 0..<positions { out[p] = offsets[p] < 0 ? 0 : source[Int(offsets[p])] }
        }
    }
}

/// `col2im` for small output planes: the adjoint of `im2colGathered`.
func col2imGathered(_ columns: UnsafeMutablePointer<Float>, _ g: ConvGeometry, into dx: UnsafeMutablePointer<Float>) {
    let table = g.gatherTable(), positions = g.positions
    table.withUnsafeBufferPointer { table in
        forEachTap(g) { plane, row, tap in
            let (source, target, offsets) = (columns + row, dx + plane, table.baseAddress! + tap * positions)
            if tap == 0 { target.update(repeating: 0, count: g.height * g.width) }
            for p in 0..<positions where offsets[p] >= 0 { target[Int(offsets[p])] += source[p] }
        }
    }
}

extension ConvGeometry {
    /// For each kernel tap (row-major) and output position, the offset in the input plane it reads,
    /// or -1 where it reads padding.
    func gatherTable() -> [Int32] {
        var table: [Int32] = []
        table.reserveCapacity(kernelHeight * kernelWidth * positions)
        for ki in 0..<kernelHeight {
            for kj in 0..<kernelWidth {
                for oy in 0..<outHeight {
                    for ox in 0..<outWidth {
                        let (iy, ix) = (oy * stride - padding + ki, ox * stride - padding + kj)
                        let inside = (0..<height).contains(iy) && (0..<width).contains(ix)
                        table.append(inside ? Int32(iy * width + ix) : -1)
                    }
                }
            }
        }
        return table
    }
}
