import Foundation

/// Runs a program with posix_spawn, streams its standard output, sends its standard error to a file, and
/// reports how it ended with its own resource usage (wait4), so a peak RSS belongs to one child.
struct ChildProcess {
    struct Ended {
        /// The exit status, or nil when a signal ended it.
        var status: Int32?
        /// The signal that ended it, if any.
        var signal: Int32?
        /// Killed by us after `idleTimeout` seconds without output.
        var timedOut: Bool
        var peakRSSKilobytes: Int
        var seconds: Double
    }

    /// Runs `executable` with `arguments` (and SWIFT_BACKTRACE off, so that our handlers report crashes);
    /// `output` receives standard output as it comes. Kills it after `idleTimeout` seconds of silence.
    static func run(_ executable: String, _ arguments: [String], stderrPath: String, idleTimeout: Double,
                    output: ([UInt8]) -> Void) throws -> Ended {
        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0 else { throw SeedFiles.WriteFailure(description: "zoo-fuzz: pipe failed") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], 1)
        posix_spawn_file_actions_addclose(&actions, pipeEnds[0])
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        var environment = ProcessInfo.processInfo.environment
        environment["SWIFT_BACKTRACE"] = "enable=no"
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let clock = CrashGuard.now()
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        close(pipeEnds[1])
        guard spawned == 0 else {
            close(pipeEnds[0])
            throw SeedFiles.WriteFailure(description: "zoo-fuzz: cannot run \(executable): \(String(cString: strerror(spawned)))")
        }
        var timedOut = false, lastOutput = CrashGuard.now()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            var poller = pollfd(fd: pipeEnds[0], events: Int16(POLLIN), revents: 0)
            if poll(&poller, 1, 500) > 0 {
                let n = buffer.withUnsafeMutableBytes { read(pipeEnds[0], $0.baseAddress, $0.count) }
                if n <= 0 { break }
                output(Array(buffer[0..<n]))
                lastOutput = CrashGuard.now()
            } else if Double(CrashGuard.now() - lastOutput) / 1e9 > idleTimeout {
                kill(pid, SIGKILL)
                timedOut = true
                break
            }
        }
        close(pipeEnds[0])
        var status: Int32 = 0, usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let signal = status & 0x7F
        return Ended(status: signal == 0 ? (status >> 8) & 0xFF : nil, signal: signal == 0 ? nil : signal,
                     timedOut: timedOut, peakRSSKilobytes: usage.ru_maxrss, seconds: Double(CrashGuard.now() - clock) / 1e9)
    }

    /// This program's own path.
    static var selfPath: String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        return n > 0 ? String(cString: buffer) : CommandLine.arguments[0]
    }
}
