import CKernels

/// Max and average pooling over NCHW batches (kernel, stride, zero/neg-infinity padding as PyTorch).

func poolGeometry(_ x: Tensor, kernel: Int, stride: Int, padding: Int, name: String) -> ConvGeometry {
    precondition(x.rank == 4, "\(name) expects an NCHW batch, got shape \(x.shape)")
    precondition(padding * 2 <= kernel, "\(name) padding \(padding) must be at most half the kernel \(kernel)")
    let g = ConvGeometry(batch: x.shape[0], channels: x.shape[1], height: x.shape[2], width: x.shape[3],
                         kernelHeight: kernel, kernelWidth: kernel, stride: stride, padding: padding)
    precondition(g.outHeight > 0 && g.outWidth > 0, "\(name) window \(kernel) is larger than the input \(x.shape)")
    return g
}

/// The maximum of each window (NaN where the window holds one, as PyTorch); the gradient goes to the first maximal
/// input of each window in (row, column) order, a NaN counting as maximal (`zoo_max_pool`). The winners are kept only
/// where the pass records.
public func maxPool2d(_ x: Tensor, kernel: Int, stride: Int? = nil, padding: Int = 0) -> Tensor {
    let g = poolGeometry(x, kernel: kernel, stride: stride ?? kernel, padding: padding, name: "maxPool2d")
    let planes = g.batch * g.channels, inArea = g.height * g.width
    let result = Tensor(uninitialized: [g.batch, g.channels, g.outHeight, g.outWidth])
    let records = GradientMode.records([x])
    // The winning input offset within its plane, per output element.
    let indices = records ? WinnerIndices(count: result.count) : nil
    let winners = indices?.pointer
    var lowering = g.lowering
    parallelChunks(planes, costPerItem: g.positions * kernel * kernel) { range in
        zoo_max_pool(x.data, &lowering, range.lowerBound, range.upperBound, result.data, winners)
    }
    guard let indices else { return result }
    return result.recording([x]) { [shape = x.shape] gradient in
        let dx = Tensor(uninitialized: shape)
        let dst = dx.data, src = gradient.data, win = indices.pointer
        parallelChunks(planes, costPerItem: inArea + g.positions) { range in
            // Each thread zeroes its own planes, just before it adds into them (while they are in its cache).
            for plane in range {
                let (target, gradients, winners) = (dst + plane * inArea, src + plane * g.positions, win + plane * g.positions)
                target.update(repeating: 0, count: inArea)
                for p in 0..<g.positions { target[Int(winners[p])] += gradients[p] }
            }
        }
        return [dx]
    }
}

/// Owns the argmax buffer of one max-pool for as long as its backward may run: a buffer of the pool (32-bit offsets
/// in Float-sized slots), so that a training step does not page-fault a new one in.
private final class WinnerIndices {
    private let buffer: UnsafeMutablePointer<Float>, capacity: Int
    let pointer: UnsafeMutablePointer<Int32>

    init(count: Int) {
        (buffer, capacity) = BufferPool.shared.allocate(count)
        pointer = UnsafeMutableRawPointer(buffer).bindMemory(to: Int32.self, capacity: capacity)
    }

    deinit {
        UnsafeMutableRawPointer(buffer).bindMemory(to: Float.self, capacity: capacity)
        BufferPool.shared.release(buffer, capacity: capacity)
    }
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
        // window (odd sizes) get none. Each element is written once (no zeroing pass first).
        let dx = Tensor(uninitialized: shape)
        let src = gradient.data, dst = dx.data
        let oddColumn = width > 2 * outWidth, height = g.height
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
                    if oddColumn { top[width - 1] = 0; bottom[width - 1] = 0 }
                }
                for row in 2 * outHeight..<height { (dst + plane * inArea + row * width).update(repeating: 0, count: width) }
            }
        }
        return [dx]
    }
}
