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
    /// Re-initializes the weights of every Linear, Conv2d and recurrent layer in the tree with
    /// `initializer` (W_ih and W_hh of a recurrent layer each as one matrix, as `nn.init` sees them);
    /// biases keep their values (d2l's `init_cnn`, `init_weights`, `init_seq2seq`).
    public func initializeWeights(_ initializer: Initializer, zeroBiases: Bool = false) {
        for module in modules {
            let weights: [Tensor], biases: [Tensor]
            if let layer = module as? WeightedLayer {
                (weights, biases) = ([layer.weight], layer.bias.map { [$0] } ?? [])
            } else if let layer = module as? RecurrentLayer {
                (weights, biases) = (layer.weights.flatMap { $0.prefix(2) }, layer.weights.flatMap { $0.suffix(2) })
            } else {
                continue
            }
            weights.forEach { initializer.fill($0) }
            if zeroBiases { biases.forEach { $0.data.update(repeating: 0, count: $0.count) } }
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

extension Linear {
    /// `self(pool(x).flattened())`, with the pooling folded into the weight where that saves work (`pooledLinear`).
    public func callAsFunction(_ x: Tensor, pooledBy pool: AdaptiveAvgPool2d) -> Tensor {
        Profiler.measure("forward Linear") { pooledLinear(x, pooledTo: pool.outputSize, weight: weight, bias: bias) }
    }
}
