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
    return result.recording([x]) { g, y in
        // dx = g - softmax * sum(g)
        let dx = Tensor(uninitialized: x.shape)
        for r in 0..<rows {
            let grow = g.data + r * classes, yrow = y.data + r * classes, out = dx.data + r * classes
            let total = sumElements(grow, count: classes)
            for c in 0..<classes { out[c] = grow[c] - Foundation.exp(yrow[c]) * total }
        }
        return [dx]
    }
}

/// log(sum(exp(row))) without overflow.
@inline(__always)
func logSumExp(_ row: UnsafePointer<Float>, _ count: Int) -> Float {
    var peak = -Float.infinity
    for c in 0..<count { peak = max(peak, row[c]) }
    var total: Float = 0
    for c in 0..<count { total += Foundation.exp(row[c] - peak) }
    return peak + Foundation.log(total)
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
    var total: Double = 0  // a Float sum of 30,000 losses drifts by 1e-4
    var logTotals = [Float](repeating: 0, count: batch)
    for n in 0..<batch where mask?[n] ?? true {
        precondition(targets[n] >= 0 && targets[n] < classes, "target \(targets[n]) outside 0..<\(classes)")
        let row = logits.data + n * classes
        logTotals[n] = logSumExp(row, classes)
        total += Double(logTotals[n] - row[targets[n]])
    }
    return Tensor(Float(total / Double(included))).recording([logits]) { g, _ in
        let scale = g.item / Float(included)
        let dx = Tensor.zeros(logits.shape)
        for n in 0..<batch where mask?[n] ?? true {
            let row = logits.data + n * classes, out = dx.data + n * classes
            for c in 0..<classes { out[c] = Foundation.exp(row[c] - logTotals[n]) * scale }
            out[targets[n]] -= scale
        }
        return [dx]
    }
}

/// Mean squared error between `prediction` and `target` of the same shape.
public func mseLoss(_ prediction: Tensor, _ target: Tensor) -> Tensor {
    precondition(prediction.shape == target.shape, "mseLoss shapes differ: \(prediction.shape) vs \(target.shape)")
    let difference = prediction - target
    return (difference * difference).mean()
}
