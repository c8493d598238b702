import Engine

/// d2l's synthetic regression data (3.3, `SyntheticRegressionData` in v1.0): features x ~ N(0, 1) and
/// targets y = x w + b + noise with noise ~ N(0, noise²), the training examples first, then as many held
/// out, drawn from a seed.
public struct SyntheticLinear: Sendable {
    /// The truth: w = [2, -3.4], b = 4.2, as d2l's.
    public static let weights: [Float] = [2, -3.4], bias: Float = 4.2, noise: Float = 0.01

    /// [count, features] features and [count] targets, training examples first.
    public let features: [Float], targets: [Float]
    public let trainCount: Int, heldOutCount: Int

    public var featureCount: Int { Self.weights.count }

    public init(trainCount: Int = 1_000, heldOutCount: Int = 1_000, seed: UInt64) {
        var generator = RandomGenerator(seed: seed)
        let count = trainCount + heldOutCount
        let x = (0..<(count * Self.weights.count)).map { _ in generator.nextNormal() }
        targets = (0..<count).map { row in
            zip(Self.weights.indices, Self.weights).reduce(Self.bias) { $0 + x[row * Self.weights.count + $1.0] * $1.1 }
                + Self.noise * generator.nextNormal()
        }
        features = x
        (self.trainCount, self.heldOutCount) = (trainCount, heldOutCount)
    }
}
