import Foundation
import Testing
@testable import Harness

/// Records and histories with values no run should produce are reported or printed as what they are.
@Suite struct DamagedRecordTests {
    @Test func wholeNumbersBeyondIntPrintAsTheyAre() {
        #expect(whole(1234.9) == "1,234")
        #expect(whole(1e300) == "1e+300" && whole(-1e19) == "-1e+19")
        #expect(whole(.nan) == "nan" && whole(.infinity) == "inf")
    }

    /// `zoo compare` printed "-9223372015379939329x0" for a record whose inputShape is []: such a record
    /// is now refused, naming the file.
    @Test func recordsWithoutAnImageShapeAreNamed() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("zoo-records-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let record = #"""
            {"model": "mlp", "dataset": "fashion-mnist", "parameters": 1, "inputShape": SHAPE, "seed": 0, "trainExamples": 1,
             "recipe": {"optimizer": "sgd", "learningRate": 0.1, "batchSize": 1}, "totalWallSeconds": 1e300,
             "commandLine": "zoo run mlp", "date": "2026-11-28T00:00:00Z",
             "epochs": [{"epoch": 1, "trainLoss": 1e300, "trainAccuracy": 0.5, "testAccuracy": -3,
                         "trainExamplesPerSecond": 1e300, "evalExamplesPerSecond": 1, "wallSeconds": 1e300}]}
            """#
        for shape in ["[]", "[1, 28]", "[1, 0, 28]"] {
            let path = folder + "/bad.json"
            try Data(record.replacingOccurrences(of: "SHAPE", with: shape).utf8).write(to: URL(fileURLWithPath: path))
            #expect { try RunComparison.table(folder: folder) } throws: { "\($0)".contains(path) && "\($0)".contains("inputShape") }
        }
        try Data(record.replacingOccurrences(of: "SHAPE", with: "[1, 28, 28]").utf8).write(to: URL(fileURLWithPath: folder + "/bad.json"))
        let table = try RunComparison.table(folder: folder)
        #expect(table.contains("| 28x28 |") && table.contains("1e+300"), "\(table)")
        #expect(try RunComparison.writeMissingPlots(folder: folder) == [folder + "/bad.png"])
    }

    /// Records that do not decode are named with what is wrong, in one line.
    @Test func undecodableRecordsSayWhatIsWrong() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("zoo-records-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for (json, reason) in [("{\"model\": 3}", "model has the wrong type or value"), ("{}", "the field model is missing"),
                               ("{\"model", "it is not valid JSON")] {
            try Data(json.utf8).write(to: URL(fileURLWithPath: folder + "/r.json"))
            #expect { try RunComparison.table(folder: folder) } throws: {
                "\($0)" == "\(folder)/r.json is not a zoo run record (\(reason)); move it out of the folder or delete it."
            }
        }
    }
}
