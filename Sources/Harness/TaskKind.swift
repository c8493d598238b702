/// What a run's model does, and so how its progress and results read.
public enum TaskKind: String, Codable, Sendable {
    case classification
    case languageModel = "language-model"
    case translation
    case regression

    /// The heading of the task's table in Results/README.md.
    var title: String {
        switch self {
        case .classification: "Image classification (Fashion-MNIST)"
        case .languageModel: "Language models (The Time Machine)"
        case .translation: "Translation (English to French)"
        case .regression: "Linear regression (synthetic data)"
        }
    }

    /// What the throughput counts.
    var unit: String {
        switch self {
        case .classification, .regression: "ex/s"
        case .languageModel, .translation: "tok/s"
        }
    }

    /// The running training loss and metric: accuracy, or perplexity from the mean loss; a regression's
    /// small losses in three significant digits.
    func trainingMetric(loss: Double, accuracy: Double) -> String {
        switch self {
        case .classification, .translation: "loss \(fixed(loss, 3))  train acc \(fixed(accuracy, 3))"
        case .languageModel: "loss \(fixed(loss, 3))  train ppl \(fixed(perplexity(loss), 2))"
        case .regression: "loss \(String(format: "%.3g", loss))"
        }
    }

    /// The held-out metric after an epoch.
    func heldOutMetric(_ metrics: EpochMetrics) -> String {
        switch self {
        case .classification: "test acc \(fixed(metrics.testAccuracy, 3))"
        case .languageModel: "held-out ppl \(fixed(metrics.perplexity ?? .nan, 2))"
        case .regression: "held-out loss \(String(format: "%.3g", metrics.heldOut["testLoss"] ?? .nan))"
        case .translation: "held-out loss \(fixed(metrics.heldOut["testLoss"] ?? .nan, 3))  BLEU \(fixed(metrics.heldOut["bleu"] ?? .nan, 2))"
        }
    }
}
