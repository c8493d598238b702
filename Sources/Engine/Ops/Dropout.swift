/// Inverted dropout: zeroes each element with probability `p` and scales the rest by 1 / (1 - p),
/// so evaluation needs no rescaling. The mask comes from `generator`, so a seed fixes it.
public func dropout(_ x: Tensor, probability p: Float, using generator: inout RandomGenerator) -> Tensor {
    precondition(p >= 0 && p < 1, "dropout probability must be in [0, 1), got \(p)")
    let mask = Tensor(uninitialized: x.shape)
    let keep = 1 / (1 - p)
    for i in 0..<x.count { mask.data[i] = generator.nextUniform() < p ? 0 : keep }
    return dropout(x, mask: mask)
}

/// x * mask, with the gradient masked the same way (dropout with a given mask).
public func dropout(_ x: Tensor, mask: Tensor) -> Tensor {
    x.zipped(mask, MultiplyKernel.self).recording([x]) { g in [g.zipped(mask, MultiplyKernel.self)] }
}
