/// English-French sentence pairs (Tatoeba via manythings.org, CC-BY 2.0 FR), prepared as d2l v1.0's
/// `MTFraEng` prepares them: U+202F and U+00A0 become spaces, the text is lower-cased, a space goes
/// before each `,` `.` `!` `?` not preceded by one; tokens are split on spaces and end with `<eos>`.
public enum FraEng {
    /// d2l's `fra-eng/fra.txt`, the manythings.org export of 2019-04-07: 167,130 pairs.
    /// d2l downloads it inside `fra-eng.zip` (SHA-1 94646ad1522d915e7b0f9296181140edcf86a4f5); Zoo checks
    /// the SHA-1 of the `fra.txt` it reads out of the archive, so any ZIP of the same file serves.
    public static let file: TextCorpusFile = {
        var file = TextCorpusFile(name: "fra.txt", shippedName: "fra-eng.txt.gz", size: 11_669_748,
                                  sha1: "c43f99dce27311d3afd4d3e0716848194cfcc103",
                                  url: "http://d2l-data.s3-accelerate.amazonaws.com/fra-eng.zip", cacheName: "fra-eng")
        file.archive = "fra-eng.zip"
        return file
    }()

    /// The reserved tokens of both vocabularies (d2l v1.0), besides `<unk>`.
    public static let reserved = ["<pad>", "<bos>", "<eos>"]

    /// One pair's source and target tokens, each ending with `<eos>`.
    public struct Pair: Sendable, Equatable {
        public let source: [String], target: [String]
    }

    /// d2l's `_preprocess`, code point by code point as Python does it (lower-casing first, which
    /// changes no space or punctuation).
    public static func preprocess(_ text: String) -> String {
        var output = String.UnicodeScalarView()
        var previous: Unicode.Scalar?
        for scalar in text.lowercased().unicodeScalars {
            let character: Unicode.Scalar = scalar == "\u{202F}" || scalar == "\u{A0}" ? " " : scalar
            if ",.!?".unicodeScalars.contains(character), let previous, previous != " " { output.append(" ") }
            output.append(character)
            previous = character
        }
        return String(output)
    }

    /// Every pair of `text` (one per line: English, a tab, French, and maybe an attribution column,
    /// which is ignored); empty lines are skipped. `path` names the file in errors.
    public static func pairs(of text: String, path: String) throws -> [Pair] {
        var pairs: [Pair] = []
        for (index, line) in preprocess(text).split(separator: "\n", omittingEmptySubsequences: false).enumerated() where !line.isEmpty {
            let columns = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard columns.count >= 2 else {
                throw DatasetError.badLine(path: path, line: index + 1, reason: "no tab between the English and the French sentence")
            }
            pairs.append(Pair(source: tokens(ofPreprocessed: columns[0]), target: tokens(ofPreprocessed: columns[1])))
        }
        guard !pairs.isEmpty else { throw DatasetError.badLine(path: path, line: 1, reason: "the file holds no sentence pairs") }
        return pairs
    }

    /// The tokens of a sentence `preprocess` has prepared: its words, then `<eos>`.
    public static func tokens(ofPreprocessed sentence: Substring) -> [String] {
        sentence.split(separator: " ").map(String.init) + ["<eos>"]
    }

    /// Whether the pair at `index` (0-based) is held out: every 20th pair.
    public static func isHeldOut(_ index: Int) -> Bool { index % 20 == 19 }

    /// The source and target vocabularies of `pairs` (min frequency 2, d2l's reserved tokens).
    public static func vocabularies(of pairs: [Pair]) -> (source: Vocabulary, target: Vocabulary) {
        (Vocabulary(counting: pairs.lazy.flatMap(\.source), minimumFrequency: 2, reserved: reserved),
         Vocabulary(counting: pairs.lazy.flatMap(\.target), minimumFrequency: 2, reserved: reserved))
    }

    /// A sentence's token indices as d2l v1.0's `_build_array` makes them: cut or padded with `<pad>` to
    /// `steps`, then `<bos>` in front for a target (`steps + 1` long); with the count of tokens that are
    /// not `<pad>` (its valid length).
    public static func encode(_ tokens: [String], vocabulary: Vocabulary, steps: Int, target: Bool)
        -> (indices: [Int32], validLength: Int) {
        let fitted = tokens.count > steps ? Array(tokens.prefix(steps)) : tokens + Array(repeating: "<pad>", count: steps - tokens.count)
        let indices = ((target ? ["<bos>"] : []) + fitted).map { Int32(vocabulary.index(of: $0)) }
        let pad = Int32(vocabulary.index(of: "<pad>"))
        return (indices, indices.filter { $0 != pad }.count)
    }
}
