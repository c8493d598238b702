import CKernels
import Foundation

/// Log-softmax along the last axis, computed stably (max subtracted).
public func logSoftmax(_ x: Tensor) -> Tensor {
    precondition(x.rank >= 1, "logSoftmax needs at least one dimension")
    let classes = x.shape[x.rank - 1], rows = x.count / max(classes, 1)
    let result = Tensor(uninitialized: x.shape)
    for r in 0..<rows {
        let row = x.data + r * classes, out = result.data + r * classes
        let logTotal = logSumExp(row, classes)
        for c in 0..<classes { out[c] = row[c] - logTotal }
    }
    return result.recordingWithOutput([x]) { [shape = x.shape] g, y in
        // dx = g - softmax * sum(g)
        let dx = Tensor(uninitialized: shape)
        for r in 0..<rows {
            let grow = g.data + r * classes, yrow = y.data + r * classes, out = dx.data + r * classes
            let total = sumElements(grow, count: classes)
            for c in 0..<classes { out[c] = grow[c] - Foundation.exp(yrow[c]) * total }
        }
        return [dx]
    }
}

/// log(sum(exp(row))) without overflow: the peak eight lanes at a time, the exps by `zoo_exp_shifted`.
@inline(__always)
func logSumExp(_ row: UnsafePointer<Float>, _ count: Int) -> Float {
    var peaks = Vector(repeating: -.infinity)
    var c = 0
    while c + 8 <= count {
        let v = loadVector(row + c)
        peaks.replace(with: v, where: v .> peaks)
        c += 8
    }
    var peak = peaks.max()
    while c < count { peak = max(peak, row[c]); c += 1 }
    return peak + Foundation.log(zoo_exp_shifted(row, nil, count, peak, 1))
}

/// out[c] = exp(row[c] - shift) * scale for c < count (`zoo_exp_shifted`, for this CPU's vectors).
@inline(__always)
func writeScaledExp(_ row: UnsafePointer<Float>, minus shift: Float, times scale: Float, into out: UnsafeMutablePointer<Float>, count: Int) {
    _ = zoo_exp_shifted(row, out, count, shift, scale)
}

/// Mean cross-entropy of `logits` [batch, classes] against class indices `targets` (PyTorch's
/// `F.cross_entropy`), fused with the softmax: the gradient is (softmax - one-hot) / batch. With a
/// `mask`, rows where it is false (padded positions) count zero and the mean is over the others, as d2l
/// v1.0's sequence loss `(l * mask).sum() / mask.sum()`.
public func crossEntropy(logits: Tensor, targets: [Int], mask: [Bool]? = nil) -> Tensor {
    precondition(logits.rank == 2, "crossEntropy expects logits [batch, classes], got \(logits.shape)")
    let (batch, classes) = (logits.shape[0], logits.shape[1])
    precondition(targets.count == batch && (mask?.count ?? batch) == batch, "\(targets.count) targets for a batch of \(batch)")
    let included = mask.map { $0.filter { $0 }.count } ?? batch
    precondition(included > 0, "crossEntropy of an empty batch (or every row masked)")
    precondition(targets.allSatisfy { $0 >= 0 && $0 < classes }, "a target lies outside 0..<\(classes)")
    var losses = [Double](repeating: 0, count: batch), logTotals = [Float](repeating: 0, count: batch)
    let logitRows = logits.data
    losses.withUnsafeMutableBufferPointer { losses in
        logTotals.withUnsafeMutableBufferPointer { logTotals in
            parallelChunks(batch, costPerItem: classes * 4) { rows in
                for n in rows where mask?[n] ?? true {
                    let row = logitRows + n * classes
                    logTotals[n] = logSumExp(row, classes)
                    losses[n] = Double(logTotals[n] - row[targets[n]])
                }
            }
        }
    }
    // Summed in Double: a Float sum of 30,000 token losses drifts by 1e-4.
    return Tensor(Float(losses.reduce(0, +) / Double(included))).recording([logits]) { g in
        let scale = g.item / Float(included)
        let dx = Tensor(uninitialized: logits.shape)
        let (gradients, scores) = (dx.data, logits.data)  // not through the tensors from both threads for every row
        parallelChunks(batch, costPerItem: classes * 4) { rows in
            for n in rows {
                let out = gradients + n * classes
                guard mask?[n] ?? true else { out.update(repeating: 0, count: classes); continue }
                writeScaledExp(scores + n * classes, minus: logTotals[n], times: scale, into: out, count: classes)
                out[targets[n]] -= scale
            }
        }
        return [dx]
    }
}


/// Hinton et al.'s knowledge-distillation loss for `studentLogits` [batch, classes]:
/// alpha T² KL(softmax(teacher / T) || softmax(student / T)) + (1 - alpha) crossEntropy(student, targets),
/// the KL divergence summed over classes and averaged over the batch (PyTorch's `kl_div(...,
/// reduction="batchmean")`). The teacher's logits are constants.
public func distillationLoss(studentLogits: Tensor, teacherLogits: Tensor, targets: [Int], temperature: Float, alpha: Float) -> Tensor {
    precondition(studentLogits.shape == teacherLogits.shape, "student \(studentLogits.shape) and teacher \(teacherLogits.shape) logits differ")
    precondition(temperature > 0 && (0...1).contains(alpha), "distillation needs temperature > 0 and alpha in [0, 1]")
    let teacherLogProbabilities = withoutGradients { logSoftmax(teacherLogits / temperature) }
    let teacherProbabilities = withoutGradients { exp(teacherLogProbabilities) }
    let batch = Float(studentLogits.shape[0])
    let divergence = (teacherProbabilities * (teacherLogProbabilities - logSoftmax(studentLogits / temperature))).sum() / batch
    return divergence * (alpha * temperature * temperature) + crossEntropy(logits: studentLogits, targets: targets) * (1 - alpha)
}
