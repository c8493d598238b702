import Engine

/// Softmax regression: one linear layer from the flattened image to the class scores
/// (d2l's concise version; keys 1.weight, 1.bias).
public func softmaxRegression(inputs: Int = 784, classes: Int = 10) -> Sequential {
    Sequential(Flatten(), Linear(inputs, classes))
}

/// The multilayer perceptron of d2l chapter 5: 784-256-10 with ReLU (keys 1.*, 3.*).
public func multilayerPerceptron(inputs: Int = 784, hidden: Int = 256, classes: Int = 10) -> Sequential {
    Sequential(Flatten(), Linear(inputs, hidden), ReLU(), Linear(hidden, classes))
}
