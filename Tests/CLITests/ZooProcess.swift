import Foundation

/// The `zoo` binary built beside the test bundle, when there is one.
let zooBinary: String? = [CommandLine.arguments[0], Bundle.main.bundlePath, Bundle.main.executablePath ?? ""]
    .map { URL(fileURLWithPath: $0).deletingLastPathComponent().appendingPathComponent("zoo").path }
    .first { FileManager.default.isExecutableFile(atPath: $0) }

/// A `zoo` process started with `arguments`, its output collected in files of `folder`.
final class ZooProcess {
    let process = Process()
    private let output: String, errors: String

    init(_ arguments: [String], in folder: String, limits: [String] = []) throws {
        output = folder + "/stdout-\(UUID().uuidString)"
        errors = folder + "/stderr-\(UUID().uuidString)"
        _ = FileManager.default.createFile(atPath: output, contents: nil)
        _ = FileManager.default.createFile(atPath: errors, contents: nil)
        if limits.isEmpty {
            process.executableURL = URL(fileURLWithPath: zooBinary!)
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/prlimit")
            process.arguments = limits + ["--", zooBinary!] + arguments
        }
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        process.standardOutput = FileHandle(forWritingAtPath: output)
        process.standardError = FileHandle(forWritingAtPath: errors)
        try process.run()
    }

    /// Waits for the process to end; returns its exit status (or 128 + the signal that ended it).
    @discardableResult
    func wait() -> Int32 {
        process.waitUntilExit()
        return process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
    }

    var standardOutput: String { (try? String(contentsOfFile: output, encoding: .utf8)) ?? "" }
    var standardError: String { (try? String(contentsOfFile: errors, encoding: .utf8)) ?? "" }

    /// Runs `zoo arguments` to its end.
    static func run(_ arguments: [String], in folder: String, limits: [String] = []) throws -> (status: Int32, process: ZooProcess) {
        let process = try ZooProcess(arguments, in: folder, limits: limits)
        return (process.wait(), process)
    }
}
