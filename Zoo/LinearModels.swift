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

/// d2l 5.6's MLP with dropout: 784-256-256-10 with ReLU, dropout 0.2 after the first hidden layer and
/// 0.5 after the second (keys 1.*, 4.*, 7.*, as d2l's concise `nn.Sequential`).
public func dropoutPerceptron(inputs: Int = 784, hidden: Int = 256, classes: Int = 10, dropout: (Float, Float) = (0.2, 0.5)) -> Sequential {
    Sequential(Flatten(), Linear(inputs, hidden), ReLU(), Dropout(dropout.0), Linear(hidden, hidden), ReLU(), Dropout(dropout.1),
               Linear(hidden, classes))
}
