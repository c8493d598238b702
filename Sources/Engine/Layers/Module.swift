/// A layer or a model: a function of a tensor with named parameters.
///
/// Children are found by reflection over stored properties (a `Module`, an array of modules, a `Tensor`
/// or an optional `Tensor`), so parameter names follow the object tree the way PyTorch's state_dict
/// keys do: `features.0.weight`, `fc.bias`. Tensors that require gradients are parameters; the others
/// are buffers (running statistics).
open class Module {
    /// Training or evaluation mode; set it for a whole tree with `train()` / `eval()`.
    public private(set) var isTraining = true

    public init() {}

    /// The computation; subclasses override it.
    open func forward(_ x: Tensor) -> Tensor {
        preconditionFailure("\(type(of: self)) does not implement forward(_:)")
    }

    /// `forward` of an `x` the caller hands over, which the engine's layers whose operations can write over their
    /// input (ReLU, batch norm, `Sequential`) override, so that an evaluation pass reuses its temporaries. Internal on
    /// purpose: Swift 6.3 leaks the argument of a `consuming` method overridden without `consuming`.
    func forward(overwriting x: consuming Tensor) -> Tensor { forward(x) }

    /// Runs `forward`, handing `x` over when the caller no longer needs it.
    public func callAsFunction(_ x: consuming Tensor) -> Tensor {
        guard Profiler.isEnabled, namedChildren.isEmpty else { return forward(overwriting: x) }
        let input = copy x  // a closure cannot take over a parameter
        return Profiler.measure("forward \(type(of: self))") { forward(input) }
    }

    /// Direct sub-modules with their names; `Sequential` names them by index.
    open var namedChildren: [(String, Module)] {
        var result: [(String, Module)] = []
        for child in Mirror(reflecting: self).allChildren {
            guard let label = child.label else { continue }
            if let module = child.value as? Module {
                result.append((label, module))
            } else if let modules = child.value as? [Module] {
                result += modules.enumerated().map { ("\(label).\($0.offset)", $0.element) }
            }
        }
        return result
    }

    /// This module's own tensors (not its children's), parameters and buffers, with their names.
    open var namedTensors: [(String, Tensor)] {
        Mirror(reflecting: self).allChildren.compactMap { child in
            guard let label = child.label else { return nil }
            if let tensor = child.value as? Tensor { return (label, tensor) }
            if case let tensor?? = child.value as? Tensor? { return (label, tensor) }
            return nil
        }
    }

    /// Every tensor of the tree with its dotted path, in definition order: PyTorch's state_dict keys.
    public func stateDictionary(prefix: String = "") -> [(String, Tensor)] {
        namedTensors.map { (prefix + $0.0, $0.1) }
            + namedChildren.flatMap { $0.1.stateDictionary(prefix: prefix + $0.0 + ".") }
    }

    /// Trainable tensors with their dotted paths.
    public func namedParameters() -> [(String, Tensor)] { stateDictionary().filter { $0.1.requiresGrad } }

    /// Trainable tensors.
    public var parameters: [Tensor] { namedParameters().map(\.1) }

    /// The number of trainable scalars.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }

    /// This module and all its descendants, parents first.
    public var modules: [Module] { [self] + namedChildren.flatMap { $0.1.modules } }

    /// Whether the tree normalizes by batch statistics in training (a batch of one example cannot be).
    public var hasBatchNorm: Bool { modules.contains { $0 is BatchNorm } }

    /// Puts the whole tree in training mode (dropout active, batch statistics).
    public func train() { modules.forEach { $0.isTraining = true } }

    /// Puts the whole tree in evaluation mode.
    public func eval() { modules.forEach { $0.isTraining = false } }

    /// Runs `body` with the tree in evaluation mode and without recording gradients, then puts back the
    /// mode it had (so evaluations may nest: a beam search that runs a greedy search inside).
    public func evaluating<T>(_ body: () throws -> T) rethrows -> T {
        let wasTraining = isTraining
        eval()
        defer { if wasTraining { train() } }
        return try withoutGradients(body)
    }
}

extension Mirror {
    /// Children of this mirror and of its superclass mirrors, superclass first.
    var allChildren: [Mirror.Child] {
        (superclassMirror?.allChildren ?? []) + Array(children)
    }
}

/// Makes a parameter: a fresh tensor that requires gradients.
func parameter(_ shape: [Int]) -> Tensor {
    let tensor = Tensor.zeros(shape)
    tensor.requiresGrad = true
    return tensor
}
