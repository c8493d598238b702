import Foundation

/// BLEU scores of translations against one reference each, over tokens already split on spaces.
public enum BLEU {
    /// d2l's sentence BLEU (v1.0, 10.7): exp(min(0, 1 - len(reference) / len(prediction))) times the clipped
    /// n-gram precisions p_n^(1 / 2^n) for n = 1 ... min(k, len(prediction)). An empty prediction scores 0
    /// (d2l divides by zero there).
    public static func sentence(_ prediction: [String], reference: [String], k: Int = 2) -> Double {
        guard !prediction.isEmpty else { return 0 }
        var score = Foundation.exp(min(0, 1 - Double(reference.count) / Double(prediction.count)))
        for n in stride(from: 1, through: min(k, prediction.count), by: 1) {
            let matches = clippedMatches(prediction, reference, n: n)
            score *= Foundation.pow(Double(matches) / Double(prediction.count - n + 1), Foundation.pow(0.5, Double(n)))
        }
        return score
    }

    /// Corpus BLEU (Papineni et al. 2002) on the 0-100 scale: clipped n-gram matches and n-gram counts summed
    /// over the corpus for n = 1 ... `order`, their precisions' geometric mean (uniform weights), times the
    /// corpus brevity penalty; no smoothing, so an order without a match gives 0. Equal to sacrebleu's
    /// `corpus_bleu(hypotheses, [references], tokenize='none', smooth_method='none')` on the same tokens.
    public static func corpus(_ predictions: [[String]], references: [[String]], order: Int = 4) -> Double {
        precondition(predictions.count == references.count, "\(predictions.count) predictions for \(references.count) references")
        var matches = [Int](repeating: 0, count: order), totals = [Int](repeating: 0, count: order)
        for (prediction, reference) in zip(predictions, references) {
            for n in 1...order {
                matches[n - 1] += clippedMatches(prediction, reference, n: n)
                totals[n - 1] += max(0, prediction.count - n + 1)
            }
        }
        guard zip(matches, totals).allSatisfy({ $0 > 0 && $1 > 0 }) else { return 0 }
        let predicted = predictions.reduce(0) { $0 + $1.count }, referenced = references.reduce(0) { $0 + $1.count }
        let brevity = predicted < referenced ? Foundation.exp(1 - Double(referenced) / Double(predicted)) : 1
        let logMean = zip(matches, totals).map { Foundation.log(Double($0) / Double($1)) }.reduce(0, +) / Double(order)
        return 100 * brevity * Foundation.exp(logMean)
    }

    /// n-grams of `prediction` found in `reference`, each reference n-gram matching at most as often as it occurs.
    static func clippedMatches(_ prediction: [String], _ reference: [String], n: Int) -> Int {
        guard prediction.count >= n, reference.count >= n else { return 0 }
        var available: [ArraySlice<String>: Int] = [:]
        for i in 0...(reference.count - n) { available[reference[i..<(i + n)], default: 0] += 1 }
        var matches = 0
        for i in 0...(prediction.count - n) {
            let gram = prediction[i..<(i + n)]
            if let count = available[gram], count > 0 {
                available[gram] = count - 1
                matches += 1
            }
        }
        return matches
    }

    /// The tokens of a line: split on single spaces, as d2l and sacrebleu's `tokenize='none'` do; an empty
    /// line is an empty sentence.
    public static func tokens(_ line: String) -> [String] {
        line.isEmpty ? [] : line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
    }
}
