/// Inverted dropout: zeroes each element with probability `p` and scales the rest by 1 / (1 - p),
/// so evaluation needs no rescaling. The mask comes from `generator`, so a seed fixes it.
public func dropout(_ x: Tensor, probability p: Float, using generator: inout RandomGenerator) -> Tensor {
    dropout(x, mask: dropoutMask(x.shape, probability: p, using: &generator))
}

/// Dropout with its mask from the current generator (`Random.global`: the task's own, or the process-wide one, which
/// is locked only while the mask is drawn).
public func dropout(_ x: Tensor, probability p: Float) -> Tensor {
    dropout(x, mask: dropoutMask(x.shape, probability: p, using: &Random.global))
}

/// Dropout's mask for a tensor of `shape`: 0 with probability `p`, else 1 / (1 - p). Only draws, so that a caller
/// passing the shared generator (`&Random.global`, locked for the call) holds it no longer than the draws take.
public func dropoutMask(_ shape: [Int], probability p: Float, using generator: inout RandomGenerator) -> Tensor {
    precondition(p >= 0 && p < 1, "dropout probability must be in [0, 1), got \(p)")
    let mask = Tensor(uninitialized: shape)
    let keep = 1 / (1 - p)
    for i in 0..<mask.count { mask.data[i] = generator.nextUniform() < p ? 0 : keep }
    return mask
}

/// x * mask, with the gradient masked the same way (dropout with a given mask).
public func dropout(_ x: Tensor, mask: Tensor) -> Tensor {
    x.zipped(mask, MultiplyKernel.self).recording([x]) { g in [g.zipped(mask, MultiplyKernel.self)] }
}
