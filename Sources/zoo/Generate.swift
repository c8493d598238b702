import ArgumentParser
import Datasets
import Engine
import Foundation
import Harness
import Zoo

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Continue a text with a trained language model; the continuation goes to standard output.",
        discussion: "The prefix goes through the corpus's preprocessing (lower case, every run of non-letters one space). "
            + "A model trained on words continues with words, separated by spaces.")

    @Argument(help: "The language model the weights belong to (see `zoo list`).")
    var model: ModelName

    @Option(help: "A weights file saved by `zoo run MODEL --save FILE` (it carries the vocabulary).")
    var weights: String

    @Option(help: "The text to continue.")
    var prefix = "time traveller"

    @Option(help: "Tokens to add.")
    var length = 50

    @Option(help: "0 takes the most likely token each step; above 0 draws from softmax(logits / T).")
    var temperature: Float = 0

    @Option(help: "Seed for drawing tokens (with --temperature above 0).")
    var seed: UInt64 = 0

    func validate() throws {
        try requireInRange(length, "--length", 0...100_000)
        guard temperature >= 0 && temperature.isFinite else { throw ValidationError("--temperature must be 0 or more.") }
        guard case .languageModel = model.model else {
            throw ValidationError("`zoo generate` takes language models; \(model.model.name) is not one.")
        }
    }

    func run() throws {
        guard case let .languageModel(entry) = model.model else { return }
        try reportingErrors {
            let (network, vocabulary, kind) = try SavedWeights.languageModel(entry, from: weights)
            let tokens = prefixTokens(prefix, vocabulary: vocabulary, kind).tokens
            guard !tokens.isEmpty else { throw ValidationError("--prefix \(prefix.debugDescription) has no letters to start from.") }
            let unknown = TimeMachine.tokens(of: prefix, kind).filter { !vocabulary.contains($0) }
            if !unknown.isEmpty {
                FileHandle.standardError.write(Data("note: \(Set(unknown).sorted().joined(separator: " ")) not in the vocabulary: read as <unk>\n".utf8))
            }
            var generator = RandomGenerator(seed: seed)
            let output = continuation(of: tokens, by: length, model: network, temperature: temperature, using: &generator)
            print(joined(output, vocabulary, kind))
        }
    }
}
