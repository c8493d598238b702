/// Layers without parameters: activations, pooling, flatten.

public final class ReLU: Module {
    public override init() {}
    public override func forward(_ x: Tensor) -> Tensor { relu(x) }
}

public final class Sigmoid: Module {
    public override init() {}
    public override func forward(_ x: Tensor) -> Tensor { sigmoid(x) }
}

public final class Tanh: Module {
    public override init() {}
    public override func forward(_ x: Tensor) -> Tensor { tanh(x) }
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
