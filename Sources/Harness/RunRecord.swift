import Engine
import Foundation
import Zoo

/// The JSON record of one training run: what was run, how, where, and what it measured.
public struct RunRecord: Encodable {
    public var model: String
    /// What the model does (records from before language models have none: classification).
    public var task: TaskKind?
    public var dataset: String
    public var parameters: Int
    public var recipe: Recipe
    /// Image classifiers: the [channels, height, width] of the images the model trained on (after any resize).
    public var inputShape: [Int]?
    public var seed: UInt64
    public var trainExamples: Int
    public var testExamples: Int
    public var epochs: [EpochMetrics]
    /// The final metrics: the last epoch's, or with early stopping the best epoch's (whose weights the
    /// model keeps).
    public var final: EpochMetrics?
    /// With `--early-stop`: the patience, the epoch whose weights were kept, and the last epoch trained.
    public var earlyStopping: EarlyStopping? = nil
    /// With `zoo distill`: the teacher, its weights, and the loss's temperature and weight.
    public var distillation: DistillationRecord? = nil
    /// Seconds from start to the record; a resumed run adds its finished epochs' wall times.
    public var totalWallSeconds: Double
    public var commandLine: String
    public var machine: MachineInfo
    public var gitCommit: String?
    public var zooVersion: String
    public var date: String

    /// Data-parallel runs: how many processes trained together, and the host each ran on (by rank).
    public var distributed: DistributedRecord? = nil

    public struct DistributedRecord: Encodable {
        public let processes: Int, hosts: [String]
        /// Process 0's mean time per step in the gradients' allreduce (waiting for the slowest process included).
        public let allreduceSecondsPerStep: Double?
    }

    public struct DistillationRecord: Encodable {
        public let teacher: String, teacherWeights: String, temperature: Float, alpha: Float
    }

    public struct EarlyStopping: Encodable {
        public let patience: Int, bestEpoch: Int, lastEpoch: Int
    }

    /// Writes the record as pretty JSON to `path` atomically, creating the folder if needed, and returns
    /// the path written: unless `replacing`, a taken name becomes `NAME-2.json`, `NAME-3.json`, ...
    @discardableResult
    public func write(to path: String, replacing: Bool = true) throws -> String {
        let json = try recordJSON(self)
        guard replacing else { return try AtomicFile.writeNew(json, to: path) }
        try AtomicFile.write(json, to: path)
        return path
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

/// `value` as the records' JSON: pretty, keys sorted, slashes as they are.
func recordJSON<T: Encodable>(_ value: T) throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return try encoder.encode(value)
}

/// The version this build of Zoo reports.
public let zooVersion = "0.1.0"
