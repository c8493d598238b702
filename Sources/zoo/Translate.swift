import ArgumentParser
import Datasets
import Foundation
import Harness
import Zoo

struct Translate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Translate English sentences to French with a trained translator; one translation per line on standard output.",
        discussion: "Each sentence goes through the training pairs' preprocessing, so \"He's calm.\" and \"he's calm .\" are the same input.")

    @Argument(help: "The translator the weights belong to (see `zoo list`).")
    var model: ModelName

    @Option(help: "A weights file saved by `zoo run MODEL --save FILE` (it carries both vocabularies).")
    var weights: String

    @Option(help: "Beam width (1: greedy).")
    var beam: Int = 1

    @Option(help: "Stop after this many tokens (default: the training sentence length).")
    var maxLength: Int?

    @Argument(help: "The sentences to translate.")
    var sentences: [String] = []

    func validate() throws {
        try requireInRange(beam, "--beam", 1...64)
        try requireInRange(maxLength, "--max-length", 1...1000)
        guard case .translator = model.model else {
            throw ValidationError("`zoo translate` takes translators; \(model.model.name) is not one.")
        }
        if sentences.isEmpty { throw ValidationError("Give the sentences to translate, each as one argument.") }
    }

    func run() throws {
        guard case let .translator(entry) = model.model else { return }
        try reportingErrors {
            let translator = try SavedWeights.translator(entry, from: weights)
            for sentence in sentences {
                let tokens = FraEng.tokens(ofPreprocessed: FraEng.preprocess(sentence)[...])
                let unknown = tokens.filter { !translator.source.contains($0) }
                if !unknown.isEmpty {
                    FileHandle.standardError.write(Data("note: \(unknown.joined(separator: " ")) not in the English vocabulary: read as <unk>\n".utf8))
                }
                let result = beam == 1 ? translator.greedy([tokens], maxLength: maxLength)[0]
                    : translator.beam(tokens, width: beam, maxLength: maxLength)
                print(result.words.joined(separator: " "))
            }
        }
    }
}
