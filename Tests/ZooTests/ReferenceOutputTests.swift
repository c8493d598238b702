import Foundation
import Testing
@testable import Engine
@testable import Zoo

/// d2l's models give PyTorch's outputs for the same weights: every state_dict tensor k gets element
/// i = 0.2 sin(0.37 i + 1.3 k) (running variances 1 + 0.5 sin(...)^2), the input is
/// sin(0.11 i) (1 + 3 i / n), evaluation mode. The expected values were printed by PyTorch 2.15 with
/// `scripts/reference_outputs.py`; a transposed weight, a misplaced key or a wrong op changes them.
@Suite struct ReferenceOutputTests {
    static let expected: [String: [Float]] = [
        "lenet": [0.514655, 0.529098, 0.486637, 0.390369, 0.249325, 0.0776965, -0.10654, -0.283467, -0.433361, -0.538892, 0.513727, 0.528399, 0.486246, 0.39033, 0.249642, 0.0783342, -0.105653, -0.282429, -0.43229, -0.537906],
        "lenet-bn": [0.293925, 0.227329, 0.133613, 0.0217797, -0.0967094, -0.20908, -0.302605, -0.366052, -0.391044, -0.373168, 0.293925, 0.227329, 0.133613, 0.0217798, -0.0967095, -0.20908, -0.302605, -0.366052, -0.391044, -0.373168],
        "resnet18": [4.89017, 12.7676, 10.1785, -0.706572, -10.8685, -11.9053, -2.98479, 8.47042, 12.9312, 6.65507, 4.88185, 12.8167, 10.2444, -0.678429, -10.9013, -11.972, -3.03011, 8.48399, 12.9925, 6.71328],
        "densenet": [1.53054, -2.19554, 2.6417, -1.38384, 0.0141647, 1.60274, -2.56744, 2.21526, -1.42144, -0.580982, 1.53055, -2.19554, 2.6417, -1.38384, 0.0141605, 1.60274, -2.56744, 2.21526, -1.42144, -0.580986],
    ]

    func deterministic(_ model: Module) -> Module {
        for (k, (name, tensor)) in model.stateDictionary().enumerated() where !name.hasSuffix("num_batches_tracked") {
            for i in 0..<tensor.count {
                let s = Foundation.sin(0.37 * Double(i) + 1.3 * Double(k))
                tensor.data[i] = Float(name.hasSuffix("running_var") ? 1 + 0.5 * s * s : 0.2 * s)
            }
        }
        model.eval()
        return model
    }

    @Test(arguments: [("lenet", 28), ("lenet-bn", 28), ("resnet18", 32), ("densenet", 32)])
    func matchesPyTorch(name: String, side: Int) throws {
        let model = deterministic(try #require(ModelRegistry.entry(named: name)).build())
        let n = 2 * side * side
        let x = Tensor(shape: [2, 1, side, side], scalars: (0..<n).map {
            Float(Foundation.sin(0.11 * Double($0)) * (1 + 3 * Double($0) / Double(n)))
        })
        let y = withoutGradients { model(x) }.scalars
        let expected = try #require(Self.expected[name])
        #expect(y.count == expected.count)
        for (a, b) in zip(y, expected) { #expect(abs(a - b) <= 2e-4 * max(1, abs(b)), "\(name): \(a) vs PyTorch \(b)") }
    }
}
