import Datasets
import Engine
import Zoo

/// One model's training step and inference pass on a fixed batch, ready to time: what `zoo bench`
/// measures for every family of model alike.
struct BenchmarkCase {
    var name: String
    /// "28x28", "35 tokens".
    var input: String
    /// The image side, or the tokens per sequence.
    var inputSize: Int
    var batchSize: Int
    /// What a step's items are: "ex" (images) or "tok" (tokens).
    var unit: String
    var itemsPerStep: Int
    /// One full optimizer step (forward, loss, backward, clipping where the recipe clips, update).
    var train: () -> Void
    /// One forward pass in evaluation mode without gradients.
    var infer: () -> Void

    /// An image classifier on `batch`, plain SGD.
    static func classifier(_ entry: ModelEntry, batch: Batch) -> BenchmarkCase {
        let model = Random.withGenerator(seed: 0) {
            let model = entry.build(channels: batch.images.shape[1], classes: 10)
            if let initializer = entry.recipe.initialization { model.initializeWeights(initializer) }
            return model
        }
        let side = batch.images.shape[2]
        return BenchmarkCase(name: entry.name, input: "\(side)x\(side)", inputSize: side, batchSize: batch.labels.count, unit: "ex",
                             itemsPerStep: batch.labels.count,
                             train: step(model, SGD(model.parameters, learningRate: 0.01), clip: nil) {
                                 crossEntropy(logits: model(batch.images), targets: batch.labels)
                             },
                             infer: inference(model) { _ = model(batch.images) })
    }

    /// A language model of `hidden` units over 28 characters on random windows of `steps` (the reference
    /// script's `gru-lm`: SGD lr 1, gradients clipped to norm 1).
    static func languageModel(_ entry: LanguageModelEntry, hidden: Int, steps: Int, batch: Int) -> BenchmarkCase {
        let model = Random.withGenerator(seed: 0) { entry.build(vocabularySize: 28, hidden: hidden) }
        var generator = RandomGenerator(seed: 1)
        let tokens = (0..<(steps * batch)).map { _ in Int32(generator.next() % 28) }
        let targets = (0..<(steps * batch)).map { _ in Int(generator.next() % 28) }
        let forward = { model(tokens: tokens, steps: steps, batch: batch, state: nil).logits }
        return BenchmarkCase(name: entry.name, input: "\(steps) tokens", inputSize: steps, batchSize: batch, unit: "tok",
                             itemsPerStep: steps * batch,
                             train: step(model, SGD(model.parameters, learningRate: 1), clip: 1) { crossEntropy(logits: forward(), targets: targets) },
                             infer: inference(model) { _ = forward() })
    }

    /// A translator over vocabularies of the full English-French pairs' sizes, on random sentences of
    /// `steps` tokens (d2l's Adam lr 0.005, clip 1); every target position counts as a token.
    static func translator(_ entry: TranslatorEntry, batch: Int, sourceVocabulary: Int = 9_794, targetVocabulary: Int = 17_386) -> BenchmarkCase {
        let model = Random.withGenerator(seed: 0) { entry.build(sourceVocabularySize: sourceVocabulary, targetVocabularySize: targetVocabulary) }
        let steps = entry.steps, count = steps * batch
        var generator = RandomGenerator(seed: 1)
        let source = (0..<count).map { _ in Int32(generator.next() % UInt64(sourceVocabulary)) }
        let inputs = (0..<count).map { _ in Int32(generator.next() % UInt64(targetVocabulary)) }
        let labels = (0..<count).map { _ in Int(generator.next() % UInt64(targetVocabulary)) }
        let validLengths = Array(repeating: steps, count: batch)
        let forward = { model(source: source, sourceSteps: steps, validLengths: validLengths, decoderInputs: inputs, targetSteps: steps) }
        return BenchmarkCase(name: entry.name, input: "\(steps) tokens", inputSize: steps, batchSize: batch, unit: "tok", itemsPerStep: count,
                             train: step(model, Adam(model.parameters, learningRate: 0.005), clip: 1) {
                                 crossEntropy(logits: forward(), targets: labels)
                             },
                             infer: inference(model) { _ = forward() })
    }

    static func step(_ model: Module, _ optimizer: Optimizer, clip: Float?, loss: @escaping () -> Tensor) -> () -> Void {
        let parameters = model.parameters
        return {
            if !model.isTraining { model.train() }  // after an inference pass
            optimizer.zeroGrad()
            loss().backward()
            if let clip { clipGradientNorm(parameters, maximumNorm: clip) }
            Profiler.measure("optimizer step") { optimizer.step() }
        }
    }

    /// A forward pass without gradients in evaluation mode, the mode switched only when a training step came before
    /// (not on every pass): the PyTorch script times its passes after `model.eval()` too, and switching walks the
    /// whole module tree.
    static func inference(_ model: Module, _ forward: @escaping () -> Void) -> () -> Void {
        {
            if model.isTraining { model.eval() }
            withoutGradients(forward)
        }
    }
}
