/// What a run's model does, and so how its progress and results read.
public enum TaskKind: String, Codable, Sendable {
    case classification
    case languageModel = "language-model"

    /// What the throughput counts.
    var unit: String {
        switch self {
        case .classification: "ex/s"
        case .languageModel: "tok/s"
        }
    }

    /// The running training metric: accuracy, or perplexity from the mean loss.
    func trainingMetric(loss: Double, accuracy: Double) -> String {
        switch self {
        case .classification: "train acc \(fixed(accuracy, 3))"
        case .languageModel: "train ppl \(fixed(perplexity(loss), 2))"
        }
    }

    /// The held-out metric after an epoch.
    func heldOutMetric(_ metrics: EpochMetrics) -> String {
        switch self {
        case .classification: "test acc \(fixed(metrics.testAccuracy, 3))"
        case .languageModel: "held-out ppl \(fixed(metrics.perplexity ?? .nan, 2))"
        }
    }
}
