/// A scale per channel, then an added shift (a bias, given beside the map), then a ReLU: what a batch norm in evaluation
/// and the ReLU that often follows it do. A convolution applies one to its output as it writes it (saving the two passes
/// over the output the layers would take), and one to its input as it lays it out for the GEMM (a pre-activation).
struct ChannelMap {
    /// One factor per channel, or nil for 1 (held, so that `factors` stays valid).
    let scale: Tensor?
    let relu: Bool
    /// The scale's floats: the per-channel loops read them without touching the tensor's reference count, which two
    /// threads updating for every row of 4 to 64 values cost DenseNet-121's evaluation two thirds of its speed.
    private let factors: UnsafePointer<Float>?

    init(scale: Tensor?, relu: Bool) {
        (self.scale, self.relu, factors) = (scale, relu, scale.map { UnsafePointer($0.data) })
    }

    static let identity = ChannelMap(scale: nil, relu: false)
    var isIdentity: Bool { factors == nil && !relu }

    /// to[p] = from[p] * scale[channel] + bias[channel], then max(0, ·) when `relu`, for p < count (`to` may be `from`).
    @inline(__always)
    func write(_ from: UnsafePointer<Float>, _ to: UnsafeMutablePointer<Float>, count: Int, channel: Int,
               bias: UnsafePointer<Float>?) {
        let factor = factors?[channel] ?? 1, shift = bias?[channel] ?? 0
        if relu {
            for p in 0..<count { to[p] = max(from[p] * factor + shift, 0) }
        } else {
            for p in 0..<count { to[p] = from[p] * factor + shift }
        }
    }

    /// The NCHW `y` (not shared with anyone) through the map in place, `bias` added per channel.
    func applied(to y: Tensor, bias: Tensor?) -> Tensor { mapped(y, bias: bias, into: y) }

    /// The NCHW `x` through the map into `y` (which may be `x`), `bias` added per channel.
    func mapped(_ x: Tensor, bias: Tensor?, into y: Tensor) -> Tensor {
        let (batch, channels) = (x.shape[0], x.shape[1]), positions = x.count / max(1, x.shape[0] * x.shape[1])
        let (source, target, shifts) = (x.data, y.data, bias?.data)
        parallelChunks(batch, costPerItem: channels * positions) { images in
            for n in images {
                for c in 0..<channels {
                    let offset = (n * channels + c) * positions
                    write(source + offset, target + offset, count: positions, channel: c, bias: shifts)
                }
            }
        }
        return y
    }
}
