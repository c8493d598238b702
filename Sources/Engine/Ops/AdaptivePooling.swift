/// The windows of adaptive average pooling from a height x width map to oh x ow cells (PyTorch's): cell (i, j)
/// averages input rows floor(i*H/oh) ..< ceil((i+1)*H/oh) and the same for columns.
struct AdaptiveWindows {
    let height: Int, width: Int, oh: Int, ow: Int

    func rows(_ i: Int) -> Range<Int> { (i * height / oh)..<(((i + 1) * height + oh - 1) / oh) }
    func columns(_ j: Int) -> Range<Int> { (j * width / ow)..<(((j + 1) * width + ow - 1) / ow) }
    /// The number of pixels cell (i, j) averages.
    func pixels(_ i: Int, _ j: Int) -> Float { Float(rows(i).count * columns(j).count) }
}

/// Adaptive average pooling to a fixed output size (PyTorch's `F.adaptive_avg_pool2d`), by `AdaptiveWindows`.
public func adaptiveAvgPool2d(_ x: Tensor, outputSize: (height: Int, width: Int) = (1, 1)) -> Tensor {
    precondition(x.rank == 4, "adaptiveAvgPool2d expects an NCHW batch, got shape \(x.shape)")
    let (height, width) = (x.shape[2], x.shape[3]), (oh, ow) = outputSize
    precondition(oh > 0 && ow > 0, "adaptiveAvgPool2d output size must be positive")
    let planes = x.shape[0] * x.shape[1], area = height * width
    let windows = AdaptiveWindows(height: height, width: width, oh: oh, ow: ow)
    let result = Tensor(uninitialized: [x.shape[0], x.shape[1], oh, ow])
    let src = x.data, dst = result.data
    parallelChunks(planes, costPerItem: area) { range in
        for plane in range {
            for i in 0..<oh {
                for j in 0..<ow {
                    var total: Float = 0
                    for y in windows.rows(i) { for xx in windows.columns(j) { total += src[plane * area + y * width + xx] } }
                    dst[(plane * oh + i) * ow + j] = total / windows.pixels(i, j)
                }
            }
        }
    }
    return result.recording([x]) { [shape = x.shape] g in
        let dx = Tensor.zeros(shape)
        let gd = g.data, d = dx.data
        parallelChunks(planes, costPerItem: area) { range in
            for plane in range {
                for i in 0..<oh {
                    for j in 0..<ow {
                        let share = gd[(plane * oh + i) * ow + j] / windows.pixels(i, j)
                        for y in windows.rows(i) { for xx in windows.columns(j) { d[plane * area + y * width + xx] += share } }
                    }
                }
            }
        }
        return [dx]
    }
}
