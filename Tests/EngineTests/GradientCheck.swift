import Testing
@testable import Engine

/// A tensor of the given shape with values from a fixed-seed generator in [low, high).
func randomTensor(_ shape: [Int], seed: UInt64 = 1, low: Float = -1, high: Float = 1, requiresGrad: Bool = true) -> Tensor {
    var generator = RandomGenerator(seed: seed)
    let tensor = Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in low + (high - low) * generator.nextUniform() })
    tensor.requiresGrad = requiresGrad
    return tensor
}

/// Checks the analytic gradient of `f` (reduced to a scalar by a fixed random projection) against
/// central finite differences for every element of every input.
func expectGradientsMatch(_ inputs: [Tensor], step: Float = 1e-2, tolerance: Float = 2e-2,
                          sourceLocation: SourceLocation = #_sourceLocation, _ f: ([Tensor]) -> Tensor) {
    let probe = f(inputs)
    let weights = randomTensor(probe.shape, seed: 99, requiresGrad: false)
    func objective() -> Tensor { (f(inputs) * weights).sum() }

    inputs.forEach { $0.grad = nil }
    objective().backward()
    for (which, input) in inputs.enumerated() where input.requiresGrad {
        let analytic = input.grad?.scalars ?? Array(repeating: 0, count: input.count)
        for i in 0..<input.count {
            let saved = input.data[i]
            input.data[i] = saved + step
            let plus = withoutGradients { objective().item }
            input.data[i] = saved - step
            let minus = withoutGradients { objective().item }
            input.data[i] = saved
            let numeric = (plus - minus) / (2 * step)
            let error = abs(numeric - analytic[i]) / max(1, abs(numeric))
            #expect(error < tolerance, "input \(which) element \(i): analytic \(analytic[i]) vs numeric \(numeric)",
                    sourceLocation: sourceLocation)
        }
    }
}
