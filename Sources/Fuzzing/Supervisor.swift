import Foundation

/// Runs each parser in a worker process of this program (`--worker --parser NAME` and the same flags), so a
/// crash, hang or memory figure belongs to one parser; a worker that dies is restarted after its input.
public enum Supervisor {
    /// Failures after which a parser's run stops (each costs a worker start).
    static let maximumFailures = 20

    public static func run(parsers: [String], options: FuzzOptions) throws -> [ParserReport] {
        try parsers.map { try run(parser: $0, options: options) }
    }

    static func run(parser: String, options: FuzzOptions) throws -> ParserReport {
        var report = ParserReport(parser: parser)
        var next = options.from
        let stderrPath = NSTemporaryDirectory() + "/zoo-fuzz-\(parser)-\(getpid()).stderr"
        defer { try? FileManager.default.removeItem(atPath: stderrPath) }
        while next < options.count {
            var worker = options
            worker.from = next
            var stream = WorkerStream(first: next)
            let ended = try ChildProcess.run(ChildProcess.selfPath, ["--worker", "--parser", parser] + worker.arguments,
                                             stderrPath: stderrPath, idleTimeout: options.timeout * 2 + 30) { stream.feed($0) }
            stream.finish()
            report.inputs += stream.parsed + stream.clean + stream.unclear.count
            report.parsed += stream.parsed
            report.cleanErrors += stream.clean
            report.failures += stream.unclear.map { .init(kind: .unclearError, index: $0.index, details: $0.text) }
            report.peakRSSKilobytes = max(report.peakRSSKilobytes, ended.peakRSSKilobytes)
            report.seconds += ended.seconds
            if stream.done { break }
            // The worker died: on the input its event names, or else the one after the last it finished.
            let index = stream.event?.index ?? stream.next
            let errors = (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
            if stream.event == nil && stream.next == next {
                report.note = "the worker died before its first input (\(describe(ended, errors: errors)))"
                break
            }
            report.inputs += 1
            report.failures.append(.init(kind: kind(of: stream.event?.kind, ended: ended, errors: errors), index: index,
                                         details: describe(ended, errors: errors)))
            next = index + 1
            if report.failures.count - report.count(.unclearError) >= maximumFailures {
                report.note = "stopped after \(maximumFailures) failures, at input \(next) of \(options.count)"
                break
            }
        }
        return report
    }

    /// A dead worker's failure: out of memory when the runtime said an allocation failed.
    static func kind(of event: String?, ended: ChildProcess.Ended, errors: String) -> ParserReport.Failure.Kind {
        let lowered = errors.lowercased()
        if ["failed to allocate", "could not allocate", "cannot allocate", "out of memory", "bad_alloc", "allocation failed", "can't allocate"]
            .contains(where: lowered.contains) { return .outOfMemory }
        if event == "hang" || ended.timedOut { return .hang }
        return .crash
    }

    /// How the worker ended and the last lines of its standard error.
    static func describe(_ ended: ChildProcess.Ended, errors: String) -> String {
        let how = ended.timedOut ? "killed after no output" : ended.signal.map { "signal \($0)" } ?? "exit status \(ended.status ?? -1)"
        let tail = errors.split(separator: "\n").suffix(6).joined(separator: "\n    ")
        return how + (tail.isEmpty ? "" : "\n    " + tail)
    }
}
