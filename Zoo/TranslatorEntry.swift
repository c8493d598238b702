import Engine

/// A translator of the zoo: d2l v1.0's GRU encoder-decoder, with or without attention, and its recipe.
public struct TranslatorEntry: Sendable {
    public let name: String
    public let summary: String
    public let attention: Bool
    public let embedding = 256, hidden = 256, layers = 2
    public let dropout: Float = 0.2
    /// Tokens per sentence, source and target (d2l's `num_steps`): longer ones are cut, shorter padded.
    public let steps = 9
    public let recipe: Recipe

    /// A freshly initialized model (d2l's `init_seq2seq`).
    public func build(sourceVocabularySize: Int, targetVocabularySize: Int) -> EncoderDecoder {
        EncoderDecoder(sourceVocabularySize: sourceVocabularySize, targetVocabularySize: targetVocabularySize, embedding: embedding,
                       hidden: hidden, layers: layers, dropout: dropout, attention: attention)
    }

    /// d2l v1.0's start and optimisation (Xavier-uniform Linear and GRU weights, Adam lr 0.005, gradients
    /// clipped to norm 1, batch 128), on every training
    /// pair instead of d2l's first 512 (which only overfit), for `epochs`.
    static func recipe(epochs: Int) -> Recipe {
        var recipe = Recipe(optimizer: .adam, learningRate: 0.005, epochs: epochs, batchSize: 128, initialization: .xavierUniform())
        recipe.gradientClip = 1
        return recipe
    }

    static let all: [TranslatorEntry] = [
        TranslatorEntry(name: "seq2seq", summary: "GRU encoder-decoder, 2 layers of 256, English to French (d2l 10.7)",
                        attention: false, recipe: recipe(epochs: 2)),
        TranslatorEntry(name: "seq2seq-attention", summary: "the same with Bahdanau attention over the encoder's outputs (d2l 11.4)",
                        attention: true, recipe: recipe(epochs: 2)),
    ]
}
