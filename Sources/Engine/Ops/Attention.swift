import Foundation

/// The pieces of attention pooling (d2l 11.1-11.4): a softmax that ignores padded positions, and the
/// attention-weighted sum of values.

/// Softmax along the last axis of `x` [rows, length]; in row r only the first `validLengths[r]` positions
/// count, the others get probability 0 (d2l's `masked_softmax`, which sets them to -1e6 first). A row
/// with no valid position is all zeros.
public func maskedSoftmax(_ x: Tensor, validLengths: [Int]) -> Tensor {
    precondition(x.rank == 2 && validLengths.count == x.shape[0], "maskedSoftmax takes [rows, length] and a length per row, got \(x.shape)")
    let (rows, length) = (x.shape[0], x.shape[1])
    let result = Tensor.zeros(x.shape)
    for r in 0..<rows {
        let valid = min(max(validLengths[r], 0), length)
        guard valid > 0 else { continue }
        let row = x.data + r * length, out = result.data + r * length
        let logTotal = logSumExp(row, valid)
        for c in 0..<valid { out[c] = Foundation.exp(row[c] - logTotal) }
    }
    return result.recordingWithOutput([x]) { [shape = x.shape] g, y in
        // dx = y * (g - sum(g * y)) along each row; masked positions have y = 0.
        let dx = Tensor(uninitialized: shape)
        for r in 0..<rows {
            let grow = g.data + r * length, yrow = y.data + r * length, out = dx.data + r * length
            var dot: Float = 0
            for c in 0..<length { dot += grow[c] * yrow[c] }
            for c in 0..<length { out[c] = yrow[c] * (grow[c] - dot) }
        }
        return [dx]
    }
}

/// For weights [batch, length] and values [batch, length, features]: sum over positions of weight times
/// value, [batch, features] (a batched matrix product of a row vector: d2l's `torch.bmm(weights, values)`).
public func weightedSum(_ weights: Tensor, _ values: Tensor) -> Tensor {
    precondition(weights.rank == 2 && values.rank == 3 && values.shape[0] == weights.shape[0] && values.shape[1] == weights.shape[1],
                 "weightedSum takes [batch, length] and [batch, length, features], got \(weights.shape) and \(values.shape)")
    let (batch, length, features) = (values.shape[0], values.shape[1], values.shape[2])
    let result = Tensor(uninitialized: [batch, features])
    for b in 0..<batch {
        gemm(m: 1, n: features, k: length, weights.data + b * length, values.data + b * length * features, result.data + b * features)
    }
    return result.recording([weights, values]) { g in
        var grads: [Tensor?] = [nil, nil]
        if weights.requiresGrad {  // dW[b] = V[b] g[b]
            let dw = Tensor(uninitialized: weights.shape)
            for b in 0..<batch {
                gemm(m: length, n: 1, k: features, values.data + b * length * features, g.data + b * features, dw.data + b * length)
            }
            grads[0] = dw
        }
        if values.requiresGrad {  // dV[b] = W[b]^T g[b]
            let dv = Tensor(uninitialized: values.shape)
            for b in 0..<batch {
                gemm(m: length, n: features, k: 1, weights.data + b * length, g.data + b * features, dv.data + b * length * features)
            }
            grads[1] = dv
        }
        return grads
    }
}

extension Tensor {
    /// [a, b, rest...] -> [b, a, rest...]: time-major to batch-major and back (a copy).
    public func swappingFirstAxes() -> Tensor {
        precondition(rank >= 2, "swappingFirstAxes needs two axes, got \(shape)")
        let (a, b) = (shape[0], shape[1]), inner = count / Swift.max(a * b, 1)
        func swap(_ source: Tensor, _ rows: Int, _ columns: Int) -> Tensor {
            let target = Tensor(uninitialized: [columns, rows] + source.shape.dropFirst(2))
            for i in 0..<rows {
                for j in 0..<columns {
                    (target.data + (j * rows + i) * inner).update(from: source.data + (i * columns + j) * inner, count: inner)
                }
            }
            return target
        }
        return swap(self, a, b).recording([self]) { g in [swap(g, b, a)] }
    }
}
