/// What a run's model does, and so how its progress and results read.
public enum TaskKind: String, Codable, Sendable {
    case classification
    case languageModel = "language-model"
    case translation

    /// The heading of the task's table in Results/README.md.
    var title: String {
        switch self {
        case .classification: "Image classification (Fashion-MNIST)"
        case .languageModel: "Language models (The Time Machine)"
        case .translation: "Translation (English to French)"
        }
    }

    /// What the throughput counts.
    var unit: String {
        switch self {
        case .classification: "ex/s"
        case .languageModel, .translation: "tok/s"
        }
    }

    /// The running training metric: accuracy, or perplexity from the mean loss.
    func trainingMetric(loss: Double, accuracy: Double) -> String {
        switch self {
        case .classification, .translation: "train acc \(fixed(accuracy, 3))"
        case .languageModel: "train ppl \(fixed(perplexity(loss), 2))"
        }
    }

    /// The held-out metric after an epoch.
    func heldOutMetric(_ metrics: EpochMetrics) -> String {
        switch self {
        case .classification: "test acc \(fixed(metrics.testAccuracy, 3))"
        case .languageModel: "held-out ppl \(fixed(metrics.perplexity ?? .nan, 2))"
        case .translation: "held-out loss \(fixed(metrics.heldOut["testLoss"] ?? .nan, 3))  BLEU \(fixed(metrics.heldOut["bleu"] ?? .nan, 2))"
        }
    }
}
