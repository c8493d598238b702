/// One recorded operation: where its inputs' gradients go and how to compute them from its output's.
///
/// A node does not hold its inputs or its output, only what its backward closure captured (PyTorch's
/// saved tensors), so an intermediate result that no gradient needs is freed as soon as the forward
/// pass is done with it, and what a node saved is freed as soon as back-propagation has passed it.
final class Node {
    /// Per input: where its gradient goes.
    let edges: [Edge]
    /// The function that recorded it (for the profiler).
    let operation: StaticString
    /// Given the gradient of the output, one gradient per input (nil for inputs that need none); nil
    /// once back-propagation has run it.
    private(set) var backward: ((_ gradient: Tensor) -> [Tensor?])?
    /// The layer shape the profiler adds this node's backward time to (`Profiler.measureLayer`), if any.
    var layer: String?

    init(edges: [Edge], operation: StaticString, backward: @escaping (_ gradient: Tensor) -> [Tensor?]) {
        self.edges = edges
        self.operation = operation
        self.backward = backward
    }

    /// Runs the backward closure and drops it, freeing what it saved.
    func run(_ gradient: Tensor) -> [Tensor?] {
        guard let backward else {
            preconditionFailure("backward() through a graph that was already back-propagated: compute the result again")
        }
        self.backward = nil
        return Profiler.measure("backward \(operation)") { Profiler.measureBackward(of: layer) { backward(gradient) } }
    }
}

/// Where the gradient for one input of a node goes.
enum Edge {
    /// Into the node that computed the input, whose shape it has.
    case node(Node, shape: [Int])
    /// Into the `grad` of a leaf tensor (a parameter or an input that requires a gradient).
    case leaf(Tensor)
    /// Nowhere: the input needs no gradient.
    case none

    init(_ input: Tensor) {
        if !input.requiresGrad {
            self = .none
        } else if let node = input.node {
            self = .node(node, shape: input.shape)
        } else {
            self = .leaf(input)
        }
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

    /// Whether an operation on `inputs` is recorded now: gradients are on and one of them needs one.
    static func records(_ inputs: [Tensor]) -> Bool { isEnabled && inputs.contains { $0.requiresGrad } }
}

/// Runs `body` without recording gradients.
public func withoutGradients<T>(_ body: () throws -> T) rethrows -> T {
    try GradientMode.without(body)
}

extension Tensor {
    /// Attaches `backward` to `self` as its history if gradients are on and any input needs them.
    /// Operations call this on the tensor they just computed. The closure should capture only what
    /// the gradients need (shapes and flags rather than whole input tensors), since that is what stays
    /// in memory until back-propagation reaches it.
    @discardableResult
    func recording(_ inputs: [Tensor], operation: StaticString = #function,
                   backward: @escaping (_ gradient: Tensor) -> [Tensor?]) -> Tensor {
        if GradientMode.records(inputs) {
            requiresGrad = true
            node = Node(edges: inputs.map(Edge.init), operation: operation, backward: backward)
        }
        return self
    }

    /// `recording` for an operation whose gradients need its own output (sigmoid, softmax): the
    /// closure gets the output's values (without its history, so that nothing refers back to the node).
    @discardableResult
    func recordingWithOutput(_ inputs: [Tensor], operation: StaticString = #function,
                             backward: @escaping (_ gradient: Tensor, _ output: Tensor) -> [Tensor?]) -> Tensor {
        let output = Tensor(shape: shape, storage: storage)
        return recording(inputs, operation: operation) { gradient in backward(gradient, output) }
    }

    /// Back-propagates from this scalar: adds d(self)/d(leaf) to `grad` of every leaf that requires it.
    /// For a non-scalar tensor pass the upstream gradient `seed` of the same shape. The graph is
    /// consumed: what it saved is freed on the way, and a second `backward()` through it is an error.
    public func backward(_ seed: Tensor? = nil) {
        precondition(requiresGrad, "backward() on a tensor that does not require gradients")
        precondition(seed != nil || count == 1, "backward() without a seed needs a one-element tensor, got \(shape)")
        let seed = seed ?? Tensor(shape: shape, repeating: 1)
        precondition(seed.shape == shape, "backward() seed of shape \(seed.shape) for a result of shape \(shape)")
        guard let root = node else {
            withoutGradients { grad = grad.map { $0 + seed } ?? seed }
            return
        }
        let order = root.topologicalOrder()
        var gradients: [ObjectIdentifier: Tensor] = [ObjectIdentifier(root): seed]
        var leaves: [ObjectIdentifier: (leaf: Tensor, gradient: Tensor)] = [:]
        withoutGradients {
            for node in order.reversed() {
                guard let gradient = gradients.removeValue(forKey: ObjectIdentifier(node)) else { continue }
                for (edge, inputGradient) in zip(node.edges, node.run(gradient)) {
                    guard let inputGradient else { continue }
                    switch edge {
                    case .none:
                        continue
                    case .node(let input, let shape):
                        precondition(inputGradient.shape == shape, "gradient shape \(inputGradient.shape) != input shape \(shape)")
                        let key = ObjectIdentifier(input)
                        gradients[key] = gradients[key].map { $0 + inputGradient } ?? inputGradient
                    case .leaf(let leaf):
                        precondition(inputGradient.shape == leaf.shape, "gradient shape \(inputGradient.shape) != input shape \(leaf.shape)")
                        let key = ObjectIdentifier(leaf)
                        leaves[key] = (leaf, leaves[key].map { $0.gradient + inputGradient } ?? inputGradient)
                    }
                }
            }
            for (leaf, gradient) in leaves.values { leaf.grad = leaf.grad.map { $0 + gradient } ?? gradient }
        }
    }
}

extension Node {
    /// Every node this one depends on, inputs before the nodes that use them.
    fileprivate func topologicalOrder() -> [Node] {
        var order: [Node] = []
        var visited = Set<ObjectIdentifier>()
        var stack: [(Node, Bool)] = [(self, false)]
        while let (node, expanded) = stack.popLast() {
            if expanded { order.append(node); continue }
            guard visited.insert(ObjectIdentifier(node)).inserted else { continue }
            stack.append((node, true))
            for case .node(let input, _) in node.edges where !visited.contains(ObjectIdentifier(input)) {
                stack.append((input, false))
            }
        }
        return order
    }
}
