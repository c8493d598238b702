import CKernels

/// Output planes up to this many positions (ResNet's 4x4, 2x2 and 1x1 maps at 28x28) are lowered
/// through a table: a copy call per plane would cost more than the few floats it moves.
let gatheredPlaneSize = 16

/// `im2col` for small output planes: for each kernel tap a table gives the input offset each output
/// position reads (-1 over padding), and every (tap, image) is one short gather (`zoo_im2col_gathered`).
func im2colGathered(_ x: UnsafePointer<Float>, _ g: ConvGeometry, into columns: UnsafeMutablePointer<Float>) {
    var lowering = g.lowering
    g.gatherTable().withUnsafeBufferPointer { table in
        forChannelChunks(g) { channels in
            zoo_im2col_gathered(x, &lowering, table.baseAddress!, channels.lowerBound, channels.upperBound, columns)
        }
    }
}

/// `col2im` for small output planes: the adjoint of `im2colGathered`.
func col2imGathered(_ columns: UnsafeMutablePointer<Float>, _ g: ConvGeometry, into dx: UnsafeMutablePointer<Float>) {
    var lowering = g.lowering
    g.gatherTable().withUnsafeBufferPointer { table in
        forChannelChunks(g) { channels in
            zoo_col2im_gathered(columns, &lowering, table.baseAddress!, channels.lowerBound, channels.upperBound, dx)
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
