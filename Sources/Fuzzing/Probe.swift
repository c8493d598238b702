import Foundation

/// Runs a parser on one file in this process, without the crash guard: for tests.
public enum Probe {
    /// How parsing `bytes`, written as `fileName` into `folder`, ends with parser `parser`, and the error text.
    /// The parser's input is taken as derived from seed file `seedIndex`.
    public static func outcome(parser: String, bytes: [UInt8], seedIndex: Int = 0, folder: String) throws -> (Outcome, String) {
        let target = try Targets.make(parser, folder: folder)
        let input = FuzzInput(bytes: bytes, seedIndex: seedIndex)
        let (path, remove) = try target.place(input, stem: "\(parser)-probe", in: folder)
        defer { try? FileManager.default.removeItem(atPath: remove) }
        do {
            try target.parse(path: path, input: input)
            return (.parsed, "")
        } catch {
            return (Outcome.of(error, path: path), String(describing: error))
        }
    }

    /// The bytes of the target's seed files.
    public static func seeds(parser: String, folder: String) throws -> [[UInt8]] {
        try Targets.make(parser, folder: folder).mutator.seeds
    }
}
