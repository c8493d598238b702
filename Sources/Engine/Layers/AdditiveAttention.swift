/// Additive (Bahdanau) attention as d2l defines it (11.3): score(q, k) = w_v^T tanh(W_q q + W_k k), a
/// softmax over the valid keys, dropout on the weights in training, then the weighted sum of the values.
/// Keys `W_q.weight`, `W_k.weight`, `w_v.weight` (no biases), as d2l's `AdditiveAttention`.
public final class AdditiveAttention: Module {
    public let W_k: Linear, W_q: Linear, w_v: Linear
    public let dropout: Float

    public init(keySize: Int, querySize: Int, hidden: Int, dropout: Float = 0) {
        W_k = Linear(keySize, hidden, bias: false)
        W_q = Linear(querySize, hidden, bias: false)
        w_v = Linear(hidden, 1, bias: false)
        self.dropout = dropout
        super.init()
    }

    /// The context [batch, values] for `query` [batch, querySize] over `keys` [batch, length, keySize] and
    /// `values` [batch, length, valueSize], counting only the first `validLengths[b]` positions of row b.
    public func callAsFunction(query: Tensor, keys: Tensor, values: Tensor, validLengths: [Int]) -> Tensor {
        let (batch, length) = (keys.shape[0], keys.shape[1])
        let projectedKeys = W_k(keys.reshaped([batch * length, keys.shape[2]])).reshaped([batch, length, -1])
        let features = tanh(W_q(query).reshaped([batch, 1, -1]) + projectedKeys)
        let scores = w_v(features.reshaped([batch * length, -1])).reshaped([batch, length])
        var weights = maskedSoftmax(scores, validLengths: validLengths)
        if isTraining && dropout > 0 { weights = Engine.dropout(weights, probability: dropout) }
        return weightedSum(weights, values)
    }
}
