import Foundation

/// Ways to fill a weight tensor, with PyTorch's `nn.init` semantics.
public enum Initializer: Sendable, Equatable {
    case normal(mean: Float = 0, std: Float)
    case uniform(low: Float, high: Float)
    case constant(Float)
    /// U(-a, a) with a = gain * sqrt(6 / (fanIn + fanOut)).
    case xavierUniform(gain: Float = 1)
    /// N(0, gain^2 * 2 / (fanIn + fanOut)).
    case xavierNormal(gain: Float = 1)
    /// U(-b, b) with b = sqrt(6 / ((1 + a^2) fanIn)) (leaky-ReLU slope a; 0 for ReLU).
    case kaimingUniform(a: Float = 0)
    /// N(0, 2 / ((1 + a^2) fanIn)).
    case kaimingNormal(a: Float = 0)

    /// Fills `tensor` in place; `fanIn`/`fanOut` are computed from its shape as PyTorch does
    /// ([out, in, kh, kw] or [out, in]).
    public func fill(_ tensor: Tensor, using generator: inout RandomGenerator) {
        let (fanIn, fanOut) = Initializer.fans(tensor.shape)
        let data = tensor.data
        func uniform(_ low: Float, _ high: Float) {
            for i in 0..<tensor.count { data[i] = low + (high - low) * generator.nextUniform() }
        }
        func normal(_ mean: Float, _ std: Float) {
            for i in 0..<tensor.count { data[i] = mean + std * generator.nextNormal() }
        }
        switch self {
        case let .normal(mean, std): normal(mean, std)
        case let .uniform(low, high): uniform(low, high)
        case let .constant(value): data.update(repeating: value, count: tensor.count)
        case let .xavierUniform(gain):
            let a = gain * (6 / Float(fanIn + fanOut)).squareRoot()
            uniform(-a, a)
        case let .xavierNormal(gain): normal(0, gain * (2 / Float(fanIn + fanOut)).squareRoot())
        case let .kaimingUniform(a):
            let bound = (6 / ((1 + a * a) * Float(fanIn))).squareRoot()
            uniform(-bound, bound)
        case let .kaimingNormal(a): normal(0, (2 / ((1 + a * a) * Float(fanIn))).squareRoot())
        }
    }

    /// Fills `tensor` from the global generator.
    public func fill(_ tensor: Tensor) { fill(tensor, using: &Random.global) }

    /// (fan in, fan out) of a weight shape: [out, in, receptive...].
    public static func fans(_ shape: [Int]) -> (Int, Int) {
        guard shape.count >= 2 else { return (max(shape.first ?? 1, 1), max(shape.first ?? 1, 1)) }
        let receptive = shape.dropFirst(2).reduce(1, *)
        return (shape[1] * receptive, shape[0] * receptive)
    }
}

extension Initializer: CustomStringConvertible {
    public var description: String {
        switch self {
        case let .normal(mean, std): "normal(\(mean.formatted()), \(std.formatted()))"
        case let .uniform(low, high): "uniform(\(low), \(high))"
        case let .constant(value): "constant(\(value))"
        case let .xavierUniform(gain): gain == 1 ? "xavier-uniform" : "xavier-uniform(gain: \(gain))"
        case let .xavierNormal(gain): gain == 1 ? "xavier-normal" : "xavier-normal(gain: \(gain))"
        case let .kaimingUniform(a): a == 0 ? "kaiming-uniform" : "kaiming-uniform(a: \(a))"
        case let .kaimingNormal(a): a == 0 ? "kaiming-normal" : "kaiming-normal(a: \(a))"
        }
    }
}
