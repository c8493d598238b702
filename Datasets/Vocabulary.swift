import Foundation

/// Tokens by index and indices by token, as d2l v1.0's `Vocab` builds them: every token seen at least
/// `minimumFrequency` times, the reserved tokens and `<unk>`, sorted (by Unicode code points, as Python
/// sorts strings). A token outside the vocabulary maps to `<unk>`.
public struct Vocabulary: Sendable, Equatable {
    public static let unknown = "<unk>"
    /// The tokens in index order.
    public let tokens: [String]
    private let indices: [String: Int]
    /// The index of `<unk>`.
    public let unknownIndex: Int

    /// The vocabulary of `corpus` (d2l: `sorted(set(['<unk>'] + reserved + [t for t, f in freqs if f >= min_freq]))`).
    public init<Tokens: Sequence>(counting corpus: Tokens, minimumFrequency: Int = 0, reserved: [String] = [])
    where Tokens.Element == String {
        var frequencies: [String: Int] = [:]
        for token in corpus { frequencies[token, default: 0] += 1 }
        let kept = frequencies.filter { $0.value >= minimumFrequency }.map(\.key)
        self.init(sorted: Set([Self.unknown] + reserved + kept).sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) })
    }

    /// A vocabulary stored with a model (its tokens in index order); `source` names where it came from in errors.
    public init(tokens: [String], source: String) throws {
        guard Set(tokens).count == tokens.count, tokens.contains(Self.unknown) else {
            throw DatasetError.badVocabulary(source: source, reason: tokens.contains(Self.unknown)
                                             ? "it lists a token twice" : "it lacks \(Self.unknown)")
        }
        self.init(sorted: tokens)
    }

    private init(sorted tokens: [String]) {
        self.tokens = tokens
        indices = Dictionary(uniqueKeysWithValues: tokens.enumerated().map { ($1, $0) })
        unknownIndex = indices[Self.unknown]!
    }

    public var count: Int { tokens.count }

    /// The index of `token`, or of `<unk>` when the vocabulary lacks it.
    public func index(of token: String) -> Int { indices[token] ?? unknownIndex }

    /// Whether the vocabulary holds `token` itself.
    public func contains(_ token: String) -> Bool { indices[token] != nil }
}

extension Vocabulary {
    /// The tokens in index order as a JSON list: how a weights file's metadata carries a model's vocabulary
    /// (`safe_open(...).metadata()["vocab"]` in PyTorch).
    public var json: String { jsonList(tokens) }

    /// The vocabulary stored as `json` (a JSON list of distinct strings holding `<unk>`); `source` names it in errors.
    public init(json: String, source: String) throws {
        guard let tokens = strings(ofJSONList: json) else {
            throw DatasetError.badVocabulary(source: source, reason: "it is not a JSON list of strings")
        }
        try self.init(tokens: tokens, source: source)
    }
}
