import Foundation
import Testing
@testable import Harness

/// d2l's sentence BLEU on hand-worked cases, and corpus BLEU against values sacrebleu 2.6.0 printed.
@Suite struct BLEUTests {
    func words(_ line: String) -> [String] { BLEU.tokens(line) }

    @Test func sentenceBLEUFollowsD2L() {
        #expect(BLEU.sentence(words("va !"), reference: words("va !")) == 1)
        #expect(BLEU.sentence(words("a b c"), reference: words("x y z"), k: 2) == 0)
        // d2l's brevity example: "A B" against "A B C D E F" at k = 2 is exp(1 - 6/2) = 0.135.
        #expect(abs(BLEU.sentence(words("A B"), reference: words("A B C D E F")) - Foundation.exp(-2)) < 1e-12)
        // d2l's worked precisions: p1 = 4/5, p2 = 3/4, p3 = 1/3, p4 = 0 for "A B B C D".
        let prediction = words("A B B C D"), reference = words("A B C D E F")
        #expect(BLEU.clippedMatches(prediction, reference, n: 1) == 4 && BLEU.clippedMatches(prediction, reference, n: 2) == 3
                    && BLEU.clippedMatches(prediction, reference, n: 3) == 1 && BLEU.clippedMatches(prediction, reference, n: 4) == 0)
        let k2 = Foundation.exp(1 - 6.0 / 5) * Foundation.pow(0.8, 0.5) * Foundation.pow(0.75, 0.25)
        #expect(abs(BLEU.sentence(prediction, reference: reference, k: 2) - k2) < 1e-12)
        #expect(BLEU.sentence(prediction, reference: reference, k: 4) == 0)
        // v1.0's guard: a one-word prediction is scored on unigrams only, whatever k.
        #expect(BLEU.sentence(words("va"), reference: words("va"), k: 4) == 1)
        #expect(BLEU.sentence([], reference: words("va !")) == 0)
    }

    @Test func corpusBLEUEqualsSacreBLEU() {
        let cases: [(hypotheses: [String], references: [String], sacrebleu: Double)] = [
            (["the cat sat on the mat", "there is a cat here", "a b c d e f g", "hello world"],
             ["the cat is on the mat", "there is a cat on the mat", "a b c d e f", "hello there world"], 56.451700379788704),
            (["the the the", "cat is here ok"], ["the cat is on the mat", "the cat is here ok now"], 37.460015799173426),
            (["a b c", "d e f"], ["a b c x", "d e f y"], 0),  // no 4-gram at all
            (["", "a b c d e"], ["x y", "a b c d e"], 67.03200460356396),  // an empty line is an empty sentence
        ]
        for (hypotheses, references, expected) in cases {
            let score = BLEU.corpus(hypotheses.map(words), references: references.map(words))
            #expect(abs(score - expected) < 1e-9, "\(hypotheses): \(score) vs sacrebleu \(expected)")
        }
        #expect(BLEU.corpus([words("a b c d")], references: [words("a b c d")]) == 100)
    }
}
