import Engine
import Foundation
import Testing
@testable import Harness

/// `zoo optimize`: the test functions' gradients, and the engine's optimizers reaching their minima.
@Suite struct OptimizationTests {
    /// The engine's gradient of each function against central differences in double precision.
    @Test(arguments: TestFunction.allCases)
    func gradientsMatchFiniteDifferences(function: TestFunction) {
        for (px, py) in [(0.5, -1.25), (-2.0, 3.0), (3.5, 1.5)] {
            let x = Tensor(Float(px)), y = Tensor(Float(py))
            x.requiresGrad = true
            y.requiresGrad = true
            function(x, y).backward()
            let h = 1e-6
            let dx = (function.value(px + h, py) - function.value(px - h, py)) / (2 * h)
            let dy = (function.value(px, py + h) - function.value(px, py - h)) / (2 * h)
            #expect(abs(Double(x.grad!.scalars[0]) - dx) <= 1e-4 * max(1, abs(dx)), "\(function) at (\(px), \(py))")
            #expect(abs(Double(y.grad!.scalars[0]) - dy) <= 1e-4 * max(1, abs(dy)), "\(function) at (\(px), \(py))")
            #expect(abs(Double(function(Tensor(Float(px)), Tensor(Float(py))).scalars[0]) - function.value(px, py)) <= 1e-4 * function.value(px, py))
        }
    }

    /// The figure: Adam at lr 0.001 for 20,000 steps from the four corners (±4, ±4) reaches
    /// Himmelblau's four minima, one each, with f below 1e-6 (PyTorch 2.13's Adam ends at the same
    /// points: f 0, 8.8e-13, 6.4e-14 and 2.5e-11).
    @Test func adamFindsHimmelblausFourMinima() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("zoo-optimize-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let result = try Optimization.execute(.himmelblau, optimizer: .adam, learningRate: 0.001, steps: 20_000,
                                              starts: [(4, 4), (-4, 4), (-4, -4), (4, -4)], plot: folder + "/h.png", record: folder + "/h.json")
        #expect(result.descents.allSatisfy { $0.value < 1e-6 && $0.distance < 1e-3 })
        #expect(Set(result.descents.map { $0.nearestMinimum.map { Int($0.rounded()) } }).count == 4)
        let record = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/h.json"))) as? [String: Any]
        #expect((record?["descents"] as? [Any])?.count == 4 && record?["function"] as? String == "himmelblau")
        #expect(FileManager.default.fileExists(atPath: folder + "/h.png"))
    }

    /// Too large a rate sends SGD off to infinity on Rosenbrock: an error naming the start and the step.
    @Test func aDivergingDescentIsAnError() {
        #expect { try Optimization.execute(.rosenbrock, optimizer: .sgd, learningRate: 0.01, steps: 1_000, starts: [(-1.5, 2)]) }
            throws: { "\($0)".contains("from (-1.5, 2.0)") && "\($0)".contains("lower --lr") }
    }

    @Test func sgdWithMomentumCrossesRosenbrocksValley() throws {
        let result = try Optimization.execute(.rosenbrock, optimizer: .sgd, learningRate: 0.001, momentum: 0.9, steps: 20_000, starts: [(-1.5, 2)])
        #expect(result.descents[0].distance < 1e-3 && result.descents[0].value < 1e-6)
    }
}
