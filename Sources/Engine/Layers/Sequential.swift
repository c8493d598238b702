/// Modules applied one after another; children are named "0", "1", ... as in PyTorch.
public final class Sequential: Module {
    public let layers: [Module]

    public init(_ layers: [Module]) { self.layers = layers }
    public convenience init(_ layers: Module...) { self.init(layers) }

    public override func forward(_ x: Tensor) -> Tensor { layers.reduce(x) { $1($0) } }

    public override var namedChildren: [(String, Module)] {
        layers.enumerated().map { (String($0.offset), $0.element) }
    }
}
