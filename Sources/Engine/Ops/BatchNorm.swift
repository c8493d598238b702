import CKernels

/// Batch normalization over the channel axis 1 of [N, C] or [N, C, H, W] (PyTorch's `F.batch_norm`).
///
/// Training: each channel is normalized by the mean and biased variance of its N*H*W values, and the
/// running statistics move toward them by `momentum` (the running variance takes the unbiased batch
/// variance, as PyTorch does). Evaluation: the running statistics are used and left unchanged. The result is
/// written over `x` where nothing else holds it and nothing records (`Tensor.result(overwriting:)`).
public func batchNorm(_ x: consuming Tensor, weight: Tensor?, bias: Tensor?, runningMean: Tensor, runningVariance: Tensor,
                      training: Bool, momentum: Float = 0.1, epsilon: Float = 1e-5) -> Tensor {
    precondition(x.rank == 2 || x.rank == 4, "batchNorm expects [N, C] or [N, C, H, W], got \(x.shape)")
    let (batch, channels) = (x.shape[0], x.shape[1])
    let inner = x.count / max(batch * channels, 1), perChannel = batch * inner
    precondition(runningMean.count == channels && runningVariance.count == channels,
                 "batchNorm has statistics for \(runningMean.count) channels, the input \(x.shape) has \(channels)")
    precondition(!training || perChannel > 1, "batchNorm in training needs more than one value per channel, got \(x.shape)")

    // Per channel: the mean and 1/sqrt(var + eps) used to normalize; in training, over every process's values
    // when a `BatchNormSync` adds up the per-channel sums (first the values and their count, then
    // the squared deviations from the mean of all).
    let mean = Tensor(uninitialized: [channels]), inverseStd = Tensor(uninitialized: [channels])
    let src = x.data
    let reducer = training ? BatchNormSync.current?.reduce : nil
    if training {
        let sums = Tensor(uninitialized: [channels + 1])
        parallelChunks(channels, costPerItem: perChannel) { range in
            for c in range {
                var total: Float = 0
                for n in 0..<batch { total += sumElements(src + (n * channels + c) * inner, count: inner) }
                sums.data[c] = total
            }
        }
        sums.data[channels] = Float(perChannel)
        reducer?(UnsafeMutableBufferPointer(start: sums.data, count: channels + 1))
        let count = sums.data[channels]
        parallelChunks(channels, costPerItem: perChannel) { range in
            for c in range {
                mean.data[c] = sums.data[c] / count
                var squares: Float = 0
                for n in 0..<batch {
                    squares += sumOfSquaredDeviations(src + (n * channels + c) * inner, count: inner, from: mean.data[c])
                }
                inverseStd.data[c] = squares
            }
        }
        reducer?(UnsafeMutableBufferPointer(start: inverseStd.data, count: channels))
        for c in 0..<channels {
            let (m, squares) = (mean.data[c], inverseStd.data[c])
            inverseStd.data[c] = 1 / (squares / count + epsilon).squareRoot()
            runningMean.data[c] = (1 - momentum) * runningMean.data[c] + momentum * m
            runningVariance.data[c] = (1 - momentum) * runningVariance.data[c] + momentum * squares / (count - 1)
        }
    } else {
        for c in 0..<channels {
            mean.data[c] = runningMean.data[c]
            inverseStd.data[c] = 1 / (runningVariance.data[c] + epsilon).squareRoot()
        }
    }

    let result = Tensor.result(overwriting: &x, others: [weight, bias].compactMap { $0 })
    let out = result.data
    parallelChunks(batch * channels, costPerItem: inner) { range in
        for row in range {
            let c = row % channels
            let scale = inverseStd.data[c] * (weight?.data[c] ?? 1)
            let shift = (bias?.data[c] ?? 0) - mean.data[c] * scale
            zoo_scale_shift(src + row * inner, out + row * inner, inner, scale, shift)
        }
    }

    let input = copy x  // what the gradient needs (a closure cannot take over a parameter)
    let inputs = [input] + [weight, bias].compactMap { $0 }
    return result.recording(inputs) { gradient in
        // The input itself is kept (not only its pointer), so that its memory outlives the forward pass.
        let (g, src) = (gradient.data, input.data)
        // Per channel: sum(dy) and sum(dy * xhat).
        let sumGradient = Tensor(uninitialized: [channels]), sumGradientXhat = Tensor(uninitialized: [channels])
        parallelChunks(channels, costPerItem: perChannel) { range in
            for c in range {
                var sg: Float = 0, sgx: Float = 0
                for n in 0..<batch {
                    let offset = (n * channels + c) * inner
                    let sums = sumAndCenteredProduct(g + offset, src + offset, count: inner, center: mean.data[c])
                    sg += sums.sum
                    sgx += sums.product
                }
                sumGradient.data[c] = sg
                sumGradientXhat.data[c] = sgx * inverseStd.data[c]
            }
        }
        // Synchronized: the input's gradient takes every process's sums (and count); the weight's and bias's
        // stay this process's, to be added up with the other gradients, as PyTorch's SyncBatchNorm does.
        var (allSums, allSumsXhat, count) = (sumGradient, sumGradientXhat, Float(perChannel))
        if let reducer, input.requiresGrad {
            let both = Tensor(uninitialized: [2 * channels + 1])
            both.data.update(from: sumGradient.data, count: channels)
            (both.data + channels).update(from: sumGradientXhat.data, count: channels)
            both.data[2 * channels] = Float(perChannel)
            reducer(UnsafeMutableBufferPointer(start: both.data, count: 2 * channels + 1))
            (allSums, allSumsXhat, count) = (Tensor(uninitialized: [channels]), Tensor(uninitialized: [channels]), both.data[2 * channels])
            allSums.data.update(from: both.data, count: channels)
            allSumsXhat.data.update(from: both.data + channels, count: channels)
        }
        var grads: [Tensor?] = []
        if input.requiresGrad {
            let dx = Tensor(uninitialized: input.shape)
            let d = dx.data
            parallelChunks(batch * channels, costPerItem: inner) { range in
                for row in range {
                    let c = row % channels
                    let (m, s) = (mean.data[c], inverseStd.data[c])
                    let gamma = weight?.data[c] ?? 1
                    let (from, dy, to) = (src + row * inner, g + row * inner, d + row * inner)
                    if training {
                        // dx = gamma * s / M * (M dy - sum(dy) - xhat * sum(dy xhat))
                        zoo_batch_norm_input_gradient(from, dy, to, inner, m, s, gamma * s / count, count,
                                                      allSums.data[c], allSumsXhat.data[c])
                    } else {
                        zoo_scale_shift(dy, to, inner, gamma * s, 0)
                    }
                }
            }
            grads.append(dx)
        } else {
            grads.append(nil)
        }
        if let weight { grads.append(weight.requiresGrad ? sumGradientXhat : nil) }
        if let bias { grads.append(bias.requiresGrad ? sumGradient : nil) }
        return grads
    }
}

/// Synchronized batch normalization (`zoo run --sync-batchnorm` under MPI): while one is bound as `current`,
/// batch norm in training normalizes by the statistics of every process's batch, `reduce` replacing
/// per-channel sums by their sums over all processes. Bound per thread (or task) with
/// `BatchNormSync.$current.withValue`.
public final class BatchNormSync: Sendable {
    public let reduce: @Sendable (UnsafeMutableBufferPointer<Float>) -> Void

    public init(reduce: @escaping @Sendable (UnsafeMutableBufferPointer<Float>) -> Void) { self.reduce = reduce }

    @TaskLocal public static var current: BatchNormSync?
}
