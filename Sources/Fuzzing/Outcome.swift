/// How one input ended, when the process survived it.
public enum Outcome: String, Sendable {
    /// The parser accepted the input.
    case parsed
    /// The parser threw an error naming the file (its path or its file name).
    case cleanError
    /// The parser threw an error that does not say which file is wrong: a failure.
    case unclearError

    /// "parsed", "clean error", "unclear error".
    public var label: String { self == .parsed ? "parsed" : self == .cleanError ? "clean error" : "unclear error" }

    /// The outcome of an error thrown while parsing the file at `path`.
    public static func of(_ error: Error, path: String) -> Outcome {
        let text = String(describing: error)
        let name = path.split(separator: "/").last.map(String.init) ?? path
        return text.contains(path) || text.contains(name) ? .cleanError : .unclearError
    }
}
