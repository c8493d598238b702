/// Max and average pooling over NCHW batches (kernel, stride, zero/neg-infinity padding as PyTorch).

func poolGeometry(_ x: Tensor, kernel: Int, stride: Int, padding: Int, name: String) -> ConvGeometry {
    precondition(x.rank == 4, "\(name) expects an NCHW batch, got shape \(x.shape)")
    precondition(padding * 2 <= kernel, "\(name) padding \(padding) must be at most half the kernel \(kernel)")
    let g = ConvGeometry(batch: x.shape[0], channels: x.shape[1], height: x.shape[2], width: x.shape[3],
                         kernelHeight: kernel, kernelWidth: kernel, stride: stride, padding: padding)
    precondition(g.outHeight > 0 && g.outWidth > 0, "\(name) window \(kernel) is larger than the input \(x.shape)")
    return g
}

extension ConvGeometry {
    /// The input rows under the window of output row `oy` (padding excluded).
    func validWindowRows(output oy: Int) -> Range<Int> {
        max(0, oy * stride - padding)..<min(height, oy * stride - padding + kernelHeight)
    }

    /// The input columns under the window of output column `ox` (padding excluded).
    func validWindowColumns(output ox: Int) -> Range<Int> {
        max(0, ox * stride - padding)..<min(width, ox * stride - padding + kernelWidth)
    }
}

/// The maximum of each window; the gradient goes to the (first) maximal input of each window.
public func maxPool2d(_ x: Tensor, kernel: Int, stride: Int? = nil, padding: Int = 0) -> Tensor {
    let g = poolGeometry(x, kernel: kernel, stride: stride ?? kernel, padding: padding, name: "maxPool2d")
    let planes = g.batch * g.channels, inArea = g.height * g.width
    let result = Tensor(uninitialized: [g.batch, g.channels, g.outHeight, g.outWidth])
    // The winning input offset within its plane, per output element.
    let winners = UnsafeMutablePointer<Int32>.allocate(capacity: result.count)
    let input = x.data, output = result.data
    let columns = (0..<g.outWidth).map { g.validWindowColumns(output: $0) }
    parallelChunks(planes, costPerItem: g.positions * kernel * kernel) { range in
        for plane in range {
            let src = input + plane * inArea
            for oy in 0..<g.outHeight {
                let dst = output + plane * g.positions + oy * g.outWidth, win = winners + plane * g.positions + oy * g.outWidth
                var ox = 0
                if kernel == 2 && g.stride == 2 && padding == 0 {
                    ox = maxOfPairs(top: src + 2 * oy * g.width, width: g.width, row: 2 * oy, count: g.outWidth, into: dst, winners: win)
                }
                let rows = g.validWindowRows(output: oy), width = g.width
                // Offsets are in range by construction: wrapping arithmetic leaves the loop unchecked.
                columns.withUnsafeBufferPointer { columns in
                    for ox in ox..<g.outWidth {
                        let window = columns[ox]
                        var best = -Float.infinity, bestIndex = rows.lowerBound &* width &+ window.lowerBound
                        for iy in rows {
                            let line = src + iy &* width
                            for ix in window where line[ix] > best {
                                best = line[ix]
                                bestIndex = iy &* width &+ ix
                            }
                        }
                        dst[ox] = src[bestIndex]
                        win[ox] = Int32(truncatingIfNeeded: bestIndex)
                    }
                }
            }
        }
    }
    let indices = WinnerIndices(winners)
    return result.recording([x]) { [shape = x.shape] gradient in
        let dx = Tensor.zeros(shape)
        let dst = dx.data, src = gradient.data, win = indices.pointer
        parallelChunks(planes, costPerItem: g.positions) { range in
            for plane in range {
                let (target, gradients, winners) = (dst + plane * inArea, src + plane * g.positions, win + plane * g.positions)
                for p in 0..<g.positions { target[Int(winners[p])] += gradients[p] }
            }
        }
        return [dx]
    }
}

/// 2x2 stride-2 max pooling of the row pair starting at `top` (input row `row`), eight outputs at a
/// time, ties to the first in (row, column) order as PyTorch; returns how many outputs it wrote.
@inline(__always)
private func maxOfPairs(top: UnsafePointer<Float>, width: Int, row: Int, count: Int,
                        into output: UnsafeMutablePointer<Float>, winners: UnsafeMutablePointer<Int32>) -> Int {
    let lanes = SIMD8<Int32>(0, 2, 4, 6, 8, 10, 12, 14)
    var ox = 0
    while ox + 8 <= count && 2 * ox + 16 <= width {
        let upper = UnsafeRawPointer(top + 2 * ox).loadUnaligned(as: SIMD16<Float>.self)
        let lower = UnsafeRawPointer(top + width + 2 * ox).loadUnaligned(as: SIMD16<Float>.self)
        var best = upper.evenHalf, offset = SIMD8<Int32>(repeating: 0)
        for (candidate, delta) in [(upper.oddHalf, 1), (lower.evenHalf, width), (lower.oddHalf, width + 1)] {
            let better = candidate .> best
            best.replace(with: candidate, where: better)
            offset.replace(with: SIMD8(repeating: Int32(delta)), where: better)
        }
        storeVector(best, output + ox)
        let base = SIMD8<Int32>(repeating: Int32(row * width + 2 * ox)) &+ lanes &+ offset
        UnsafeMutableRawPointer(winners + ox).storeBytes(of: base, as: SIMD8<Int32>.self)
        ox += 8
    }
    return ox
}

/// Owns the argmax buffer of one max-pool for as long as its backward may run.
private final class WinnerIndices {
    let pointer: UnsafeMutablePointer<Int32>
    init(_ pointer: UnsafeMutablePointer<Int32>) { self.pointer = pointer }
    deinit { pointer.deallocate() }
}

/// The mean of each window; padding counts as zeros in the divisor (PyTorch's count_include_pad=True).
public func avgPool2d(_ x: Tensor, kernel: Int, stride: Int? = nil, padding: Int = 0) -> Tensor {
    let g = poolGeometry(x, kernel: kernel, stride: stride ?? kernel, padding: padding, name: "avgPool2d")
    if kernel == 2 && g.stride == 2 && padding == 0 { return averageOfPairs(x, g) }
    let planes = g.batch * g.channels, inArea = g.height * g.width
    let scale = 1 / Float(kernel * kernel)
    let result = Tensor(uninitialized: [g.batch, g.channels, g.outHeight, g.outWidth])
    let input = x.data, output = result.data
    parallelChunks(planes, costPerItem: g.positions * kernel * kernel) { range in
        for plane in range {
            let src = input + plane * inArea, dst = output + plane * g.positions
            for oy in 0..<g.outHeight {
                for ox in 0..<g.outWidth {
                    var total: Float = 0
                    for ky in 0..<kernel {
                        let iy = oy * g.stride - g.padding + ky
                        guard iy >= 0 && iy < g.height else { continue }
                        for kx in 0..<kernel {
                            let ix = ox * g.stride - g.padding + kx
                            if ix >= 0 && ix < g.width { total += src[iy * g.width + ix] }
                        }
                    }
                    dst[oy * g.outWidth + ox] = total * scale
                }
            }
        }
    }
    return result.recording([x]) { [shape = x.shape] gradient in
        let dx = Tensor.zeros(shape)
        let dst = dx.data, src = gradient.data
        parallelChunks(planes, costPerItem: g.positions * kernel * kernel) { range in
            for plane in range {
                let gradPlane = src + plane * g.positions, dxPlane = dst + plane * inArea
                for oy in 0..<g.outHeight {
                    for ox in 0..<g.outWidth {
                        let share = gradPlane[oy * g.outWidth + ox] * scale
                        for ky in 0..<kernel {
                            let iy = oy * g.stride - g.padding + ky
                            guard iy >= 0 && iy < g.height else { continue }
                            for kx in 0..<kernel {
                                let ix = ox * g.stride - g.padding + kx
                                if ix >= 0 && ix < g.width { dxPlane[iy * g.width + ix] += share }
                            }
                        }
                    }
                }
            }
        }
        return [dx]
    }
}

/// 2x2 average pooling with stride 2 (LeNet's): each output reads two input rows in one pass.
private func averageOfPairs(_ x: Tensor, _ g: ConvGeometry) -> Tensor {
    let planes = g.batch * g.channels, inArea = g.height * g.width
    let (outHeight, outWidth, width) = (g.outHeight, g.outWidth, g.width)
    let result = Tensor(uninitialized: [g.batch, g.channels, outHeight, outWidth])
    let input = x.data, output = result.data
    parallelChunks(planes, costPerItem: inArea) { range in
        for plane in range {
            for oy in 0..<outHeight {
                let top = input + plane * inArea + 2 * oy * width, bottom = top + width
                let out = output + (plane * outHeight + oy) * outWidth
                for ox in 0..<outWidth {
                    out[ox] = (top[2 * ox] + top[2 * ox + 1] + bottom[2 * ox] + bottom[2 * ox + 1]) * 0.25
                }
            }
        }
    }
    return result.recording([x]) { [shape = x.shape] gradient in
        // Every input under a window gets a quarter of its gradient; rows and columns past the last
        // window (odd sizes) get none.
        let dx = Tensor.zeros(shape)
        let src = gradient.data, dst = dx.data
        parallelChunks(planes, costPerItem: inArea) { range in
            for plane in range {
                for oy in 0..<outHeight {
                    let top = dst + plane * inArea + 2 * oy * width, bottom = top + width
                    let grad = src + (plane * outHeight + oy) * outWidth
                    for ox in 0..<outWidth {
                        let share = grad[ox] * 0.25
                        top[2 * ox] = share; top[2 * ox + 1] = share
                        bottom[2 * ox] = share; bottom[2 * ox + 1] = share
                    }
                }
            }
        }
        return [dx]
    }
}
