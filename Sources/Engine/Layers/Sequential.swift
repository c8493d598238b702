/// Modules applied one after another; children are named "0", "1", ... as in PyTorch.
public final class Sequential: Module {
    public let layers: [Module]

    public init(_ layers: [Module]) { self.layers = layers }
    public convenience init(_ layers: Module...) { self.init(layers) }

    public override func forward(_ x: Tensor) -> Tensor { forward(overwriting: x) }

    override func forward(overwriting x: consuming Tensor) -> Tensor {
        runInOrder(layers, x)
    }

    public override var namedChildren: [(String, Module)] {
        layers.enumerated().map { (String($0.offset), $0.element) }
    }
}

/// Modules applied one after another under names of their own, as PyTorch's `nn.Sequential`
/// built from an `OrderedDict` (torchvision's `features.conv0`, `features.denseblock1`, ...).
public final class NamedSequential: Module {
    public let layers: [(name: String, module: Module)]

    public init(_ layers: [(String, Module)]) { self.layers = layers.map { (name: $0.0, module: $0.1) } }

    public override func forward(_ x: Tensor) -> Tensor { forward(overwriting: x) }

    override func forward(overwriting x: consuming Tensor) -> Tensor {
        runInOrder(layers.lazy.map(\.module), x)
    }

    public override var namedChildren: [(String, Module)] { layers.map { ($0.name, $0.module) } }
}
