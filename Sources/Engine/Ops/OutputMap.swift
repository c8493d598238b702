/// What a convolution does to each output value as it writes it, where nothing records: a scale per channel before
/// the bias, and a ReLU after it. A batch norm in evaluation is such a scale and bias; folded with the ReLU that often
/// follows it into the convolution's output pass, it saves two more passes over the output.
struct OutputMap {
    /// One factor per output channel, or nil for 1.
    var scale: Tensor?
    var relu: Bool

    static let identity = OutputMap(scale: nil, relu: false)
    var isIdentity: Bool { scale == nil && !relu }

    /// to[p] = from[p] * scale[channel] + bias[channel], then max(0, ·) when `relu`, for p < count (`to` may be `from`).
    @inline(__always)
    func write(_ from: UnsafePointer<Float>, _ to: UnsafeMutablePointer<Float>, count: Int, channel: Int,
               bias: UnsafePointer<Float>?) {
        let factor = scale?.data[channel] ?? 1, shift = bias?[channel] ?? 0
        if relu {
            for p in 0..<count { to[p] = max(from[p] * factor + shift, 0) }
        } else {
            for p in 0..<count { to[p] = from[p] * factor + shift }
        }
    }

    /// The NCHW `y` (not shared with anyone) through the map in place, `bias` added per channel.
    func applied(to y: Tensor, bias: Tensor?) -> Tensor {
        let (batch, channels) = (y.shape[0], y.shape[1]), positions = y.count / max(1, y.shape[0] * y.shape[1])
        parallelChunks(batch, costPerItem: channels * positions) { images in
            for n in images {
                for c in 0..<channels {
                    let row = y.data + (n * channels + c) * positions
                    write(row, row, count: positions, channel: c, bias: bias?.data)
                }
            }
        }
        return y
    }
}
