import Engine

/// d2l v1.0's RNN encoder-decoder for machine translation (10.7), and its attention variant (11.4).
///
/// PyTorch equivalent (keys `encoder.embedding.weight`, `encoder.rnn.weight_ih_l0`, ..., `decoder.embedding.weight`,
/// `decoder.rnn.*`, `decoder.dense.weight`, `decoder.dense.bias`, and for attention `decoder.attention.W_k.weight`,
/// `decoder.attention.W_q.weight`, `decoder.attention.w_v.weight`):
/// ```
/// encoder: embedding = nn.Embedding(src_vocab, 256); rnn = nn.GRU(256, 256, 2, dropout=0.2)
///          outputs, state = rnn(embedding(X.T))                  # every position, padding included
/// decoder: embedding = nn.Embedding(tgt_vocab, 256); rnn = nn.GRU(256 + 256, 256, 2, dropout=0.2)
///          dense = nn.Linear(256, tgt_vocab)
///          context = enc_outputs[-1] repeated at every step; x = cat([embedding(Y.T), context], -1)
///          outputs, state = rnn(x, enc_state); logits = dense(outputs)
/// attention decoder: per step, context = AdditiveAttention(query = state[-1], keys = values = enc_outputs,
///          masked by the source's valid length); x = cat([context, embedding(y_t)], -1); one GRU step
/// ```
/// Linear and GRU weights start Xavier-uniform (d2l's `init_seq2seq`), embeddings N(0, 1), biases as PyTorch.
public final class EncoderDecoder: Module {
    public let encoder: Seq2SeqEncoder
    public let decoder: Seq2SeqDecoder

    public init(sourceVocabularySize: Int, targetVocabularySize: Int, embedding: Int = 256, hidden: Int = 256,
                layers: Int = 2, dropout: Float = 0.2, attention: Bool) {
        encoder = Seq2SeqEncoder(vocabularySize: sourceVocabularySize, embedding: embedding, hidden: hidden, layers: layers, dropout: dropout)
        decoder = Seq2SeqDecoder(vocabularySize: targetVocabularySize, embedding: embedding, hidden: hidden, layers: layers,
                                 dropout: dropout, attention: attention)
        super.init()
        initializeWeights(.xavierUniform())
    }

    /// Teacher-forced next-token logits [targetSteps * batch, target vocabulary] (rows time-major) for a
    /// batch of sources and decoder inputs (`<bos>` then the target shifted), all laid out time-major.
    public func callAsFunction(source: [Int32], sourceSteps: Int, validLengths: [Int], decoderInputs: [Int32],
                               targetSteps: Int) -> Tensor {
        decoder(decoderInputs, steps: targetSteps, state: encode(source, steps: sourceSteps, validLengths: validLengths)).logits
    }

    /// The decoder's starting state for `source` (time-major [steps, batch]).
    public func encode(_ source: [Int32], steps: Int, validLengths: [Int]) -> DecoderState {
        let (outputs, state) = encoder(source, steps: steps, batch: validLengths.count)
        return DecoderState(encoderOutputs: outputs, hidden: state.hidden, validLengths: validLengths)
    }
}

/// What the decoder carries from step to step: the encoder's outputs [source steps, batch, hidden] and
/// the sources' valid lengths (fixed), and the decoder GRU's state [layers, batch, hidden].
public struct DecoderState {
    public var encoderOutputs: Tensor
    public var hidden: Tensor
    public var validLengths: [Int]

    /// The state of the batch rows `rows`, in that order (a row may repeat: beam search), without gradients.
    public func selecting(_ rows: [Int]) -> DecoderState {
        func gather(_ tensor: Tensor) -> Tensor {
            let outer = tensor.shape[0], batch = tensor.shape[1]
            let inner = tensor.count / (outer * batch)
            let result = Tensor.zeros([outer, rows.count] + Array(tensor.shape.dropFirst(2)))
            for o in 0..<outer {
                for (i, row) in rows.enumerated() {
                    let target = result.data + (o * rows.count + i) * inner
                    target.update(from: tensor.data + (o * batch + row) * inner, count: inner)
                }
            }
            return result
        }
        return DecoderState(encoderOutputs: gather(encoderOutputs), hidden: gather(hidden), validLengths: rows.map { validLengths[$0] })
    }
}

/// Embedding, then a GRU over every position.
public final class Seq2SeqEncoder: Module {
    public let embedding: Embedding
    public let rnn: GRU

    init(vocabularySize: Int, embedding: Int, hidden: Int, layers: Int, dropout: Float) {
        self.embedding = Embedding(vocabularySize, embedding)
        rnn = GRU(embedding, hidden, layers: layers, dropout: dropout)
        super.init()
    }

    /// Outputs [steps, batch, hidden] and the final state, for token ids laid out time-major.
    public func callAsFunction(_ tokens: [Int32], steps: Int, batch: Int) -> (output: Tensor, state: RecurrentState) {
        rnn(embedding(tokens, shape: [steps, batch]), state: nil)
    }
}

/// The decoder: d2l's `Seq2SeqDecoder` (the encoder's last output as a fixed context) or, with attention,
/// its `Seq2SeqAttentionDecoder`.
public final class Seq2SeqDecoder: Module {
    public let embedding: Embedding
    public let attention: AdditiveAttention?
    public let rnn: GRU
    public let dense: Linear

    init(vocabularySize: Int, embedding: Int, hidden: Int, layers: Int, dropout: Float, attention: Bool) {
        self.embedding = Embedding(vocabularySize, embedding)
        self.attention = attention ? AdditiveAttention(keySize: hidden, querySize: hidden, hidden: hidden, dropout: dropout) : nil
        rnn = GRU(embedding + hidden, hidden, layers: layers, dropout: dropout)
        dense = Linear(hidden, vocabularySize)
        super.init()
    }

    /// Logits [steps * batch, vocabulary] (rows time-major) for `inputs` laid out time-major, and the next state.
    public func callAsFunction(_ inputs: [Int32], steps: Int, state: DecoderState) -> (logits: Tensor, state: DecoderState) {
        let batch = state.validLengths.count, hidden = rnn.hiddenSize
        let embedded = embedding(inputs, shape: [steps, batch])
        var next = state
        let outputs: Tensor
        if let attention {
            let values = state.encoderOutputs.swappingFirstAxes()  // [batch, source steps, hidden]
            var perStep: [Tensor] = []
            for t in 0..<steps {
                let query = next.hidden.slice(axis: 0, from: rnn.layers - 1, count: 1).reshaped([batch, hidden])
                let context = attention(query: query, keys: values, values: values, validLengths: state.validLengths)
                let x = concatenate([context, embedded.slice(axis: 0, from: t, count: 1).reshaped([batch, -1])], axis: 1)
                let (output, final) = rnn(x.reshaped([1, batch, -1]), state: RecurrentState(hidden: next.hidden))
                perStep.append(output)
                next.hidden = final.hidden
            }
            outputs = perStep.count == 1 ? perStep[0] : concatenate(perStep, axis: 0)
        } else {
            let last = state.encoderOutputs.shape[0] - 1
            let context = state.encoderOutputs.slice(axis: 0, from: last, count: 1)
            let x = concatenate([embedded, steps == 1 ? context : concatenate(Array(repeating: context, count: steps), axis: 0)], axis: 2)
            let (output, final) = rnn(x, state: RecurrentState(hidden: state.hidden))
            outputs = output
            next.hidden = final.hidden
        }
        return (dense(outputs.reshaped([steps * batch, hidden])), next)
    }
}
