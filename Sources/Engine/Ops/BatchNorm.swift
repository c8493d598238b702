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
    let src = x.data, rows = ChannelRows(batch: batch, channels: channels, length: inner)
    let reducer = training ? BatchNormSync.current?.reduce : nil
    if training {
        let sums = Tensor(shape: [channels + 1], repeating: 0), totals = sums.data
        parallelChunks(channels, costPerItem: perChannel) { range in
            rows.forEach(channels: range) { c, row in totals[c] += rows.sum(src + row) }
        }
        sums.data[channels] = Float(perChannel)
        reducer?(UnsafeMutableBufferPointer(start: sums.data, count: channels + 1))
        let count = sums.data[channels]
        for c in 0..<channels { mean.data[c] = sums.data[c] / count }
        inverseStd.data.update(repeating: 0, count: channels)
        let (squares, means) = (inverseStd.data, mean.data)
        parallelChunks(channels, costPerItem: perChannel) { range in
            rows.forEach(channels: range) { c, row in squares[c] += rows.squaredDeviations(src + row, from: means[c]) }
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
    // Raw pointers in the per-row loops: reaching a tensor's floats through it from two threads for every short row
    // contends on its reference count.
    let (inverse, means, gammas, betas) = (inverseStd.data, mean.data, weight?.data, bias?.data)
    parallelChunks(channels, costPerItem: perChannel) { range in
        rows.forEach(channels: range) { c, row in
            let scale = inverse[c] * (gammas?[c] ?? 1)
            rows.scaleShift(src + row, out + row, scale: scale, shift: (betas?[c] ?? 0) - means[c] * scale)
        }
    }

    let input = copy x  // what the gradient needs (a closure cannot take over a parameter)
    let inputs = [input] + [weight, bias].compactMap { $0 }
    return result.recording(inputs) { gradient in
        // The input itself is kept (not only its pointer), so that its memory outlives the forward pass.
        let (g, src) = (gradient.data, input.data)
        // Per channel: sum(dy) and sum(dy * xhat).
        let sumGradient = Tensor(shape: [channels], repeating: 0), sumGradientXhat = Tensor(shape: [channels], repeating: 0)
        let (means, inverse, gradientSums, productSums) = (mean.data, inverseStd.data, sumGradient.data, sumGradientXhat.data)
        parallelChunks(channels, costPerItem: perChannel) { range in
            rows.forEach(channels: range) { c, row in
                let sums = rows.sumAndCenteredProduct(g + row, src + row, center: means[c])
                gradientSums[c] += sums.sum
                productSums[c] += sums.product
            }
            for c in range { productSums[c] *= inverse[c] }
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
            let (d, gammas, allGradientSums, allProductSums) = (dx.data, weight?.data, allSums.data, allSumsXhat.data)
            defer { withExtendedLifetime((allSums, allSumsXhat)) {} }  // their pointers are read below
            parallelChunks(channels, costPerItem: perChannel) { range in
                rows.forEach(channels: range) { c, row in
                    let (m, s) = (means[c], inverse[c])
                    let gamma = gammas?[c] ?? 1
                    let (from, dy, to) = (src + row, g + row, d + row)
                    if training {
                        // dx = gamma * s / M * (M dy - sum(dy) - xhat * sum(dy xhat))
                        rows.inputGradient(from, dy, to, mean: m, inverseStd: s, k: gamma * s / count, count: count,
                                           sumGradient: allGradientSums[c], sumGradientXhat: allProductSums[c])
                    } else {
                        rows.scaleShift(dy, to, scale: gamma * s, shift: 0)
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

/// The rows of an [N, C, ...] batch, `length` floats per (image, channel), visited image by image (the order they lie
/// in) for a range of channels, with the per-row arithmetic of batch norm: through the vector kernels for long rows,
/// in place for rows too short to fill a vector (2x2 and 1x1 maps, [N, C] batches), where a call costs more than the
/// row's arithmetic.
struct ChannelRows {
    let batch, channels, length: Int
    private var short: Bool { length < 8 }

    /// Calls `body(c, offset of row (n, c))` for every image n and channel c in `range`.
    @inline(__always) func forEach(channels range: Range<Int>, _ body: (_ channel: Int, _ row: Int) -> Void) {
        for n in 0..<batch {
            for c in range { body(c, (n * channels + c) * length) }
        }
    }

    @inline(__always) func sum(_ x: UnsafePointer<Float>) -> Float {
        guard short else { return sumElements(x, count: length) }
        var total: Float = 0
        for i in 0..<length { total += x[i] }
        return total
    }

    @inline(__always) func squaredDeviations(_ x: UnsafePointer<Float>, from center: Float) -> Float {
        guard short else { return sumOfSquaredDeviations(x, count: length, from: center) }
        var total: Float = 0
        for i in 0..<length { total += (x[i] - center) * (x[i] - center) }
        return total
    }

    @inline(__always) func sumAndCenteredProduct(_ g: UnsafePointer<Float>, _ x: UnsafePointer<Float>, center: Float) -> (sum: Float, product: Float) {
        guard short else { return Engine.sumAndCenteredProduct(g, x, count: length, center: center) }
        var (sum, product): (Float, Float) = (0, 0)
        for i in 0..<length { (sum, product) = (sum + g[i], product + g[i] * (x[i] - center)) }
        return (sum, product)
    }

    /// y = x * scale + shift over the row.
    @inline(__always) func scaleShift(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, scale: Float, shift: Float) {
        guard short else { return zoo_scale_shift(x, y, length, scale, shift) }
        for i in 0..<length { y[i] = x[i] * scale + shift }
    }

    /// Batch norm's input gradient in training over the row (`zoo_batch_norm_input_gradient`).
    @inline(__always) func inputGradient(_ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>,
                                         mean: Float, inverseStd: Float, k: Float, count: Float, sumGradient: Float, sumGradientXhat: Float) {
        guard short else {
            return zoo_batch_norm_input_gradient(x, dy, dx, length, mean, inverseStd, k, count, sumGradient, sumGradientXhat)
        }
        for i in 0..<length { dx[i] = k * (count * dy[i] - sumGradient - (x[i] - mean) * inverseStd * sumGradientXhat) }
    }
}
