import CKernels

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

/// Dropout's mask for a tensor of `shape`: 0 with probability `p`, else 1 / (1 - p). Takes one draw from `generator`,
/// which seeds 16 xoshiro128** streams side by side for the mask (`zoo_dropout_mask`: the same mask on every instruction
/// set). Only draws, so that a caller passing the shared generator (`&Random.global`, locked for the call) holds it no
/// longer than the draws take.
public func dropoutMask(_ shape: [Int], probability p: Float, using generator: inout RandomGenerator) -> Tensor {
    precondition(p >= 0 && p < 1, "dropout probability must be in [0, 1), got \(p)")
    let mask = Tensor(uninitialized: shape)
    var streams = RandomGenerator(seed: generator.next())
    var state = [UInt32](repeating: 0, count: 4 * Int(ZOO_DROPOUT_STREAMS))
    for i in stride(from: 0, to: state.count, by: 2) {
        let word = streams.next()
        (state[i], state[i + 1]) = (UInt32(truncatingIfNeeded: word), UInt32(truncatingIfNeeded: word >> 32))
    }
    // A xoshiro stream must not start all zeros (it would stay there).
    let width = Int(ZOO_DROPOUT_STREAMS)
    for stream in 0..<width where (0..<4).allSatisfy({ state[$0 * width + stream] == 0 }) { state[stream] = 1 }
    // A draw's top 24 bits as a fraction (as `nextUniform()` takes them) are below p when, as an integer, they are below
    // p * 2^24 rounded up (exact in Float).
    zoo_dropout_mask(&state, mask.data, mask.count, UInt32((p * 0x1p24).rounded(.up)), 1 / (1 - p))
    return mask
}

/// x * mask, with the gradient masked the same way (dropout with a given mask).
public func dropout(_ x: Tensor, mask: Tensor) -> Tensor {
    x.zipped(mask, MultiplyKernel.self).recording([x]) { g in [g.zipped(mask, MultiplyKernel.self)] }
}
