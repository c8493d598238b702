/// A layer with a weight whose initialization can be chosen (Linear, Conv2d): what `init_cnn`-style
/// schemes act on.
public protocol WeightedLayer: Module {
    var weight: Tensor { get }
    var bias: Tensor? { get }
}

extension WeightedLayer {
    /// PyTorch's default: weight kaiming_uniform(a: sqrt 5) = U(+-1/sqrt(fanIn)), bias U(+-1/sqrt(fanIn)).
    func resetToPyTorchDefaults() {
        let bound = 1 / Float(Initializer.fans(weight.shape).0).squareRoot()
        Initializer.uniform(low: -bound, high: bound).fill(weight)
        if let bias { Initializer.uniform(low: -bound, high: bound).fill(bias) }
    }
}

extension Module {
    /// Re-initializes the weights of every Linear and Conv2d in the tree with `initializer`; biases
    /// keep their values (d2l's `init_cnn` / `init_weights`).
    public func initializeWeights(_ initializer: Initializer, zeroBiases: Bool = false) {
        for case let layer as WeightedLayer in modules {
            initializer.fill(layer.weight)
            if zeroBiases, let bias = layer.bias { bias.data.update(repeating: 0, count: bias.count) }
        }
    }
}

/// y = x W^T + b, with weight [out, in] as PyTorch's `nn.Linear`.
public final class Linear: Module, WeightedLayer {
    public let weight: Tensor
    public let bias: Tensor?

    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true) {
        weight = parameter([outFeatures, inFeatures])
        self.bias = bias ? parameter([outFeatures]) : nil
        super.init()
        resetToPyTorchDefaults()
    }

    public override func forward(_ x: Tensor) -> Tensor { linear(x, weight: weight, bias: bias) }
}
