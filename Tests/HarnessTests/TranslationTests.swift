import Datasets
import Engine
import Foundation
import Testing
@testable import Harness
@testable import Zoo

/// Translation with a small encoder-decoder trained for seconds on the English-French pairs (the copy in
/// ../shared/data): what it learns and how it decodes. Release builds only (see the Makefile's test-debug).
/// Serialized: decoding switches the shared model to evaluation mode and back, which a concurrent test
/// would see.
@Suite(.serialized) struct TranslationRegressionTests {
    static var pairs: [FraEng.Pair] { TranslationTests.pairs }

    /// d2l's toy setting at a smaller width: the first 512 training pairs, 30 epochs, Adam lr 0.005, clip 1.
    static let trained: (model: EncoderDecoder, task: TranslationTask) = {
        let task = TranslationTask(pairs: pairs, steps: 9, batchSize: 128, seed: 1, limit: 512, testLimit: 64)
        var recipe = ModelRegistry.translators[0].recipe
        recipe.epochs = 30
        let model = Random.withGenerator(seed: 1) {
            EncoderDecoder(sourceVocabularySize: task.vocabularies.source.count, targetVocabularySize: task.vocabularies.target.count,
                           embedding: 128, hidden: 128, layers: 2, dropout: 0.2, attention: false)
        }
        // Dropout draws from a generator of its own: the process-wide one is shared with tests running alongside.
        _ = try! Random.withGenerator(seed: 0) { try Trainer(recipe: recipe).train(model, task: task) }
        return (model, task)
    }()

    static var translator: Translator {
        Translator(model: trained.model, source: trained.task.vocabularies.source, target: trained.task.vocabularies.target, steps: 9)
    }

    /// After training on the first pairs, d2l's first two examples come out exactly (as in d2l's run).
    @Test func aSmallEncoderDecoderLearnsTheFirstPairs() {
        let outputs = Self.translator.greedy([["go", ".", "<eos>"], ["i", "lost", ".", "<eos>"]]).map { $0.words.joined(separator: " ") }
        #expect(outputs == ["va !", "j'ai perdu ."])
    }

    /// A beam of one is greedy; wider beams never score worse than greedy under the length-normalised score.
    @Test func beamSearchIsGreedyAtWidthOneAndNeverWorseWider() {
        let translator = Self.translator
        let sentences = Self.trained.task.training.prefix(40).map { Self.pairs[$0].source }
            + Self.trained.task.heldOut.prefix(20).map { Self.pairs[$0].source }
        for sentence in sentences {
            let best = translator.greedy([sentence])[0]  // one at a time: a batch of one sums as the beam does
            let one = translator.beam(sentence, width: 1)
            #expect(one.words == best.words && abs(one.logProbability - best.logProbability) < 1e-9)
            for width in [2, 4] {
                #expect(translator.beam(sentence, width: width).score >= best.score - 1e-9, "\(sentence) at width \(width)")
            }
        }
    }

    /// Beam search over many sentences at once gives each sentence what searching it alone gives.
    @Test func batchedBeamsEqualSingleOnes() {
        let translator = Self.translator
        let sentences = Self.trained.task.heldOut.prefix(24).map { Self.pairs[$0].source }
        let batched = translator.beam(sentences, width: 3, batchSize: 10)
        for (sentence, hypothesis) in zip(sentences, batched) {
            let alone = translator.beam(sentence, width: 3)
            #expect(hypothesis.words == alone.words && abs(hypothesis.logProbability - alone.logProbability) < 1e-4, "\(sentence) \(hypothesis) \(alone)")
        }
    }

    @Test func decodingStopsAtTheLengthLimit() {
        let result = Self.translator.greedy([["i", "lost", ".", "<eos>"]], maxLength: 2)[0]
        #expect(result.words == ["j'ai", "perdu"] && result.length == 2)
        #expect(Self.translator.beam(["i", "lost", ".", "<eos>"], width: 3, maxLength: 1).length == 1)
    }
}

/// The English-French pairs as translation batches (the copy in ../shared/data).
@Suite struct TranslationTests {
    /// The workplace's copy beside the repository, else the one the repository ships (the same pairs: the
    /// SHA-1 is checked either way).
    static let folder: String? = {
        let shared = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../shared/data/fra-eng").standardized.path
        return FileManager.default.fileExists(atPath: shared + "/fra.txt") ? shared : nil
    }()
    static let pairs = try! FraEng.pairs(of: try! FraEng.file.text(dataDir: folder, download: false, environment: [:]), path: "fra.txt")

    /// Sources cut or padded to 9 with valid lengths, decoder inputs `<bos>` + target, labels the target,
    /// the mask off exactly where the label is `<pad>`; every 20th pair is held out.
    @Test func batchesFollowD2L() throws {
        let task = TranslationTask(pairs: Self.pairs, steps: 9, batchSize: 4, shuffle: false, limit: 100, testLimit: 10)
        #expect(task.training.count == 100 && task.heldOut == [19, 39, 59, 79, 99, 119, 139, 159, 179, 199])
        #expect(!task.training.contains(19) && task.training.last == 104)
        let batch = try task.trainingBatches(epoch: 1, from: 0).all()[0]
        let (source, target) = task.vocabularies
        func column(_ tokens: [Int32], _ b: Int) -> [String] { (0..<9).map { source.tokens[Int(tokens[$0 * 4 + b])] } }
        #expect(column(batch.source, 0) == ["go", ".", "<eos>", "<pad>", "<pad>", "<pad>", "<pad>", "<pad>", "<pad>"])
        #expect(batch.validLengths[0] == 3)
        let inputs = (0..<9).map { target.tokens[Int(batch.decoderInputs[$0 * 4])] }
        let labels = (0..<9).map { target.tokens[batch.labels[$0 * 4]] }
        #expect(inputs.prefix(4) == ["<bos>", "va", "!", "<eos>"] && labels.prefix(4) == ["va", "!", "<eos>", "<pad>"])
        #expect(zip(batch.labels, batch.mask).allSatisfy { ($0.0 != target.index(of: "<pad>")) == $0.1 })
    }
}
