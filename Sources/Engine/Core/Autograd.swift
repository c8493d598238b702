/// One recorded operation: its inputs and how to turn the output's gradient into theirs.
final class Node {
    let inputs: [Tensor]
    /// The function that recorded it (for the profiler).
    let operation: StaticString
    /// Given the gradient of the output (and the output itself), returns one gradient per input,
    /// nil for inputs that do not require one.
    let backward: (_ gradient: Tensor, _ output: Tensor) -> [Tensor?]

    init(inputs: [Tensor], operation: StaticString, backward: @escaping (_ gradient: Tensor, _ output: Tensor) -> [Tensor?]) {
        self.inputs = inputs
        self.operation = operation
        self.backward = backward
    }
}

/// Whether operations record the graph needed for `backward()`. The mode is task-local, so
/// concurrent evaluations (or tests) never switch each other's recording off.
public enum GradientMode {
    @TaskLocal public static var isEnabled = true

    /// Runs `body` without recording gradients (evaluation, optimizer updates), then restores the mode.
    public static func without<T>(_ body: () throws -> T) rethrows -> T {
        try $isEnabled.withValue(false) { try body() }
    }
}

/// Runs `body` without recording gradients.
public func withoutGradients<T>(_ body: () throws -> T) rethrows -> T {
    try GradientMode.without(body)
}

extension Tensor {
    /// Attaches `backward` to `self` as its history if gradients are on and any input needs them.
    /// Operations call this on the tensor they just computed.
    @discardableResult
    func recording(_ inputs: [Tensor], operation: StaticString = #function,
                   backward: @escaping (_ gradient: Tensor, _ output: Tensor) -> [Tensor?]) -> Tensor {
        if GradientMode.isEnabled, inputs.contains(where: { $0.requiresGrad }) {
            requiresGrad = true
            node = Node(inputs: inputs, operation: operation, backward: backward)
        }
        return self
    }

    /// Back-propagates from this scalar: adds d(self)/d(leaf) to `grad` of every leaf that requires it.
    /// For a non-scalar tensor pass the upstream gradient `seed` of the same shape.
    public func backward(_ seed: Tensor? = nil) {
        precondition(requiresGrad, "backward() on a tensor that does not require gradients")
        precondition(seed != nil || count == 1, "backward() without a seed needs a one-element tensor, got \(shape)")
        let order = topologicalOrder()
        var gradients: [ObjectIdentifier: Tensor] = [ObjectIdentifier(self): seed ?? Tensor(shape: shape, repeating: 1)]
        withoutGradients {
            for tensor in order.reversed() {
                guard let gradient = gradients.removeValue(forKey: ObjectIdentifier(tensor)) else { continue }
                guard let node = tensor.node else {
                    tensor.grad = tensor.grad.map { $0 + gradient } ?? gradient
                    continue
                }
                let inputGradients = Profiler.measure("backward \(node.operation)") { node.backward(gradient, tensor) }
                for (input, inputGradient) in zip(node.inputs, inputGradients) {
                    guard input.requiresGrad, let inputGradient else { continue }
                    precondition(inputGradient.shape == input.shape,
                                 "gradient shape \(inputGradient.shape) != input shape \(input.shape)")
                    let key = ObjectIdentifier(input)
                    gradients[key] = gradients[key].map { $0 + inputGradient } ?? inputGradient
                }
            }
        }
    }

    /// Every tensor this one depends on through recorded nodes, inputs before the results that use them.
    private func topologicalOrder() -> [Tensor] {
        var order: [Tensor] = []
        var visited = Set<ObjectIdentifier>()
        var stack: [(Tensor, Bool)] = [(self, false)]
        while let (tensor, expanded) = stack.popLast() {
            if expanded { order.append(tensor); continue }
            guard visited.insert(ObjectIdentifier(tensor)).inserted else { continue }
            stack.append((tensor, true))
            for input in tensor.node?.inputs ?? [] where input.requiresGrad && !visited.contains(ObjectIdentifier(input)) {
                stack.append((input, false))
            }
        }
        return order
    }
}
