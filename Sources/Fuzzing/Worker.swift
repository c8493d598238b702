import Foundation

/// Runs one parser's inputs in this process. In worker mode (under `Supervisor`) it writes one character
/// per input to standard output (p parsed, c clean error, u unclear error) and `#` event lines; the crash
/// and hang reports come from `CrashGuard`.
public enum Worker {
    /// Runs inputs `options.from..<options.count` of `parser`; returns the number of unclear errors.
    public static func run(parser: String, options: FuzzOptions) throws -> Int {
        MemoryLimit.apply(megabytes: options.memoryMegabytes)
        CrashGuard.install(timeout: options.timeout)
        let folder = try temporaryFolder(parser)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let target = try Targets.make(parser, folder: folder)
        var unclear = 0
        for index in options.from..<options.count {
            let (outcome, text) = try runInput(target, index: index, options: options, folder: folder, worker: true, keep: false)
            emit(outcome == .parsed ? "p" : outcome == .cleanError ? "c" : "u")
            if outcome == .unclearError {
                unclear += 1
                emit("\n#unclear \(index) " + text.replacingOccurrences(of: "\n", with: " ").prefix(300) + "\n")
            }
        }
        emit("\n#done \(MemoryLimit.peakRSSKilobytes())\n")
        return unclear
    }

    /// Runs input `index` alone and keeps its file: `--only`. Prints what it was and how it ended.
    public static func runOnly(parser: String, index: Int, options: FuzzOptions) throws -> Outcome {
        MemoryLimit.apply(megabytes: options.memoryMegabytes)
        CrashGuard.install(timeout: options.timeout)
        let folder = try temporaryFolder(parser)
        let target = try Targets.make(parser, folder: folder)
        var rng = Mutator.generator(seed: options.seed, parser: parser, index: index)
        let input = target.input(rng: &rng)
        print("input \(index) of \(parser) (seed \(options.seed)): seed file \(input.seedIndex), "
              + "mutations \(input.applied.map(\.rawValue).joined(separator: ", "))\(input.gzip ? ", gzip-compressed" : "")")
        let (outcome, text) = try runInput(target, index: index, options: options, folder: folder, worker: false, keep: true)
        print("outcome: \(outcome.label)\(text.isEmpty ? "" : ": " + text)")
        print("files kept in \(folder)")
        return outcome
    }

    /// Writes input `index`, parses it under the crash guard, and removes its file unless `keep`.
    static func runInput(_ target: FuzzTarget, index: Int, options: FuzzOptions, folder: String, worker: Bool,
                         keep: Bool) throws -> (Outcome, String) {
        var rng = Mutator.generator(seed: options.seed, parser: target.name, index: index)
        let input = target.input(rng: &rng)
        let (path, remove) = try target.place(input, stem: "\(target.name)-s\(options.seed)-n\(index)", in: folder)
        if keep { print("file: \(path)") }
        CrashGuard.begin(parser: target.name, seed: options.seed, index: index, path: path, timeout: options.timeout, worker: worker)
        defer { CrashGuard.end() }
        var result: (Outcome, String) = (.parsed, "")
        do {
            try target.parse(path: path, input: input)
        } catch {
            result = (Outcome.of(error, path: path), String(describing: error))
        }
        CrashGuard.end()
        if !keep { try? FileManager.default.removeItem(atPath: remove) }
        return result
    }

    /// A fresh folder for the parser's seeds and inputs, named so that its files are recognisable.
    static func temporaryFolder(_ parser: String) throws -> String {
        let folder = NSTemporaryDirectory() + "/zoo-fuzz-\(parser)-\(getpid())"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return (folder as NSString).standardizingPath
    }

    /// Writes `text` to standard output with write(2), unbuffered, so nothing is lost if the next input crashes.
    static func emit(_ text: String) {
        var bytes = Array(text.utf8)
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeMutableBytes { write(1, $0.baseAddress! + done, $0.count - done) }
            if n <= 0 { return }
            done += n
        }
    }
}
