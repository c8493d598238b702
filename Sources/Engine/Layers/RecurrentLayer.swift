/// The state a recurrent layer carries between calls: hidden [layers * directions, batch, size] as
/// PyTorch's `h_n`, and the LSTM's cell state `c_n` of the same shape.
public struct RecurrentState {
    public var hidden: Tensor
    public var cell: Tensor?

    public init(hidden: Tensor, cell: Tensor? = nil) {
        self.hidden = hidden
        self.cell = cell
    }
}

/// A stack of recurrent layers over time-major input [steps, batch, features], as PyTorch's `nn.RNN`,
/// `nn.GRU` and `nn.LSTM`: the same equations, gate order, initialisation (U(±1/sqrt(size)) for every
/// tensor) and parameter names (`weight_ih_l0`, `weight_hh_l0`, `bias_ih_l0`, `bias_hh_l0`, `..._reverse`),
/// so PyTorch's weights load unchanged. Each layer and direction is one operation of the tape
/// (`recurrence`).
public class RecurrentLayer: Module {
    public let kind: RecurrentCell
    public let inputSize: Int, hiddenSize: Int, layers: Int
    public let bidirectional: Bool
    /// Dropout on the outputs of every layer but the last, in training mode.
    public let dropout: Float
    /// [W_ih, W_hh, b_ih, b_hh] per layer, and within a layer per direction.
    let weights: [[Tensor]]

    init(_ kind: RecurrentCell, _ inputSize: Int, _ hiddenSize: Int, layers: Int, bidirectional: Bool, dropout: Float) {
        precondition(inputSize > 0 && hiddenSize > 0 && layers > 0, "a recurrent layer needs positive sizes")
        precondition(dropout >= 0 && dropout < 1, "dropout must be in [0, 1)")
        self.kind = kind
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.layers = layers
        self.bidirectional = bidirectional
        self.dropout = dropout
        let directions = bidirectional ? 2 : 1, width = kind.gateCount * hiddenSize
        weights = (0..<(layers * directions)).map { index in
            let inputs = index < directions ? inputSize : hiddenSize * directions
            return [parameter([width, inputs]), parameter([width, hiddenSize]), parameter([width]), parameter([width])]
        }
        super.init()
        let bound = 1 / Float(hiddenSize).squareRoot()
        for tensor in weights.joined() { Initializer.uniform(low: -bound, high: bound).fill(tensor) }
    }

    public var directions: Int { bidirectional ? 2 : 1 }

    /// PyTorch's names, in its order: per layer, per direction, weight_ih, weight_hh, bias_ih, bias_hh.
    public override var namedTensors: [(String, Tensor)] {
        weights.enumerated().flatMap { index, tensors in
            let suffix = "_l\(index / directions)" + (index % directions == 1 ? "_reverse" : "")
            return zip(["weight_ih", "weight_hh", "bias_ih", "bias_hh"], tensors).map { ($0 + suffix, $1) }
        }
    }

    /// The top layer's outputs [steps, batch, size * directions] and the final state, from `state`
    /// (zeros when nil).
    public func callAsFunction(_ x: Tensor, state: RecurrentState?) -> (output: Tensor, state: RecurrentState) {
        precondition(x.rank == 3 && x.shape[2] == inputSize,
                     "\(kind) expects [steps, batch, \(inputSize)], got \(x.shape)")
        return self(.dense(x), state: state)
    }

    /// The same for tokens read as one-hot vectors over the `inputSize` columns (see `RecurrentInput`).
    public func callAsFunction(_ input: RecurrentInput, state: RecurrentState?) -> (output: Tensor, state: RecurrentState) {
        let (steps, batch): (Int, Int) = switch input {
        case let .dense(x): (x.shape[0], x.shape[1])
        case let .oneHot(_, steps, batch): (steps, batch)
        }
        let stateShape = [layers * directions, batch, hiddenSize]
        if let state {
            precondition(state.hidden.shape == stateShape && (state.cell?.shape ?? stateShape) == stateShape
                            && (state.cell != nil) == (kind == .lstm), "\(kind) state must be \(stateShape)")
        }
        func initial(_ tensor: Tensor?, _ index: Int) -> Tensor {
            tensor.map { $0.slice(axis: 0, from: index, count: 1).reshaped([batch, hiddenSize]) }
                ?? Tensor.zeros([batch, hiddenSize])
        }
        var input = input
        var hiddens: [Tensor] = [], cells: [Tensor] = []
        for layer in 0..<layers {
            if layer > 0 && dropout > 0 && isTraining, case let .dense(x) = input {
                input = .dense(Engine.dropout(x, probability: dropout))
            }
            var outputs: [Tensor] = []
            for direction in 0..<directions {
                let index = layer * directions + direction, w = weights[index]
                let packed = recurrence(kind, input, hidden: initial(state?.hidden, index),
                                        cell: kind == .lstm ? initial(state?.cell, index) : nil,
                                        weightIH: w[0], weightHH: w[1], biasIH: w[2], biasHH: w[3], reverse: direction == 1)
                outputs.append(kind == .lstm ? packed.slice(axis: 0, from: 0, count: steps) : packed)
                hiddens.append(packed.slice(axis: 0, from: direction == 1 ? 0 : steps - 1, count: 1))
                if kind == .lstm { cells.append(packed.slice(axis: 0, from: steps, count: 1)) }
            }
            input = .dense(outputs.count == 1 ? outputs[0] : concatenate(outputs, axis: 2))
        }
        func stacked(_ parts: [Tensor]) -> Tensor { parts.count == 1 ? parts[0] : concatenate(parts, axis: 0) }
        guard case let .dense(output) = input else { preconditionFailure("a recurrent layer's output is dense") }
        return (output, RecurrentState(hidden: stacked(hiddens), cell: cells.isEmpty ? nil : stacked(cells)))
    }

    /// The top layer's outputs from a zero state.
    public override func forward(_ x: Tensor) -> Tensor { self(x, state: nil).output }
}

/// Elman RNN with tanh, as `nn.RNN(inputSize, hiddenSize, num_layers, dropout=, bidirectional=)`.
public final class RNN: RecurrentLayer {
    public init(_ inputSize: Int, _ hiddenSize: Int, layers: Int = 1, bidirectional: Bool = false, dropout: Float = 0) {
        super.init(.rnn, inputSize, hiddenSize, layers: layers, bidirectional: bidirectional, dropout: dropout)
    }
}

/// Gated recurrent unit, as `nn.GRU`: r, z, n with n = tanh(W_in x + b_in + r * (W_hn h + b_hn)).
public final class GRU: RecurrentLayer {
    public init(_ inputSize: Int, _ hiddenSize: Int, layers: Int = 1, bidirectional: Bool = false, dropout: Float = 0) {
        super.init(.gru, inputSize, hiddenSize, layers: layers, bidirectional: bidirectional, dropout: dropout)
    }
}

/// Long short-term memory, as `nn.LSTM`: gates i, f, g, o.
public final class LSTM: RecurrentLayer {
    public init(_ inputSize: Int, _ hiddenSize: Int, layers: Int = 1, bidirectional: Bool = false, dropout: Float = 0) {
        super.init(.lstm, inputSize, hiddenSize, layers: layers, bidirectional: bidirectional, dropout: dropout)
    }
}
