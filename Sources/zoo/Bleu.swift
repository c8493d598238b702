import ArgumentParser
import Foundation
import Harness

struct Bleu: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bleu",
        abstract: "Corpus BLEU-4 of translations against references, one sentence per line, tokens split on spaces.",
        discussion: "Equal to sacrebleu's corpus_bleu with tokenize='none' and smooth_method='none'.")

    @Option(help: "The translations, one per line.")
    var hyp: String

    @Option(help: "The references, one per line, as many as translations.")
    var ref: String

    func run() throws {
        try reportingErrors {
            let hypotheses = try lines(hyp, flag: "--hyp"), references = try lines(ref, flag: "--ref")
            guard hypotheses.count == references.count else {
                throw ValidationError("\(hyp) has \(hypotheses.count) lines and \(ref) \(references.count): give one reference per translation.")
            }
            print("BLEU = \(String(format: "%.2f", BLEU.corpus(hypotheses.map(BLEU.tokens), references: references.map(BLEU.tokens))))")
        }
    }

    /// The lines of a UTF-8 text file (a final newline ends the last line, it does not start another).
    func lines(_ path: String, flag: String) throws -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("\(flag) \(path) cannot be read.") }
        guard let text = String(data: data, encoding: .utf8) else { throw ValidationError("\(flag) \(path) is not UTF-8 text.") }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { String($0.hasSuffix("\r") ? $0.dropLast() : $0) }
        if text.hasSuffix("\n") { lines.removeLast() }
        return text.isEmpty ? [] : lines
    }
}
