import Engine

/// One damaged input, ready to be written to a file.
public struct FuzzInput: Sendable {
    /// The file's bytes.
    public var bytes: [UInt8]
    /// Whether the bytes are gzip-compressed on writing (they are written as they are otherwise).
    public var gzip = false
    /// The seed file the input started from.
    public var seedIndex: Int
    /// A target-specific choice made with the input (the IDX rank asked for, say).
    public var variant = 0
    /// The mutations applied, for `--only`'s report.
    public var applied: [Mutation] = []
}

/// A parser under test, with its seed files (valid inputs written by the project's own writers).
public protocol FuzzTarget: AnyObject {
    /// The name given to `--parser`.
    var name: String { get }
    /// The seed files' bytes, which the mutator damages and splices.
    var mutator: Mutator { get }
    /// Input `index`'s bytes, drawn from `rng` (the generator of that index).
    func input(rng: inout RandomGenerator) -> FuzzInput
    /// Writes `input` under `folder` with names starting with `stem`; returns the path handed to the
    /// parser (which a clean error names) and the path to delete afterwards (that file or its folder).
    func place(_ input: FuzzInput, stem: String, in folder: String) throws -> (path: String, remove: String)
    /// Parses the file at `path` as the project does; throws what the project throws.
    func parse(path: String, input: FuzzInput) throws
}

extension FuzzTarget {
    /// Writes the input to `<folder>/<stem>.<fileExtension>`.
    func placeFile(_ input: FuzzInput, stem: String, fileExtension: String, in folder: String) throws -> (path: String, remove: String) {
        let path = folder + "/" + stem + "." + fileExtension
        try SeedFiles.write(input.bytes, gzip: input.gzip, to: path)
        return (path, path)
    }
}
