import Datasets
import Engine
import Zoo

/// Text models rebuilt from their weights file alone: the vocabularies from its metadata (`vocab`;
/// `src_vocab` and `tgt_vocab`), the sizes from its tensors' shapes, so `zoo generate`, `zoo translate`
/// and `zoo eval` need no corpus and no size flags.
public enum SavedWeights {
    /// A language model, its vocabulary, and what its tokens are (characters unless the file says "words").
    public static func languageModel(_ entry: LanguageModelEntry, from path: String)
        throws -> (model: LanguageModel, vocabulary: Vocabulary, tokens: TimeMachine.Tokens) {
        let file = try SafeTensors.read(path)
        try requireOwner(file.metadata, path: path, .languageModel(entry))
        let vocabulary = try self.vocabulary("vocab", of: file.metadata, path: path, writer: "zoo run \(entry.name) --save FILE")
        guard let recurrent = file.tensors["rnn.weight_hh_l0"], recurrent.rank == 2, recurrent.shape[1] > 0 else {
            throw RunError.mismatchedWeights(path: path, reason: "it holds no rnn.weight_hh_l0 of shape [gates x hidden, hidden]: "
                                             + "it is not a language model's weights file")
        }
        let hidden = recurrent.shape[1], width = entry.cell.gateCount * hidden
        let layers = max(1, (0..<64).prefix { file.tensors["rnn.weight_ih_l\($0)"] != nil }.count)
        // The sizes read from the file must be the file's own before a model of them is allocated.
        var shapes = ["linear.weight": [vocabulary.count, hidden], "rnn.weight_ih_l0": [width, vocabulary.count]]
        for layer in 0..<layers { shapes["rnn.weight_hh_l\(layer)"] = [width, hidden] }
        try requireShapes(shapes, in: file.tensors, path: path)
        let model = entry.build(vocabularySize: vocabulary.count, hidden: hidden, layers: layers)
        try model.load(file, source: path)
        return (model, vocabulary, TimeMachine.Tokens(rawValue: file.metadata["tokens"] ?? "") ?? .character)
    }

    /// A translator and its source and target vocabularies.
    public static func translator(_ entry: TranslatorEntry, from path: String) throws -> Translator {
        let file = try SafeTensors.read(path)
        try requireOwner(file.metadata, path: path, .translator(entry))
        let writer = "zoo run \(entry.name) --save FILE"
        let source = try vocabulary("src_vocab", of: file.metadata, path: path, writer: writer)
        let target = try vocabulary("tgt_vocab", of: file.metadata, path: path, writer: writer)
        // Sizes from the shapes (the zoo's translators are 256 wide, 2 layers), checked before allocating.
        guard let embedding = file.tensors["encoder.embedding.weight"], embedding.rank == 2,
              let recurrent = file.tensors["encoder.rnn.weight_hh_l0"], recurrent.rank == 2 else {
            throw RunError.mismatchedWeights(path: path, reason: "it holds no encoder.embedding.weight and encoder.rnn.weight_hh_l0: "
                                             + "it is not a translator's weights file")
        }
        let (width, hidden) = (embedding.shape[1], recurrent.shape[1])
        let layers = max(1, (0..<64).prefix { file.tensors["encoder.rnn.weight_ih_l\($0)"] != nil }.count)
        var shapes = ["encoder.embedding.weight": [source.count, width], "decoder.embedding.weight": [target.count, width],
                      "decoder.dense.weight": [target.count, hidden]]
        for layer in 0..<layers {
            shapes["encoder.rnn.weight_hh_l\(layer)"] = [3 * hidden, hidden]
            shapes["decoder.rnn.weight_hh_l\(layer)"] = [3 * hidden, hidden]
        }
        try requireShapes(shapes, in: file.tensors, path: path)
        let model = EncoderDecoder(sourceVocabularySize: source.count, targetVocabularySize: target.count, embedding: width,
                                   hidden: hidden, layers: layers, dropout: entry.dropout, attention: entry.attention)
        try model.load(file, source: path)
        return Translator(model: model, source: source, target: target, steps: entry.steps)
    }

    /// Throws unless every key of `shapes` is a tensor of that shape in `tensors`.
    static func requireShapes(_ shapes: [String: [Int]], in tensors: [String: Tensor], path: String) throws {
        for (key, shape) in shapes.sorted(by: { $0.key < $1.key }) where tensors[key]?.shape != shape {
            let found = tensors[key].map { "has shape \($0.shape)" } ?? "is missing"
            throw RunError.mismatchedWeights(path: path, reason: "\(key) \(found), where its vocabulary and sizes need \(shape)")
        }
    }

    /// Loads `path` into `model` (the zoo model `name`) for a run whose dataset gives `expected` vocabularies:
    /// a file saved from another model, or with other vocabularies, is refused naming both.
    static func load(_ path: String, into model: Module, name: String, expecting expected: [String: Vocabulary]) throws {
        let file = try SafeTensors.read(path)
        if let own = ModelRegistry.model(named: name) { try requireOwner(file.metadata, path: path, own) }
        for (key, vocabulary) in expected.sorted(by: { $0.key < $1.key }) {
            guard let json = file.metadata[key] else { continue }
            let stored = try Vocabulary(json: json, source: "the \(key) of \(path)")
            if stored != vocabulary { throw mismatch(path, key: key, stored: stored, expected: vocabulary) }
        }
        try model.load(file, source: path)
    }

    static func mismatch(_ path: String, key: String, stored: Vocabulary, expected: Vocabulary) -> RunError {
        .mismatchedWeights(path: path, reason: "its \(key) (\(stored.count) tokens: \(preview(stored))) is not "
                           + "the dataset's (\(expected.count) tokens: \(preview(expected)))")
    }

    static func preview(_ vocabulary: Vocabulary) -> String {
        vocabulary.tokens.prefix(6).map(\.debugDescription).joined(separator: " ") + (vocabulary.count > 6 ? " ..." : "")
    }

    /// The vocabulary stored under `key`, or an error saying how such a file is made.
    static func vocabulary(_ key: String, of metadata: [String: String], path: String, writer: String) throws -> Vocabulary {
        guard let json = metadata[key] else {
            throw RunError.mismatchedWeights(path: path, reason: "the file has no vocabulary (key \"\(key)\" of its metadata); "
                                             + "weights saved by `\(writer)` carry it")
        }
        return try Vocabulary(json: json, source: "the \(key) of \(path)")
    }

    /// When the file names the zoo model it was saved from, that model's weights must fit `own`.
    static func requireOwner(_ metadata: [String: String], path: String, _ own: ZooModel) throws {
        guard let owner = metadata["model"], let stored = ModelRegistry.model(named: owner) else { return }
        guard interchangeable(stored, own) else {
            throw RunError.mismatchedWeights(path: path, reason: "they are \(owner)'s, not \(own.name)'s")
        }
    }

    /// Whether weights saved from `a` can fit `b`: language models with the same cell (`gru` and
    /// `deep-gru`; the shapes are checked when loading), translators both with attention or both without.
    static func interchangeable(_ a: ZooModel, _ b: ZooModel) -> Bool {
        switch (a, b) {
        case let (.languageModel(x), .languageModel(y)): x.cell == y.cell
        case let (.translator(x), .translator(y)): x.attention == y.attention
        default: false
        }
    }
}
