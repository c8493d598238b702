/// A table of `count` learned vectors of `features` each, as PyTorch's `nn.Embedding` (key `weight`,
/// initialised N(0, 1) as PyTorch does).
public final class Embedding: Module {
    public let weight: Tensor

    public init(_ count: Int, _ features: Int) {
        weight = parameter([count, features])
        super.init()
        Initializer.normal(std: 1).fill(weight)
    }

    /// The vectors of `indices`, shaped `shape + [features]`.
    public func callAsFunction(_ indices: [Int32], shape: [Int]) -> Tensor { embedding(weight, indices: indices, shape: shape) }
}
