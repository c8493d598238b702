import Engine

/// d2l v1.0's concise `RNNLM` (9.6, 10.1-10.3): tokens one-hot encoded, a recurrent layer, then a linear
/// map of every hidden state to next-token logits. (The one-hot vectors are never built: the first layer
/// reads each token's column of W_ih, which is what the product with a one-hot vector computes.)
///
/// PyTorch equivalent (same state_dict keys `rnn.weight_ih_l0`, ..., `linear.weight`, `linear.bias`):
/// ```
/// class RNNLM(nn.Module):
///     def __init__(self, rnn, vocab_size):       # rnn = nn.GRU(vocab_size, 32), for example
///         super().__init__(); self.rnn, self.linear = rnn, nn.Linear(rnn.hidden_size, vocab_size)
///     def forward(self, X, state=None):            # X [batch, steps] of token ids
///         outputs, state = self.rnn(F.one_hot(X.T, self.linear.out_features).float(), state)
///         return self.linear(outputs), state       # logits [steps, batch, vocab]
/// ```
public final class LanguageModel: Module {
    public let rnn: RecurrentLayer
    public let linear: Linear
    public let vocabularySize: Int

    public init(_ kind: RecurrentCell, vocabularySize: Int, hidden: Int, layers: Int = 1) {
        self.vocabularySize = vocabularySize
        rnn = switch kind {
        case .rnn: RNN(vocabularySize, hidden, layers: layers)
        case .gru: GRU(vocabularySize, hidden, layers: layers)
        case .lstm: LSTM(vocabularySize, hidden, layers: layers)
        }
        linear = Linear(hidden, vocabularySize)
        super.init()
    }

    /// Next-token logits [steps * batch, vocabulary] (rows time-major: step 0's batch first) for `tokens`
    /// laid out time-major [steps, batch], from `state` (zeros when nil), and the final state.
    public func callAsFunction(tokens: [Int32], steps: Int, batch: Int, state: RecurrentState?) -> (logits: Tensor, state: RecurrentState) {
        let (outputs, final) = rnn(.oneHot(tokens: tokens, steps: steps, batch: batch), state: state)
        return (linear(outputs.reshaped([steps * batch, rnn.hiddenSize])), final)
    }
}
