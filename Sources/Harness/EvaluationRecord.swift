import Engine
import Foundation

/// The JSON record of `zoo eval --record`: which weights were measured on what, and the result.
public struct EvaluationRecord: Encodable {
    public var model: String
    public var task: TaskKind
    public var weights: String
    public var dataset: String
    /// Held-out examples (language models: tokens) evaluated.
    public var testExamples: Int
    /// The held-out metrics by name (testAccuracy; perplexity and testLoss).
    public var metrics: [String: Double]
    public var evalExamplesPerSecond: Double
    public var commandLine: String
    public var machine: MachineInfo
    public var gitCommit: String?
    public var zooVersion: String
    public var date: String

    init(model: String, task: TaskKind, weights: String, dataset: String, testExamples: Int, metrics: [String: Double],
         seconds: Double) {
        self.model = model
        self.task = task
        self.weights = weights
        self.dataset = dataset
        self.testExamples = testExamples
        self.metrics = metrics
        evalExamplesPerSecond = Double(testExamples) / seconds
        commandLine = CommandLine.arguments.joined(separator: " ")
        machine = .current()
        gitCommit = Harness.gitCommit()
        zooVersion = Harness.zooVersion
        date = ISO8601DateFormatter().string(from: Date())
    }

    /// Writes the record as pretty JSON to `path`, atomically.
    public func write(to path: String) throws {
        try AtomicFile.write(try recordJSON(self), to: path)
    }
}
