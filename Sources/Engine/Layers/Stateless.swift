/// Layers without parameters: activations, pooling, flatten.

public final class ReLU: Module {
    public override init() {}
    public override func forward(_ x: Tensor) -> Tensor { relu(x) }
    override func forward(overwriting x: consuming Tensor) -> Tensor { relu(x) }
}

public final class Sigmoid: Module {
    public override init() {}
    public override func forward(_ x: Tensor) -> Tensor { sigmoid(x) }
    override func forward(overwriting x: consuming Tensor) -> Tensor { sigmoid(x) }
}

public final class Tanh: Module {
    public override init() {}
    public override func forward(_ x: Tensor) -> Tensor { tanh(x) }
    override func forward(overwriting x: consuming Tensor) -> Tensor { tanh(x) }
}

/// [N, ...] -> [N, rest].
public final class Flatten: Module {
    public override init() {}
    public override func forward(_ x: Tensor) -> Tensor { x.flattened() }
}

public final class MaxPool2d: Module {
    public let kernel: Int, stride: Int, padding: Int
    public init(_ kernel: Int, stride: Int? = nil, padding: Int = 0) {
        self.kernel = kernel; self.stride = stride ?? kernel; self.padding = padding
    }
    public override func forward(_ x: Tensor) -> Tensor { maxPool2d(x, kernel: kernel, stride: stride, padding: padding) }
}

public final class AvgPool2d: Module {
    public let kernel: Int, stride: Int, padding: Int
    public init(_ kernel: Int, stride: Int? = nil, padding: Int = 0) {
        self.kernel = kernel; self.stride = stride ?? kernel; self.padding = padding
    }
    public override func forward(_ x: Tensor) -> Tensor { avgPool2d(x, kernel: kernel, stride: stride, padding: padding) }
}

/// Averages each channel down to `outputSize` (1x1: global average pooling).
public final class AdaptiveAvgPool2d: Module {
    public let outputSize: (height: Int, width: Int)
    public init(_ outputSize: (height: Int, width: Int) = (1, 1)) { self.outputSize = outputSize }
    public override func forward(_ x: Tensor) -> Tensor { adaptiveAvgPool2d(x, outputSize: outputSize) }
}

/// Inverted dropout in training, the identity in evaluation; masks come from the global generator.
public final class Dropout: Module {
    public let probability: Float
    public init(_ probability: Float = 0.5) {
        precondition(probability >= 0 && probability < 1, "dropout probability must be in [0, 1)")
        self.probability = probability
    }
    public override func forward(_ x: Tensor) -> Tensor {
        isTraining && probability > 0 ? dropout(x, probability: probability) : x
    }
}
