import Datasets
import Engine
import Foundation

/// Damaged files through the `zoo` binary itself: weights through `zoo eval lenet --weights FILE`, and
/// test labels through `zoo eval` with `--data-dir` a folder holding them beside the three real files.
/// Each run must exit with status 0, or 1 with an `error:` line naming the file, within the time limit.
public enum EndToEnd {
    public static func run(zoo: String, count: Int, options: FuzzOptions) throws -> [ParserReport] {
        guard FileManager.default.isExecutableFile(atPath: zoo) else {
            print("end-to-end: skipped, no zoo binary at \(zoo) (build it with `swift build -c release`)")
            return []
        }
        guard let data = try? FashionMNIST.locate(dataDir: nil, download: false) else {
            print("end-to-end: skipped, no Fashion-MNIST files (apt-get install dataset-fashion-mnist, or set ZOO_DATA)")
            return []
        }
        let folder = try Worker.temporaryFolder("e2e")
        let weights = try SafeTensorsTarget(folder: folder)
        let lenet = folder + "/safetensors-seed-lenet.safetensors"
        let labelsName = FashionMNIST.testLabels.name + ".gz"
        let realLabels = try SeedFiles.read(FashionMNIST.path(of: FashionMNIST.testLabels, in: data)!)
        let labelSeeds = Mutator(seeds: [realLabels, try gunzip(contentsOf: FashionMNIST.path(of: FashionMNIST.testLabels, in: data)!,
                                                                            maximumBytes: FashionMNIST.testLabels.size)])

        var weightsReport = ParserReport(parser: "zoo eval --weights"), labelsReport = ParserReport(parser: "zoo eval labels")
        for index in 0..<count {
            var rng = Mutator.generator(seed: options.seed, parser: "e2e-weights", index: index)
            let input = SafeTensorsLayout.input(weights.mutator, seed: 1, rng: &rng)
            let path = folder + "/zoo-eval-weights-s\(options.seed)-n\(index).safetensors"
            try SeedFiles.write(input.bytes, to: path)
            check(zoo, ["eval", "lenet", "--weights", path, "--test-limit", "10", "--data-dir", data], file: path,
                  index: index, options: options, into: &weightsReport)
        }
        for index in 0..<count {
            var rng = Mutator.generator(seed: options.seed, parser: "e2e-labels", index: index)
            let seed = rng.below(2)
            let (bytes, _) = labelSeeds.mutate(labelSeeds.seeds[seed], text: false, rng: &rng)
            let directory = folder + "/zoo-eval-labels-s\(options.seed)-n\(index)"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            for file in FashionMNIST.files where file.name != FashionMNIST.testLabels.name {
                let real = FashionMNIST.path(of: file, in: data)!
                try FileManager.default.createSymbolicLink(atPath: directory + "/" + (real as NSString).lastPathComponent,
                                                           withDestinationPath: real)
            }
            let path = directory + "/" + labelsName
            try SeedFiles.write(bytes, gzip: seed == 1 && rng.oneIn(2), to: path)
            check(zoo, ["eval", "lenet", "--weights", lenet, "--test-limit", "10", "--data-dir", directory], file: path,
                  index: index, options: options, into: &labelsReport)
        }
        if !(weightsReport.failed || labelsReport.failed) { try? FileManager.default.removeItem(atPath: folder) }
        return [weightsReport, labelsReport]
    }

    /// Runs `zoo` on one damaged `file` and counts how it ended.
    static func check(_ zoo: String, _ arguments: [String], file: String, index: Int, options: FuzzOptions,
                      into report: inout ParserReport) {
        let stderrPath = file + ".stderr"
        report.inputs += 1
        guard let ended = try? ChildProcess.run(zoo, arguments, stderrPath: stderrPath, idleTimeout: options.timeout, output: { _ in }) else {
            report.failures.append(.init(kind: .crash, index: index, details: "cannot run \(zoo)"))
            return
        }
        report.seconds += ended.seconds
        report.peakRSSKilobytes = max(report.peakRSSKilobytes, ended.peakRSSKilobytes)
        let errors = (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
        let command = "zoo " + arguments.joined(separator: " ")
        let named = errors.split(separator: "\n").contains { $0.hasPrefix("error:") && ($0.contains(file) || $0.contains((file as NSString).lastPathComponent)) }
        switch (ended.status, ended.timedOut) {
        case (_, true): report.failures.append(.init(kind: .hang, index: index, details: "over \(options.timeout) s: \(command)"))
        case (0?, _): report.parsed += 1
        case (1?, _) where named: report.cleanErrors += 1
        case (1?, _): report.failures.append(.init(kind: .unclearError, index: index, details: "\(command)\n    \(errors.prefix(300))"))
        default:
            let kind: ParserReport.Failure.Kind = errors.lowercased().contains("allocat") ? .outOfMemory : .crash
            report.failures.append(.init(kind: kind, index: index, details: Supervisor.describe(ended, errors: errors) + "\n    " + command))
        }
        if !report.failed { try? FileManager.default.removeItem(atPath: stderrPath) }
    }
}
