import Foundation
import Zoo

/// The JSON record of one training run: what was run, how, where, and what it measured.
public struct RunRecord: Encodable {
    public var model: String
    public var dataset: String
    public var parameters: Int
    public var recipe: Recipe
    /// The [channels, height, width] of the images the model trained on (after any resize).
    public var inputShape: [Int]?
    public var seed: UInt64
    public var trainExamples: Int
    public var testExamples: Int
    public var epochs: [EpochMetrics]
    public var final: EpochMetrics?
    /// Seconds from start to the record; a resumed run adds its finished epochs' wall times.
    public var totalWallSeconds: Double
    public var commandLine: String
    public var machine: MachineInfo
    public var gitCommit: String?
    public var zooVersion: String
    public var date: String

    /// Writes the record as pretty JSON to `path` atomically (temporary file, then rename),
    /// creating the folder if needed.
    public func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try encoder.encode(self).write(to: url, options: .atomic)
    }

    /// Results/runs/<model>-<dataset>-<UTC time>.json under `root`.
    public static func defaultPath(model: String, dataset: String, root: String = "Results/runs", date: Date = Date()) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        return "\(root)/\(model)-\(dataset)-\(formatter.string(from: date)).json"
    }
}

/// The version this build of Zoo reports.
public let zooVersion = "0.1.0"
