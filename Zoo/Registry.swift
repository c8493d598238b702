import Engine

/// A model the zoo can build, with the facts needed to train and check it.
public struct ModelEntry: Sendable {
    public let name: String
    public let summary: String
    /// The input one example has: [channels, height, width].
    public let inputShape: [Int]
    /// Trainable parameters of the reference definition (d2l / PyTorch), checked by the tests.
    public let parameterCount: Int
    /// d2l's recipe for this model on Fashion-MNIST.
    public let recipe: Recipe
    let builder: @Sendable (_ classes: Int) -> Module

    /// A freshly initialized model for `classes` classes (the recipe's initializer is applied by the trainer).
    public func build(classes: Int = 10) -> Module { builder(classes) }
}

/// Every model in the zoo, by name.
public enum ModelRegistry {
    public static let all: [ModelEntry] = [
        ModelEntry(name: "softmax", summary: "softmax regression, 784-10 (d2l 4.5)",
                   inputShape: [1, 28, 28], parameterCount: 7_850,
                   recipe: Recipe(learningRate: 0.1, epochs: 10, batchSize: 256, initialization: .normal(std: 0.01)),
                   builder: { softmaxRegression(classes: $0) }),
        ModelEntry(name: "mlp", summary: "multilayer perceptron, 784-256-10 ReLU (d2l 5.2)",
                   inputShape: [1, 28, 28], parameterCount: 203_530,
                   recipe: Recipe(learningRate: 0.1, epochs: 10, batchSize: 256, initialization: .normal(std: 0.01)),
                   builder: { multilayerPerceptron(classes: $0) }),
        ModelEntry(name: "lenet", summary: "LeNet-5, sigmoid + average pooling (d2l 7.6)",
                   inputShape: [1, 28, 28], parameterCount: 61_706,
                   recipe: Recipe(learningRate: 0.9, epochs: 10, batchSize: 256, initialization: .xavierUniform()),
                   builder: { leNet(classes: $0) }),
    ]

    /// The entry called `name` (case-insensitive), or nil.
    public static func entry(named name: String) -> ModelEntry? {
        all.first { $0.name == name.lowercased() }
    }

    public static var names: [String] { all.map(\.name) }
}
