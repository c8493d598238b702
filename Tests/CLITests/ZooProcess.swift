import Foundation

/// The `zoo` binary built beside the test bundle, when there is one.
let zooBinary: String? = [CommandLine.arguments[0], Bundle.main.bundlePath, Bundle.main.executablePath ?? ""]
    .map { URL(fileURLWithPath: $0).deletingLastPathComponent().appendingPathComponent("zoo").path }
    .first { FileManager.default.isExecutableFile(atPath: $0) }

/// A new, empty folder under the system's temporary folder, its name starting with `prefix`.
func makeTemporaryFolder(_ prefix: String) throws -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    return folder
}

/// A `zoo` process started with `arguments` (and `environment`, else this process's), its output collected in
/// files of `folder`; `limits` run it under prlimit with those flags, `launcher` under that command (mpirun).
final class ZooProcess {
    let process = Process()
    private let output: String, errors: String

    init(_ arguments: [String], in folder: String, limits: [String] = [], launcher: [String] = [],
         environment: [String: String]? = nil) throws {
        output = folder + "/stdout-\(UUID().uuidString)"
        errors = folder + "/stderr-\(UUID().uuidString)"
        _ = FileManager.default.createFile(atPath: output, contents: nil)
        _ = FileManager.default.createFile(atPath: errors, contents: nil)
        let command = (limits.isEmpty ? [] : ["/usr/bin/prlimit"] + limits + ["--"]) + launcher + [zooBinary!] + arguments
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        if let environment { process.environment = environment }
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

    /// `wait()` for at most `seconds`; nil (and the process killed) if it had not ended by then.
    func wait(atMost seconds: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        guard process.isRunning else { return wait() }
        kill(process.processIdentifier, SIGKILL)
        wait()
        return nil
    }

    var standardOutput: String { (try? String(contentsOfFile: output, encoding: .utf8)) ?? "" }
    var standardError: String { (try? String(contentsOfFile: errors, encoding: .utf8)) ?? "" }

    /// Runs `zoo arguments` to its end.
    static func run(_ arguments: [String], in folder: String, limits: [String] = [], launcher: [String] = [],
                    environment: [String: String]? = nil) throws -> (status: Int32, process: ZooProcess) {
        let process = try ZooProcess(arguments, in: folder, limits: limits, launcher: launcher, environment: environment)
        return (process.wait(), process)
    }
}

/// New files in a folder, seen the moment they are created (inotify), to act inside a short window such
/// as a checkpoint write.
final class FolderWatch {
    private let descriptor: Int32

    init(_ folder: String) {
        descriptor = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        _ = inotify_add_watch(descriptor, folder, UInt32(IN_CREATE))
    }

    deinit { close(descriptor) }

    /// Waits up to `timeout` seconds for a file whose name ends with `suffix` to be created; whether one was.
    func waitForFile(endingWith suffix: String, timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while Date() < deadline {
            var watched = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&watched, 1, 10) > 0 else { continue }
            let count = read(descriptor, &buffer, buffer.count)
            var offset = 0
            // Each event: wd, mask, cookie, name length (4 bytes each), then the name, zero-padded.
            while offset + 16 <= count {
                let length = buffer[(offset + 12)..<(offset + 16)].reversed().reduce(0) { $0 << 8 | Int($1) }
                let name = buffer[(offset + 16)..<min(count, offset + 16 + length)].prefix { $0 != 0 }
                if String(decoding: name, as: UTF8.self).hasSuffix(suffix) { return true }
                offset += 16 + length
            }
        }
        return false
    }
}
