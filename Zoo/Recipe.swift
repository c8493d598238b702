import Engine

/// How to train a model: d2l's settings for it unless the user overrides them.
public struct Recipe: Sendable, Equatable, Encodable {
    public enum OptimizerKind: String, Sendable, Codable, CaseIterable { case sgd }

    public var optimizer: OptimizerKind
    public var learningRate: Float
    public var momentum: Float
    public var weightDecay: Float
    public var epochs: Int
    public var batchSize: Int
    /// How Linear/Conv2d weights are re-initialized before training; nil keeps PyTorch's defaults.
    public var initialization: Initializer?

    public init(optimizer: OptimizerKind = .sgd, learningRate: Float, momentum: Float = 0, weightDecay: Float = 0,
                epochs: Int, batchSize: Int, initialization: Initializer?) {
        self.optimizer = optimizer
        self.learningRate = learningRate
        self.momentum = momentum
        self.weightDecay = weightDecay
        self.epochs = epochs
        self.batchSize = batchSize
        self.initialization = initialization
    }

    enum CodingKeys: String, CodingKey {
        case optimizer, learningRate, momentum, weightDecay, epochs, batchSize, initialization
    }

    /// Encodes the initializer by its readable name ("xavier-uniform").
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(optimizer, forKey: .optimizer)
        try container.encode(learningRate, forKey: .learningRate)
        try container.encode(momentum, forKey: .momentum)
        try container.encode(weightDecay, forKey: .weightDecay)
        try container.encode(epochs, forKey: .epochs)
        try container.encode(batchSize, forKey: .batchSize)
        try container.encode(initialization?.description ?? "pytorch-default", forKey: .initialization)
    }
}

extension Recipe: CustomStringConvertible {
    public var description: String {
        var parts = ["\(optimizer.rawValue.uppercased()) lr \(learningRate)"]
        if momentum != 0 { parts.append("momentum \(momentum)") }
        if weightDecay != 0 { parts.append("wd \(weightDecay)") }
        parts.append("batch \(batchSize)")
        parts.append("\(epochs) epochs")
        parts.append("init \(initialization?.description ?? "pytorch-default")")
        return parts.joined(separator: ", ")
    }
}
