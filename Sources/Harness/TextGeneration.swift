import Engine
import Foundation
import Datasets
import Zoo

/// Continues `prefix` by `length` tokens, as d2l's `predict`: the prefix warms the state up, then each
/// step feeds back the most likely next token, or with a `temperature` above 0 one drawn from
/// softmax(logits / temperature).
public func continuation(of prefix: [Int32], by length: Int, model: LanguageModel, temperature: Float = 0,
                         using generator: inout RandomGenerator) -> [Int32] {
    precondition(!prefix.isEmpty && length >= 0, "a continuation needs a prefix and a length of zero or more")
    return model.evaluating {
        var (logits, state) = model(tokens: prefix, steps: prefix.count, batch: 1, state: nil)
        var output: [Int32] = []
        for _ in 0..<length {
            let last = logits.slice(axis: 0, from: logits.shape[0] - 1, count: 1).scalars
            let next = Int32(temperature > 0 ? sample(last, temperature: temperature, using: &generator) : last.indices.max { last[$0] < last[$1] }!)
            output.append(next)
            (logits, state) = model(tokens: [next], steps: 1, batch: 1, state: state)
        }
        return output
    }
}

/// An index drawn with probability softmax(logits / temperature).
func sample(_ logits: [Float], temperature: Float, using generator: inout RandomGenerator) -> Int {
    let peak = logits.max()!
    let weights = logits.map { Foundation.exp(Double(($0 - peak) / temperature)) }
    var target = Double(generator.nextUniform()) * weights.reduce(0, +)
    for (index, weight) in weights.enumerated() {
        target -= weight
        if target < 0 { return index }
    }
    return weights.lastIndex { $0 > 0 }!
}

/// `text` as The Time Machine's preprocessing leaves it (words end with a space), and its tokens
/// (unknown ones as `<unk>`).
public func prefixTokens(_ text: String, vocabulary: Vocabulary, _ kind: TimeMachine.Tokens = .character) -> (text: String, tokens: [Int32]) {
    let tokens = TimeMachine.tokens(of: text, kind)
    return (kind == .character ? tokens.joined() : tokens.map { $0 + " " }.joined(), tokens.map { Int32(vocabulary.index(of: $0)) })
}

/// Generated tokens as text: characters run together, words separated by spaces.
public func joined(_ tokens: [Int32], _ vocabulary: Vocabulary, _ kind: TimeMachine.Tokens) -> String {
    tokens.map { vocabulary.tokens[Int($0)] }.joined(separator: kind == .character ? "" : " ")
}
