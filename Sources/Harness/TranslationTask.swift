import Datasets
import Engine
import Zoo

/// Translation as d2l v1.0 trains it (10.5-10.7): sentence pairs cut or padded to `steps`, the decoder fed
/// the target shifted behind `<bos>` (teacher forcing), the loss the mean cross-entropy over the target
/// tokens that are not `<pad>`. Held out: the same loss, and the corpus BLEU of greedy translations
/// against the full references.
public struct TranslationTask: NumberedExamplesTask {
    /// Pairs laid out time-major: position t of pair b at t * pairs + b.
    public struct Batch {
        public let source: [Int32], validLengths: [Int]
        public let decoderInputs: [Int32], labels: [Int], mask: [Bool]
        public var pairs: Int { validLengths.count }
    }

    public let pairs: [FraEng.Pair]
    /// Indices into `pairs` of the training pairs in use and of the held-out pairs.
    public let training: [Int], heldOut: [Int]
    public let vocabularies: (source: Vocabulary, target: Vocabulary)
    public let steps: Int
    public let batchSize: Int
    public let shuffle: Bool
    public let seed: UInt64

    /// Every 20th pair is held out; `limit` takes the first N training pairs and `testLimit` the first N
    /// held-out ones; the vocabularies come from the training pairs in use, unless given (a saved model's).
    public init(pairs: [FraEng.Pair], steps: Int, batchSize: Int, shuffle: Bool = true, seed: UInt64 = 0,
                limit: Int? = nil, testLimit: Int? = nil, vocabularies: (source: Vocabulary, target: Vocabulary)? = nil) {
        precondition(batchSize > 0, "batch size must be positive")
        self.pairs = pairs
        training = Array(pairs.indices.lazy.filter { !FraEng.isHeldOut($0) }.prefix(limit ?? .max))
        heldOut = Array(pairs.indices.lazy.filter(FraEng.isHeldOut).prefix(testLimit ?? .max))
        self.vocabularies = vocabularies ?? FraEng.vocabularies(of: training.map { pairs[$0] })
        self.steps = steps
        self.batchSize = batchSize
        self.shuffle = shuffle
        self.seed = seed
    }

    /// The pairs at `indices`, encoded as d2l's `_build_array` does.
    public func batch(_ indices: [Int]) -> Batch {
        let count = indices.count, pad = Int32(vocabularies.target.index(of: "<pad>"))
        var source = [Int32](repeating: 0, count: steps * count), inputs = source
        var labels = [Int](repeating: 0, count: steps * count), validLengths: [Int] = []
        for (b, index) in indices.enumerated() {
            let encodedSource = FraEng.encode(pairs[index].source, vocabulary: vocabularies.source, steps: steps, target: false)
            let encodedTarget = FraEng.encode(pairs[index].target, vocabulary: vocabularies.target, steps: steps, target: true).indices
            validLengths.append(encodedSource.validLength)
            for t in 0..<steps {
                source[t * count + b] = encodedSource.indices[t]
                inputs[t * count + b] = encodedTarget[t]
                labels[t * count + b] = Int(encodedTarget[t + 1])
            }
        }
        return Batch(source: source, validLengths: validLengths, decoderInputs: inputs, labels: labels, mask: labels.map { $0 != Int(pad) })
    }

    public func loss(of model: Module, on batch: Batch, tally: inout TrainingTally) -> Tensor {
        let logits = Self.translator(model)(source: batch.source, sourceSteps: steps, validLengths: batch.validLengths,
                                            decoderInputs: batch.decoderInputs, targetSteps: steps)
        let loss = crossEntropy(logits: logits, targets: batch.labels, mask: batch.mask)
        let kept = batch.mask.indices.filter { batch.mask[$0] }, predictions = logits.argmax(axis: 1)
        tally.add(predictions: kept.map { predictions[$0] }, labels: kept.map { batch.labels[$0] }, meanLoss: loss.item)
        return loss
    }

    /// Measured on the first share alone (the held-out set is small).
    public func heldOutSums(_ model: Module, share: Share) -> HeldOutSums { .firstShareOnly(share) { measureHeldOut(model) } }

    public func heldOutMetrics(_ sums: HeldOutSums) -> (metrics: [String: Double], count: Int) { sums.asMeasured }

    func measureHeldOut(_ model: Module) -> (metrics: [String: Double], count: Int) {
        let model = Self.translator(model)
        var tally = TrainingTally()
        model.evaluating {
            for start in stride(from: 0, to: heldOut.count, by: batchSize) {
                let batch = batch(Array(heldOut[start..<min(start + batchSize, heldOut.count)]))
                let logits = model(source: batch.source, sourceSteps: steps, validLengths: batch.validLengths,
                                   decoderInputs: batch.decoderInputs, targetSteps: steps)
                let loss = crossEntropy(logits: logits, targets: batch.labels, mask: batch.mask).item
                let kept = batch.mask.filter { $0 }.count
                tally.add(predictions: [], labels: Array(repeating: 0, count: kept), meanLoss: loss)
            }
        }
        let translator = Translator(model: model, source: vocabularies.source, target: vocabularies.target, steps: steps)
        let bleu = heldOutBLEU(translator.greedy(heldOut.map { pairs[$0].source }).map(\.words))
        return (["testLoss": tally.meanLoss, "bleu": bleu], tally.examples)
    }

    /// Corpus BLEU of `translations` of the held-out pairs against their full references (without `<eos>`).
    public func heldOutBLEU(_ translations: [[String]]) -> Double {
        BLEU.corpus(translations, references: heldOut.map { Array(pairs[$0].target.dropLast()) })
    }

    static func translator(_ model: Module) -> EncoderDecoder {
        guard let model = model as? EncoderDecoder else { preconditionFailure("a translation task needs an EncoderDecoder") }
        return model
    }
}
