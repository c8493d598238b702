import Datasets
import Engine
import Foundation
import Zoo

/// Translates preprocessed sentences with a trained encoder-decoder: greedy decoding (d2l's
/// `predict_step`) or beam search (d2l 10.8).
public struct Translator {
    public let model: EncoderDecoder
    public let source: Vocabulary, target: Vocabulary
    /// The sentence length the model was trained at: sources are cut or padded to it, as in training.
    public let steps: Int

    public init(model: EncoderDecoder, source: Vocabulary, target: Vocabulary, steps: Int) {
        self.model = model
        self.source = source
        self.target = target
        self.steps = steps
    }

    /// One translation and its score under the model: log P of its tokens (`<eos>` included when it ended
    /// with one), and that divided by length^0.75 (the rule beam search picks by).
    public struct Hypothesis: Equatable {
        /// Output tokens up to, not including, `<eos>`.
        public var words: [String]
        public var logProbability: Double
        /// Tokens scored: the words, plus `<eos>` when the hypothesis finished.
        public var length: Int
        public var score: Double { length == 0 ? -.infinity : logProbability / Foundation.pow(Double(length), 0.75) }
    }

    /// The encoder inputs of `sentences` (token lists ending with `<eos>`), time-major, with valid lengths.
    func encodeSources(_ sentences: [[String]]) -> (tokens: [Int32], validLengths: [Int]) {
        let encoded = sentences.map { FraEng.encode($0, vocabulary: source, steps: steps, target: false) }
        var tokens = [Int32](repeating: 0, count: steps * sentences.count)
        for (b, sentence) in encoded.enumerated() {
            for t in 0..<steps { tokens[t * sentences.count + b] = sentence.indices[t] }
        }
        return (tokens, encoded.map(\.validLength))
    }

    /// Greedy translations of `sentences` (token lists ending with `<eos>`), at most `maxLength` tokens each.
    public func greedy(_ sentences: [[String]], maxLength: Int? = nil, batchSize: Int = 256) -> [Hypothesis] {
        let eos = Int32(target.index(of: "<eos>")), bos = Int32(target.index(of: "<bos>"))
        return model.evaluating {
            stride(from: 0, to: sentences.count, by: batchSize).flatMap { start -> [Hypothesis] in
                let chunk = Array(sentences[start..<min(start + batchSize, sentences.count)])
                let (tokens, validLengths) = encodeSources(chunk)
                var state = model.encode(tokens, steps: steps, validLengths: validLengths)
                var inputs = [Int32](repeating: bos, count: chunk.count)
                var results = [Hypothesis](repeating: Hypothesis(words: [], logProbability: 0, length: 0), count: chunk.count)
                var open = Array(repeating: true, count: chunk.count)
                for _ in 0..<(maxLength ?? steps) where open.contains(true) {
                    let (logits, next) = model.decoder(inputs, steps: 1, state: state)
                    state = next
                    let logProbabilities = logSoftmax(logits)
                    for b in 0..<chunk.count where open[b] {
                        let best = withExtendedLifetime(logProbabilities) {  // the row is read through a pointer
                            let row = UnsafeBufferPointer(start: logProbabilities.data + b * target.count, count: target.count)
                            let best = row.indices.max { row[$0] < row[$1] }!
                            return (index: best, logProbability: row[best])
                        }
                        results[b].logProbability += Double(best.logProbability)
                        results[b].length += 1
                        inputs[b] = Int32(best.index)
                        if Int32(best.index) == eos { open[b] = false } else { results[b].words.append(target.tokens[best.index]) }
                    }
                }
                return results
            }
        }
    }

    /// Beam search over `sentence` (tokens ending with `<eos>`) keeping `width` prefixes each step: a
    /// hypothesis that emits `<eos>` leaves the beam finished; after `maxLength` steps the open ones join
    /// the finished, and the best score log P / length^0.75 among them all wins. The greedy translation is
    /// always a candidate too: plain beam search can prune the greedy path and end with a worse score
    /// (here 1 of 60 sentences at width 2), and one greedy pass costs less than a beam step's top-k.
    public func beam(_ sentence: [String], width: Int, maxLength: Int? = nil) -> Hypothesis {
        beam([sentence], width: width, maxLength: maxLength)[0]
    }

    /// `beam` for many sentences, `batchSize` at a time: the open prefixes of all of them go through the
    /// decoder together, so each step reads the output layer once for the batch, not once per sentence.
    public func beam(_ sentences: [[String]], width: Int, maxLength: Int? = nil, batchSize: Int = 64) -> [Hypothesis] {
        precondition(width > 0, "a beam needs a width of at least 1")
        let eos = target.index(of: "<eos>"), bos = Int32(target.index(of: "<bos>"))
        return model.evaluating {
            stride(from: 0, to: sentences.count, by: batchSize).flatMap { start -> [Hypothesis] in
                let chunk = Array(sentences[start..<min(start + batchSize, sentences.count)])
                let (tokens, validLengths) = encodeSources(chunk)
                var state = model.encode(tokens, steps: steps, validLengths: validLengths)
                // The open prefixes, each with its sentence; row r of `state` is open[r].
                var open = chunk.indices.map { (sentence: $0, tokens: [Int32](), logProbability: 0.0) }
                var finished = [[Hypothesis]](repeating: [], count: chunk.count)
                for _ in 0..<(maxLength ?? steps) where !open.isEmpty {
                    let (logits, next) = model.decoder(open.map { $0.tokens.last ?? bos }, steps: 1, state: state)
                    let logProbabilities = logSoftmax(logits)
                    var kept: [(sentence: Int, tokens: [Int32], logProbability: Double)] = [], rows: [Int] = []
                    var row = 0
                    while row < open.count {
                        // The rows of one sentence are adjacent: its `width` best extensions, best first.
                        let sentence = open[row].sentence
                        var best: [(score: Double, row: Int, token: Int)] = []
                        while row < open.count && open[row].sentence == sentence {
                            withExtendedLifetime(logProbabilities) {  // the row is read through a pointer
                                let values = logProbabilities.data + row * target.count
                                for v in 0..<target.count {
                                    let score = open[row].logProbability + Double(values[v])
                                    guard best.count < width || score > best[best.count - 1].score else { continue }
                                    best.insert((score, row, v), at: best.firstIndex { $0.score < score } ?? best.count)
                                    if best.count > width { best.removeLast() }
                                }
                            }
                            row += 1
                        }
                        for choice in best {
                            let tokens = open[choice.row].tokens + [Int32(choice.token)]
                            if choice.token == eos {
                                finished[sentence].append(Hypothesis(words: words(tokens.dropLast()), logProbability: choice.score,
                                                                     length: tokens.count))
                            } else {
                                kept.append((sentence, tokens, choice.score))
                                rows.append(choice.row)
                            }
                        }
                    }
                    open = kept
                    if !open.isEmpty { state = next.selecting(rows) }
                }
                for prefix in open {
                    finished[prefix.sentence].append(Hypothesis(words: words(prefix.tokens), logProbability: prefix.logProbability,
                                                                length: prefix.tokens.count))
                }
                if width > 1 {
                    for (sentence, hypothesis) in greedy(chunk, maxLength: maxLength).enumerated() { finished[sentence].append(hypothesis) }
                }
                return finished.map { $0.max { $0.score < $1.score }! }
            }
        }
    }

    func words<Tokens: Sequence>(_ tokens: Tokens) -> [String] where Tokens.Element == Int32 {
        tokens.map { target.tokens[Int($0)] }
    }
}
