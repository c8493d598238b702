import Engine
import Foundation

/// Two-variable functions that optimizers are tried on (the notes' 2D optimization chapter), computed
/// with the engine's operations so that their gradients come from its autograd.
public enum TestFunction: String, CaseIterable, Sendable {
    /// (x² + y - 11)² + (x + y² - 7)²: four minima, all 0.
    case himmelblau
    /// (1 - x)² + 100 (y - x²)²: one minimum, at (1, 1), at the end of a long curved valley.
    case rosenbrock

    /// f(x, y) on scalar tensors.
    public func callAsFunction(_ x: Tensor, _ y: Tensor) -> Tensor {
        switch self {
        case .himmelblau:
            let a = x * x + y - 11, b = x + y * y - 7
            return a * a + b * b
        case .rosenbrock:
            let a = 1 - x, b = y - x * x
            return a * a + 100 * (b * b)
        }
    }

    /// f(x, y) in double precision, for maps and checks.
    public func value(_ x: Double, _ y: Double) -> Double {
        switch self {
        case .himmelblau: (x * x + y - 11) * (x * x + y - 11) + (x + y * y - 7) * (x + y * y - 7)
        case .rosenbrock: (1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x)
        }
    }

    /// Where the minima lie.
    public var minima: [(x: Double, y: Double)] {
        switch self {
        case .himmelblau: [(3, 2), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126)]
        case .rosenbrock: [(1, 1)]
        }
    }

    /// The region a map of the function shows.
    public var region: (x: ClosedRange<Double>, y: ClosedRange<Double>) {
        switch self {
        case .himmelblau: (-6...6, -6...6)
        case .rosenbrock: (-2...2, -1...3)
        }
    }

    /// A descent whose point stopped being finite: too large a learning rate.
    public struct Divergence: Error, CustomStringConvertible {
        public let start: (x: Float, y: Float), step: Int
        public var description: String {
            "from (\(start.x), \(start.y)) the point left the finite numbers at step \(step.formatted()): lower --lr"
        }
    }

    /// Minimizes from `start` with `optimizer` for `steps` steps; returns the path, every point visited, or
    /// throws `Divergence` when a point is no longer finite.
    public func descend(from start: (x: Float, y: Float), steps: Int,
                        optimizer makeOptimizer: ([Tensor]) -> Optimizer) throws -> [(x: Float, y: Float)] {
        let x = Tensor(start.x), y = Tensor(start.y)
        x.requiresGrad = true
        y.requiresGrad = true
        let optimizer = makeOptimizer([x, y])
        var path = [start]
        path.reserveCapacity(steps + 1)
        for step in 1...max(steps, 1) {
            optimizer.zeroGrad()
            self(x, y).backward()
            optimizer.step()
            let point = (x: x.scalars[0], y: y.scalars[0])
            guard point.x.isFinite && point.y.isFinite else { throw Divergence(start: start, step: step) }
            path.append(point)
        }
        return path
    }
}
