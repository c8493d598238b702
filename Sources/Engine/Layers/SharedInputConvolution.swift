extension Conv2d {
    /// `convs` applied to the same `x`, each followed by a ReLU when `relu`, in `convs`' order: as one convolution with
    /// all their filters, so that the input is laid out for the GEMM once and one GEMM with their output channels
    /// together replaces several thin ones (GoogLeNet's Inception block reads its input with three 1x1 convolutions of
    /// 16 to 192 filters), and the input's gradient is one product, not a sum of several. Convolutions whose kernels,
    /// strides, paddings or biases differ run one by one.
    public static func applied(_ convs: [Conv2d], to x: Tensor, relu: Bool = false) -> [Tensor] {
        guard let first = convs.first, convs.count > 1, convs.allSatisfy({
            $0.weight.shape.dropFirst() == first.weight.shape.dropFirst() && $0.stride == first.stride
                && $0.padding == first.padding && ($0.bias == nil) == (first.bias == nil)
        }) else {
            return convs.map { $0(x, relu: relu) }
        }
        // The ReLUs go on the slices (each in place, just written) rather than into the convolution, whose node would
        // then hold its whole output until its backward pass (the gradient's mask) beside the slices.
        let y = Profiler.measure("forward Conv2d") {
            conv2d(x, weight: concatenate(convs.map(\.weight), axis: 0),
                   bias: first.bias == nil ? nil : concatenate(convs.compactMap(\.bias), axis: 0),
                   stride: first.stride, padding: first.padding)
        }
        var start = 0
        return convs.map { conv in
            defer { start += conv.weight.shape[0] }
            let part = y.slice(axis: 1, from: start, count: conv.weight.shape[0])
            return relu ? Engine.relu(part) : part
        }
    }
}
