/// H. G. Wells's *The Time Machine* as d2l v1.0 prepares it for language models: the whole text with
/// every run of non-letters made one space, lower case, one token per character (173,428 tokens), and
/// a vocabulary of 28 (`' '`=0, `<unk>`=1, `a`=2 ... `z`=27).
public enum TimeMachine {
    /// d2l's `timemachine.txt` (public domain, from Project Gutenberg).
    public static let file = TextCorpusFile(
        name: "timemachine.txt", shippedName: "timemachine.txt.gz", size: 178_979,
        sha1: "090b5e7e70c295757f55df93cb0a180b9691891a",
        url: "http://d2l-data.s3-accelerate.amazonaws.com/timemachine.txt", cacheName: "timemachine")

    /// d2l v1.0's `re.sub('[^A-Za-z]+', ' ', text).lower()`.
    public static func preprocess(_ text: String) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): output.append(byte + 32)
            case UInt8(ascii: "a")...UInt8(ascii: "z"): output.append(byte)
            default: if output.last != UInt8(ascii: " ") { output.append(UInt8(ascii: " ")) }
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// What a token is: a character (d2l v1.0's language models) or a word (the text split on spaces).
    public enum Tokens: String, CaseIterable, Sendable {
        case character = "char"
        case word
    }

    /// The character tokens of `text` after preprocessing.
    public static func characters(of text: String) -> [String] { preprocess(text).map(String.init) }

    /// The word tokens of `text` after preprocessing.
    public static func words(of text: String) -> [String] { preprocess(text).split(separator: " ").map(String.init) }

    /// The tokens of `text` after preprocessing.
    public static func tokens(of text: String, _ kind: Tokens) -> [String] {
        kind == .character ? characters(of: text) : words(of: text)
    }

    /// The corpus as token indices and its vocabulary (every token that occurs); `path` names the text in errors.
    public static func corpus(of text: String, path: String, tokens kind: Tokens = .character) throws -> (tokens: [Int32], vocabulary: Vocabulary) {
        let tokens = tokens(of: text, kind)
        guard tokens.contains(where: { $0 != " " }) else {
            throw DatasetError.badLine(path: path, line: 1, reason: "the text holds no letters")
        }
        let vocabulary = Vocabulary(counting: tokens)
        return (tokens.map { Int32(vocabulary.index(of: $0)) }, vocabulary)
    }
}
