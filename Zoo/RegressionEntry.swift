import Engine

/// A regression model of the zoo: d2l's first worked example, linear regression (d2l 3.2-3.3), and its
/// recipe.
public struct RegressionEntry: Sendable {
    public let name: String
    public let summary: String
    public let inputs: Int
    public let recipe: Recipe

    /// A fresh model: one Linear layer from `inputs` features to one output with a zero bias; the recipe's
    /// initialization (d2l 3.3's N(0, 0.01)) then draws the weights.
    public func build() -> Module {
        let model = Linear(inputs, 1)
        model.bias!.data.update(repeating: 0, count: 1)
        return model
    }

    static let all = [
        RegressionEntry(name: "linreg", summary: "linear regression on synthetic data (d2l 3.2-3.3): 2 features, one output",
                        inputs: 2, recipe: Recipe(learningRate: 0.03, epochs: 3, batchSize: 10, initialization: .normal(std: 0.01))),
    ]
}
