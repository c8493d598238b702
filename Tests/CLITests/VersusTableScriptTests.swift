import Foundation
import Testing

/// `scripts/versus_table.py`, the table of Zoo against PyTorch from rounds of `zoo bench` and torch_zoo_bench.py
/// reports, on reports written here.
struct VersusTableScriptTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("scripts/versus_table.py").path

    /// A zoo bench report of one model and the torch report made from it.
    func writeRound(_ folder: String, zooTrain: Double, torchTrain: Double, zooInfer: Double, torchInfer: Double,
                    zooTrainBytes: Int, sgemm: Double) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let zoo = """
            {"sgemmGFLOPS": \(sgemm), "models": [{"model": "lenet", "inputSize": 28, "batchSize": 256,
             "trainExamplesPerSecond": \(zooTrain), "inferExamplesPerSecond": \(zooInfer), "trainPeakBytes": \(zooTrainBytes),
             "inferPeakBytes": 1048576, "fractionOfSgemm": 0.25, "flopsPerExample": 500000000}]}
            """
        let torch = """
            {"rows": [{"model": "lenet", "train": \(torchTrain), "infer": \(torchInfer), "trainPeakBytes": 4194304,
             "inferPeakBytes": 2097152}]}
            """
        try zoo.write(toFile: folder + "/zoo-lenet.json", atomically: true, encoding: .utf8)
        try torch.write(toFile: folder + "/torch-lenet.json", atomically: true, encoding: .utf8)
    }

    func runScript(_ folder: String) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.script, folder]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    /// Each side's best rate over the rounds, their ratio, the median and range of the rounds' own ratios, the larger memory peak,
    /// and the ceiling: the best sgemm (200 GFLOP/s) over PyTorch's best training FLOPs (200 x 0.5 GFLOP).
    @Test func bestRatesOverRoundsWithTheRangeOfTheirRatios() throws {
        let folder = try makeTemporaryFolder("zoo-versus-table")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try writeRound(folder + "/round-1", zooTrain: 300, torchTrain: 200, zooInfer: 900, torchInfer: 1000,
                       zooTrainBytes: 2 << 20, sgemm: 150)
        try writeRound(folder + "/round-2", zooTrain: 200, torchTrain: 100, zooInfer: 1200, torchInfer: 800,
                       zooTrainBytes: 3 << 20, sgemm: 200)
        let result = try runScript(folder)
        #expect(result.status == 0, "\(result.output)")
        let row = "| lenet | 28 | 256 | 300 / 200 | 1.50 (median 1.75; 1.50..2.00) | 1,200 / 1,000 | 1.20 (median 1.20; 0.90..1.50) | 3 / 4 | 1 / 2 | 25% | 2.00 |"
        #expect(result.output.contains(row), "\(result.output)")
        #expect(result.output.contains("2 round(s)") && result.output.contains("150..200 GFLOP/s"))
        let written = try String(contentsOfFile: folder + "/table.md", encoding: .utf8)
        #expect(written.contains(row))
    }

    /// A damaged report, or one with a rate of zero, stops the table with a message that names the files.
    @Test func damagedReportsAreRefusedByName() throws {
        let folder = try makeTemporaryFolder("zoo-versus-table")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try writeRound(folder + "/round-1", zooTrain: 0, torchTrain: 200, zooInfer: 900, torchInfer: 1000,
                       zooTrainBytes: 2 << 20, sgemm: 150)
        let zero = try runScript(folder)
        #expect(zero.status != 0)
        #expect(zero.output.contains("a rate of zero or less in \(folder)/round-1/zoo-lenet.json"), "\(zero.output)")
        try "{\"rows\": [".write(toFile: folder + "/round-1/torch-lenet.json", atomically: true, encoding: .utf8)
        let damaged = try runScript(folder)
        #expect(damaged.status != 0)
        #expect(damaged.output.contains("is not a report of zoo bench --json"), "\(damaged.output)")
        #expect(!damaged.output.contains("Traceback"))
        // A FLOP count that is not a positive number would give the ceiling column a traceback or a negative ceiling.
        for flops in ["\"abc\"", "-5"] {
            try writeRound(folder + "/round-1", zooTrain: 300, torchTrain: 200, zooInfer: 900, torchInfer: 1000,
                           zooTrainBytes: 2 << 20, sgemm: 150)
            let zooPath = folder + "/round-1/zoo-lenet.json"
            let report = try String(contentsOfFile: zooPath, encoding: .utf8)
                .replacingOccurrences(of: "\"flopsPerExample\": 500000000", with: "\"flopsPerExample\": \(flops)")
            try report.write(toFile: zooPath, atomically: true, encoding: .utf8)
            let result = try runScript(folder)
            #expect(result.status != 0)
            #expect(result.output.contains("flopsPerExample or sgemmGFLOPS in \(zooPath) is not a positive number"), "\(result.output)")
            #expect(!result.output.contains("Traceback"))
        }
    }

    @Test func aFolderWithoutReportsIsRefused() throws {
        let folder = try makeTemporaryFolder("zoo-versus-table")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let result = try runScript(folder)
        #expect(result.status != 0)
        #expect(result.output.contains("no zoo-*.json with its torch-*.json"))
    }
}
