import Datasets
import Engine
import Foundation
import Testing
@testable import Harness
@testable import Zoo

/// Language modelling on The Time Machine (the copy in ../shared/data): batches, perplexity, training,
/// generation and weights with their vocabulary.
@Suite struct LanguageModelTests {
    /// The workplace's copy beside the repository, else the one the repository ships (the same text: its
    /// SHA-1 is checked either way).
    static let folder: String? = {
        let shared = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../shared/data").standardized.path
        return FileManager.default.fileExists(atPath: shared + "/timemachine.txt") ? shared : nil
    }()
    static let path = (folder ?? "Datasets/Corpora") + "/timemachine.txt"
    static let corpus: (tokens: [Int32], vocabulary: Vocabulary) = {
        let text = try! TimeMachine.file.text(dataDir: folder, download: false, environment: [:])
        return try! TimeMachine.corpus(of: text, path: path)
    }()
    static let windows = try! LanguageModelWindows(tokens: corpus.tokens, source: path)

    /// Batches are time-major (step t of window b at t * batch + b), targets are the inputs shifted by one,
    /// and an epoch uses every training window once, in an order that changes with the epoch.
    @Test func batchesCoverEveryWindowOnceTimeMajor() throws {
        let task = LanguageModelTask(windows: Self.windows, batchSize: 300, seed: 4, limit: 1000)
        #expect(task.trainingBatchCount == 4)
        let batches = try task.trainingBatches(epoch: 1, from: 0).all()
        #expect(batches.map(\.windows) == [300, 300, 300, 100])
        var firstTokens: [Int32] = []
        for batch in batches {
            for b in 0..<batch.windows {
                let window = (0..<32).map { batch.inputs[$0 * batch.windows + b] }
                let start = Self.corpus.tokens.indices.first { Array(Self.corpus.tokens[$0..<($0 + 32)]) == window }!
                #expect((0..<32).allSatisfy { batch.targets[$0 * batch.windows + b] == Int(Self.corpus.tokens[start + $0 + 1]) })
                firstTokens.append(window[0])
            }
        }
        let expected = (0..<1000).map { Self.corpus.tokens[$0] }
        #expect(firstTokens.sorted() == expected.sorted() && firstTokens != expected)
        let second = try task.trainingBatches(epoch: 2, from: 0).all().map(\.inputs)
        #expect(second != batches.map(\.inputs))
        #expect(try task.trainingBatches(epoch: 1, from: 2).all().map(\.inputs) == batches.dropFirst(2).map(\.inputs))
    }

    /// A model that predicts every token with equal probability has perplexity equal to the vocabulary size.
    @Test func aUniformModelHasTheVocabularySizeAsPerplexity() throws {
        let model = LanguageModel(.gru, vocabularySize: 28, hidden: 8)
        model.linear.weight.data.update(repeating: 0, count: model.linear.weight.count)
        model.linear.bias!.data.update(repeating: 0, count: 28)
        let task = LanguageModelTask(windows: Self.windows, batchSize: 512, testLimit: 700)
        let (metrics, tokens) = try task.evaluate(model)
        #expect(abs(metrics["perplexity"]! - 28) < 1e-3 && tokens == 700 * 32, "\(metrics)")
    }

    @Test func continuationsAreGreedyOrSampled() {
        let model = Random.withGenerator(seed: 2) { LanguageModel(.lstm, vocabularySize: 28, hidden: 16) }
        var generator = RandomGenerator(seed: 1)
        let prefix = prefixTokens("Time Traveller!", vocabulary: Self.corpus.vocabulary)
        #expect(prefix.text == "time traveller ")
        let greedy = continuation(of: prefix.tokens, by: 20, model: model, using: &generator)
        #expect(greedy.count == 20 && greedy == continuation(of: prefix.tokens, by: 20, model: model, using: &generator))
        // Greedy equals feeding the whole text back through the model and taking each step's argmax.
        let whole = withoutGradients { model(tokens: prefix.tokens + greedy, steps: prefix.tokens.count + 20, batch: 1, state: nil).logits }
        let argmaxes = whole.argmax(axis: 1).map(Int32.init)
        #expect(Array(argmaxes[(prefix.tokens.count - 1)..<(prefix.tokens.count + 19)]) == greedy)
        let hot = continuation(of: prefix.tokens, by: 200, model: model, temperature: 5, using: &generator)
        #expect(Set(hot).count > 10)
    }

    /// Weights carry the vocabulary; loading them for another vocabulary is an error naming both.
    @Test func weightsCarryTheirVocabulary() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("zoo-lm-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let vocabulary = Self.corpus.vocabulary
        let model = Random.withGenerator(seed: 3) { LanguageModel(.gru, vocabularySize: 28, hidden: 8) }
        let path = folder + "/w.safetensors"
        try SafeTensors.write(model.stateDictionary(), metadata: ["vocab": vocabulary.json, "model": "gru"], to: path)
        // The hidden size comes from the tensors, the vocabulary from the metadata.
        let gru = ModelRegistry.languageModels.first { $0.name == "gru" }!
        let (loaded, stored, kind) = try SavedWeights.languageModel(gru, from: path)
        #expect(kind == .character)
        #expect(stored == vocabulary && loaded.rnn.hiddenSize == 8 && loaded.linear.weight.scalars == model.linear.weight.scalars)
        let other = Vocabulary(counting: (vocabulary.tokens.dropFirst(2) + ["é"]).map { $0 })
        #expect(throws: RunError.self) { try SavedWeights.load(path, into: loaded, name: "gru", expecting: ["vocab": other]) }
        // A file saved from another model is named as such.
        try SafeTensors.write(model.stateDictionary(), metadata: ["vocab": vocabulary.json, "model": "lenet"], to: folder + "/lenet.safetensors")
        #expect { try SavedWeights.load(folder + "/lenet.safetensors", into: loaded, name: "gru", expecting: ["vocab": vocabulary]) }
            throws: { "\($0)".contains("they are lenet's, not gru's") }
        let lstm = ModelRegistry.languageModels.first { $0.name == "lstm" }!
        #expect(throws: RunError.self) { try SavedWeights.languageModel(lstm, from: path) }  // saved from gru
        try SafeTensors.write(model.stateDictionary(), metadata: [:], to: path)
        #expect(throws: RunError.self) { try SavedWeights.languageModel(gru, from: path) }  // no vocabulary
        #expect(throws: DatasetError.self) { try Vocabulary(json: "[\"a\", 3]", source: "test") }
        #expect(throws: DatasetError.self) { try Vocabulary(json: "[\"a\", \"<unk>\", \"a\"]", source: "test") }
        #expect(try Vocabulary(json: vocabulary.json, source: "test") == vocabulary)
    }
}

/// Language-model training that takes seconds in release builds (skipped by the Makefile's test-debug).
@Suite struct LanguageModelRegressionTests {
    /// A small GRU language model learns in seconds: held-out perplexity well below the unigram level.
    @Test func aSmallGRULearnsTheTimeMachine() throws {
        var recipe = ModelRegistry.languageModels.first { $0.name == "gru" }!.recipe
        recipe.epochs = 4
        recipe.batchSize = 128
        let task = LanguageModelTask(windows: LanguageModelTests.windows, batchSize: recipe.batchSize, seed: 1, testLimit: 1000)
        let model = Random.withGenerator(seed: 1) { LanguageModel(.gru, vocabularySize: 28, hidden: 32) }
        let history = try Trainer(recipe: recipe).train(model, task: task)
        let perplexity = try #require(history.last?.perplexity)
        #expect(perplexity < 7.5, "held-out perplexity \(perplexity)")
        #expect(history.map(\.trainLoss) == history.map(\.trainLoss).sorted(by: >))
    }
}
