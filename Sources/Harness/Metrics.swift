/// What one epoch of classifier training measured.
public struct EpochMetrics: Codable, Sendable, Equatable {
    public var epoch: Int
    /// Mean cross-entropy over the epoch's training batches (weighted by batch size).
    public var trainLoss: Double
    /// Fraction of training examples classified correctly while training (d2l's running accuracy).
    public var trainAccuracy: Double
    /// Fraction of test examples classified correctly after the epoch, in evaluation mode.
    public var testAccuracy: Double
    /// Training examples per second over the training steps (forward, backward, update).
    public var trainExamplesPerSecond: Double
    /// Test examples per second in evaluation.
    public var evalExamplesPerSecond: Double
    /// Seconds for the whole epoch, training and evaluation.
    public var wallSeconds: Double
}

/// Running sums of loss and correct predictions over batches.
struct ClassificationTally: Codable, Equatable, Sendable {
    private(set) var examples = 0
    private(set) var correct = 0
    private(set) var lossSum = 0.0

    mutating func add(predictions: [Int], labels: [Int], meanLoss: Float? = nil) {
        examples += labels.count
        correct += zip(predictions, labels).filter { $0 == $1 }.count
        if let meanLoss { lossSum += Double(meanLoss) * Double(labels.count) }
    }

    var accuracy: Double { examples == 0 ? 0 : Double(correct) / Double(examples) }
    var meanLoss: Double { examples == 0 ? 0 : lossSum / Double(examples) }
}
