import ArgumentParser
import Foundation
import Fuzzing

/// `zoo-fuzz`: seeded mutation fuzzing of Zoo's file parsers (see README, "Fuzzing").
@main
struct ZooFuzz: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zoo-fuzz",
        abstract: "Feed damaged files to Zoo's parsers; fail on crashes, hangs, memory blow-ups and errors that do not name the file.",
        discussion: "Parsers: \(Targets.names.joined(separator: ", ")). Each runs in a worker process of its own. "
            + "A failure prints the command that reproduces it: zoo-fuzz --parser NAME --seed S --only N.")

    @Option(name: .customLong("parser"), help: "Parsers to fuzz (repeatable, or a comma list; default: all).")
    var parsers: [String] = []

    @Option(help: "Inputs per parser.")
    var count = 1000

    @Option(help: "Seed of the mutations: the same seed gives the same inputs.")
    var seed: UInt64 = 1

    @Option(help: "Seconds one input may take before it counts as a hang.")
    var timeout = 5.0

    @Option(name: .customLong("memory-mb"), help: "Memory bound of each worker (RLIMIT_DATA), in MiB (at least 256; 0: none, for AddressSanitizer builds).")
    var memoryMegabytes = 2048

    @Option(help: "Run only input N of one parser in this process, keep its file and print its path.")
    var only: Int?

    @Option(help: "The zoo binary for the end-to-end cases (skipped when absent).")
    var zoo = ".build/release/zoo"

    @Option(name: .customLong("e2e-count"), help: "Damaged files per end-to-end case (0: none).")
    var endToEndCount = 10

    @Option(help: .hidden) var from = 0
    @Flag(help: .hidden) var worker = false

    mutating func validate() throws {
        parsers = parsers.flatMap { $0.split(separator: ",").map(String.init) }
        if let unknown = parsers.first(where: { !(Targets.names + ["selftest"]).contains($0) }) {
            throw ValidationError("no parser \(unknown); the parsers are \(Targets.names.joined(separator: ", ")).")
        }
        if (only != nil || worker) && parsers.count != 1 { throw ValidationError("--only needs exactly one --parser.") }
        if count < 0 || timeout <= 0 { throw ValidationError("--count and --timeout must be positive.") }
        // A worker maps about 150 MiB of data (OpenBLAS's buffers, the runtime) before its first input.
        if memoryMegabytes != 0 && memoryMegabytes < 256 { throw ValidationError("--memory-mb must be 0 or at least 256.") }
    }

    func run() throws {
        try Determinism.ensure()
        var options = FuzzOptions()
        (options.seed, options.count, options.from, options.timeout, options.memoryMegabytes) = (seed, count, from, timeout, memoryMegabytes)
        if let only {
            if try Worker.runOnly(parser: parsers[0], index: only, options: options) == .unclearError { throw ExitCode.failure }
            return
        }
        if worker {
            _ = try Worker.run(parser: parsers[0], options: options)
            return
        }
        let names = parsers.isEmpty ? Targets.names : parsers
        print("zoo-fuzz: \(count) inputs for each of \(names.joined(separator: ", ")), seed \(seed), "
              + "timeout \(timeout) s, memory bound \(memoryMegabytes) MiB")
        var reports = try Supervisor.run(parsers: names, options: options)
        if endToEndCount > 0 { reports += try EndToEnd.run(zoo: zoo, count: endToEndCount, options: options) }
        print(ParserReport.table(reports))
        for report in reports where report.failed {
            print("\n\(report.parser):" + (report.note.map { " \($0)" } ?? ""))
            for failure in report.failures.prefix(10) {
                let reproduce = report.parser.hasPrefix("zoo ") ? "" : "  (zoo-fuzz --parser \(report.parser) --seed \(seed) --only \(failure.index))"
                print("  input \(failure.index): \(failure.kind.rawValue)\(reproduce)\n    \(failure.details)")
            }
            if report.failures.count > 10 { print("  ... and \(report.failures.count - 10) more") }
        }
        if reports.contains(where: \.failed) { throw ExitCode.failure }
    }
}
