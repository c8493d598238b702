import Foundation
import Testing
@testable import Harness
@testable import Zoo

/// The results page's comparison: seeds folded into one row, rows marked by where they stand against the
/// model's recipe today, the current default first.
@Suite struct RunSummaryTests {
    /// A minimal record of a run of `model` (LeNet) with `recipe`, `epochs` epochs ending at `accuracy`, made by `command`.
    static func record(_ recipe: Recipe, epochs: Int, accuracy: Double, command: String, date: String, model: String = "lenet") throws -> Data {
        let recipeJSON = String(decoding: try JSONEncoder().encode(recipe), as: UTF8.self)
        let epoch = #"{"epoch": 1, "trainLoss": 0.5, "trainAccuracy": 0.8, "testAccuracy": ACC, "trainExamplesPerSecond": 100, "evalExamplesPerSecond": 100, "wallSeconds": 1}"#
        let history = Array(repeating: epoch.replacingOccurrences(of: "ACC", with: String(accuracy)), count: epochs).joined(separator: ", ")
        return Data(#"""
            {"model": "\#(model)", "dataset": "fashion-mnist", "parameters": 61706, "inputShape": [1, 28, 28], "seed": 0,
             "trainExamples": 60000, "recipe": \#(recipeJSON), "totalWallSeconds": 10, "commandLine": "\#(command)",
             "date": "\#(date)", "epochs": [\#(history)]}
            """#.utf8)
    }

    @Test func seedsFoldAndRowsStandAgainstTodaysRecipe() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("zoo-summary-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let today = try #require(ModelRegistry.model(named: "lenet")).recipe
        var earlier = today
        earlier.learningRate = 0.3
        let runs: [(String, Recipe, Int, Double, String, String)] = [
            ("a", earlier, today.epochs, 0.70, "/x/zoo run lenet --record r.json", "2026-11-01T00:00:00Z"),
            ("b", today, 1, 0.60, "zoo run lenet --epochs 1", "2026-11-02T00:00:00Z"),
            ("c", today, today.epochs, 0.80, "zoo run lenet --dataset fashion-mnist", "2026-11-03T00:00:00Z"),
            ("d", today, today.epochs, 0.82, "zoo run lenet --seed 1", "2026-11-04T00:00:00Z"),
            // The default's recipe, but asked for by a flag: its own row, leaving the default row as it is.
            ("e", today, today.epochs, 0.90, "zoo run lenet --epochs \(today.epochs) --seed 5", "2026-11-05T00:00:00Z"),
        ]
        for (name, recipe, epochs, accuracy, command, date) in runs {
            try Self.record(recipe, epochs: epochs, accuracy: accuracy, command: command, date: date)
                .write(to: URL(fileURLWithPath: "\(folder)/\(name).json"))
        }
        let rows = try RunComparison.summary(folder: folder, bench: nil).split(separator: "\n").filter { $0.hasPrefix("| lenet ") }
        #expect(rows.count == 4, "\(rows)")
        guard rows.count == 4 else { return }
        #expect(rows[0].contains("| default | 2 | 0.810 (0.800..0.820) |") && rows[0].contains("`zoo run lenet --dataset fashion-mnist`"), "\(rows[0])")
        #expect(rows[1].contains("| earlier default | 1 | 0.700 |") && rows[1].contains("lr 0.3") && rows[1].contains("(an earlier commit)"), "\(rows[1])")
        #expect(rows[2].contains("| 1 | variant | 1 | 0.600 |"), "\(rows[2])")
        #expect(rows[3].contains("| variant | 1 | 0.900 |") && rows[3].contains("--epochs"), "\(rows[3])")
    }

    /// Under the image table, the models whose 10-epoch rows lie further than 0.03 from d2l's figure, with the
    /// registry's note on why or that none is recorded; rows inside the band, and shorter runs, are not listed.
    @Test func rowsOutsideD2LsBandAreExplained() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("zoo-summary-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let lenet = try #require(ModelRegistry.entry(named: "lenet")), resnet = try #require(ModelRegistry.entry(named: "resnet18"))
        let runs: [(String, Recipe, Int, Double, String, String)] = [
            ("lenet", lenet.recipe, 10, 0.80, "zoo run lenet", "lenet-inside"),
            ("lenet", lenet.recipe, 10, 0.70, "zoo run lenet --batch-size 64", "lenet-outside"),
            ("lenet", lenet.recipe, 1, 0.50, "zoo run lenet --epochs 1", "lenet-short"),
            ("resnet18", resnet.recipe, 10, 0.91, "zoo run resnet18", "resnet-outside"),
        ]
        for (i, (model, recipe, epochs, accuracy, command, name)) in runs.enumerated() {
            try Self.record(recipe, epochs: epochs, accuracy: accuracy, command: command, date: "2026-11-0\(i + 1)T00:00:00Z", model: model)
                .write(to: URL(fileURLWithPath: "\(folder)/\(name).json"))
        }
        let summary = try RunComparison.summary(folder: folder, bench: nil), note = try #require(resnet.d2lNote)
        let listed = summary.split(separator: "\n").filter { $0.hasPrefix("- **") }
        #expect(listed.count == 2, "\(listed)")
        #expect(listed.first { $0.hasPrefix("- **lenet**") }.map {
            $0.contains("`zoo run lenet --batch-size 64` 0.700 against d2l's 0.809") && $0.hasSuffix("Not explained yet.") && !$0.contains("--epochs 1")
                && !$0.contains("`zoo run lenet` 0.800")
        } == true, "\(listed)")
        #expect(listed.first { $0.hasPrefix("- **resnet18**") }.map {
            $0.contains("`zoo run resnet18` 0.910 against d2l's 0.865") && $0.contains(note)
        } == true, "\(listed)")
    }

    /// A benchmark report asked for and missing, or not a report, is an error that names it.
    @Test func anUnreadableBenchReportIsNamed() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("zoo-summary-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder + "/runs", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect { try RunComparison.document(folder: folder + "/runs", outputFolder: folder, benchPath: folder + "/none.json") } throws: {
            "\($0)".contains("none.json") && "\($0)".contains("no such file")
        }
        #expect { try RunComparison.document(folder: folder + "/runs", outputFolder: folder, benchPath: folder + "/runs") } throws: {
            "\($0)".contains("cannot be read")
        }
        try Data("{\"x\": 1}".utf8).write(to: URL(fileURLWithPath: folder + "/bad.json"))
        #expect { try RunComparison.document(folder: folder + "/runs", outputFolder: folder, benchPath: folder + "/bad.json") } throws: {
            "\($0)".contains("bad.json") && "\($0)".contains("sgemmSize")
        }
    }
}
