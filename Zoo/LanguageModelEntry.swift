import Engine

/// A language model of the zoo: d2l's `RNNLM` with one kind of recurrent cell, and its recipe.
public struct LanguageModelEntry: Sendable {
    public let name: String
    public let summary: String
    public let cell: RecurrentCell
    public let hidden: Int
    public let layers: Int
    /// Tokens per training window (d2l's `num_steps`).
    public let steps: Int
    public let recipe: Recipe
    /// The held-out perplexity d2l v1.0 reports for this model and recipe on The Time Machine.
    public let d2lPerplexity: Double?

    /// A freshly initialized model over `vocabularySize` tokens, PyTorch's initialisation.
    public func build(vocabularySize: Int, hidden: Int? = nil, layers: Int? = nil) -> LanguageModel {
        LanguageModel(cell, vocabularySize: vocabularySize, hidden: hidden ?? self.hidden, layers: layers ?? self.layers)
    }

    /// Trainable parameters over a vocabulary of `vocabularySize` (RNN layers plus the output layer).
    public func parameterCount(vocabularySize: Int, hidden: Int? = nil, layers: Int? = nil) -> Int {
        let h = hidden ?? self.hidden, width = cell.gateCount * h
        let first = width * (vocabularySize + h) + 2 * width, later = width * 2 * h + 2 * width
        return first + ((layers ?? self.layers) - 1) * later + h * vocabularySize + vocabularySize
    }

    /// d2l v1.0's recipe: plain SGD on the mean next-token cross-entropy, gradients clipped to norm 1,
    /// batch 1024 windows of 32 tokens, PyTorch's default initialisation.
    static func d2l(_ learningRate: Float, epochs: Int) -> Recipe {
        var recipe = Recipe(learningRate: learningRate, epochs: epochs, batchSize: 1024, initialization: nil)
        recipe.gradientClip = 1
        return recipe
    }

    static let all: [LanguageModelEntry] = [
        LanguageModelEntry(name: "rnn", summary: "RNN (tanh) language model, hidden 32, one-hot characters (d2l 9.6)",
                           cell: .rnn, hidden: 32, layers: 1, steps: 32, recipe: d2l(1, epochs: 100), d2lPerplexity: 7.19),
        LanguageModelEntry(name: "gru", summary: "GRU language model, hidden 32 (d2l 10.2)",
                           cell: .gru, hidden: 32, layers: 1, steps: 32, recipe: d2l(4, epochs: 50), d2lPerplexity: 6.55),
        LanguageModelEntry(name: "lstm", summary: "LSTM language model, hidden 32 (d2l 10.1)",
                           cell: .lstm, hidden: 32, layers: 1, steps: 32, recipe: d2l(4, epochs: 50), d2lPerplexity: 6.69),
        LanguageModelEntry(name: "deep-gru", summary: "2-layer GRU language model, hidden 32 (d2l 10.3)",
                           cell: .gru, hidden: 32, layers: 2, steps: 32, recipe: d2l(2, epochs: 100), d2lPerplexity: 6.11),
    ]
}
