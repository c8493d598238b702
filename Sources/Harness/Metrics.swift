/// What one training epoch measured. The held-out metrics depend on the task and are kept by name
/// (`testAccuracy` for classifiers, `perplexity` and `testLoss` for language models), written as
/// top-level keys of the record beside the fixed ones, so a new metric needs no new field.
public struct EpochMetrics: Codable, Sendable, Equatable {
    public var epoch: Int
    /// Mean cross-entropy over the epoch's training batches (weighted by examples or tokens).
    public var trainLoss: Double
    /// Fraction of training examples (or next tokens) predicted correctly while training (d2l's running accuracy).
    public var trainAccuracy: Double
    /// Training examples (language models: tokens) per second over the training steps (forward, backward, update).
    public var trainExamplesPerSecond: Double
    /// Held-out examples (or tokens) per second in evaluation.
    public var evalExamplesPerSecond: Double
    /// Seconds for the whole epoch, training and evaluation.
    public var wallSeconds: Double
    /// Held-out metrics after the epoch, in evaluation mode, by name.
    public var heldOut: [String: Double]

    public init(epoch: Int, trainLoss: Double, trainAccuracy: Double, heldOut: [String: Double],
                trainExamplesPerSecond: Double, evalExamplesPerSecond: Double, wallSeconds: Double) {
        self.epoch = epoch
        self.trainLoss = trainLoss
        self.trainAccuracy = trainAccuracy
        self.heldOut = heldOut
        self.trainExamplesPerSecond = trainExamplesPerSecond
        self.evalExamplesPerSecond = evalExamplesPerSecond
        self.wallSeconds = wallSeconds
    }

    /// A classifier's epoch.
    public init(epoch: Int, trainLoss: Double, trainAccuracy: Double, testAccuracy: Double,
                trainExamplesPerSecond: Double, evalExamplesPerSecond: Double, wallSeconds: Double) {
        self.init(epoch: epoch, trainLoss: trainLoss, trainAccuracy: trainAccuracy, heldOut: ["testAccuracy": testAccuracy],
                  trainExamplesPerSecond: trainExamplesPerSecond, evalExamplesPerSecond: evalExamplesPerSecond, wallSeconds: wallSeconds)
    }

    /// Fraction of test examples classified correctly after the epoch (0 for tasks without it).
    public var testAccuracy: Double { heldOut["testAccuracy"] ?? 0 }
    /// Held-out perplexity (language models).
    public var perplexity: Double? { heldOut["perplexity"] }

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
    private static let fixedKeys = ["epoch", "trainLoss", "trainAccuracy", "trainExamplesPerSecond", "evalExamplesPerSecond", "wallSeconds"]

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        epoch = try c.decode(Int.self, forKey: Key("epoch"))
        trainLoss = try c.decode(Double.self, forKey: Key("trainLoss"))
        trainAccuracy = try c.decode(Double.self, forKey: Key("trainAccuracy"))
        trainExamplesPerSecond = try c.decode(Double.self, forKey: Key("trainExamplesPerSecond"))
        evalExamplesPerSecond = try c.decode(Double.self, forKey: Key("evalExamplesPerSecond"))
        wallSeconds = try c.decode(Double.self, forKey: Key("wallSeconds"))
        heldOut = [:]
        for key in c.allKeys where !Self.fixedKeys.contains(key.stringValue) {
            heldOut[key.stringValue] = try c.decode(Double.self, forKey: key)
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(epoch, forKey: Key("epoch"))
        try c.encode(trainLoss, forKey: Key("trainLoss"))
        try c.encode(trainAccuracy, forKey: Key("trainAccuracy"))
        try c.encode(trainExamplesPerSecond, forKey: Key("trainExamplesPerSecond"))
        try c.encode(evalExamplesPerSecond, forKey: Key("evalExamplesPerSecond"))
        try c.encode(wallSeconds, forKey: Key("wallSeconds"))
        for (name, value) in heldOut where !Self.fixedKeys.contains(name) { try c.encode(value, forKey: Key(name)) }
    }
}

/// Running sums of loss and correct predictions over batches; language models count tokens as examples.
public struct TrainingTally: Codable, Equatable, Sendable {
    public private(set) var examples = 0
    public private(set) var correct = 0
    public private(set) var lossSum = 0.0

    public init() {}

    init(examples: Int, correct: Int, lossSum: Double) { (self.examples, self.correct, self.lossSum) = (examples, correct, lossSum) }

    /// Adds another tally's examples, correct predictions and losses.
    mutating func add(_ other: TrainingTally) {
        examples += other.examples
        correct += other.correct
        lossSum += other.lossSum
    }

    public mutating func add(predictions: [Int], labels: [Int], meanLoss: Float? = nil) {
        examples += labels.count
        correct += zip(predictions, labels).filter { $0 == $1 }.count
        if let meanLoss { lossSum += Double(meanLoss) * Double(labels.count) }
    }

    public var accuracy: Double { examples == 0 ? 0 : Double(correct) / Double(examples) }
    public var meanLoss: Double { examples == 0 ? 0 : lossSum / Double(examples) }
}
