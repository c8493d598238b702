import Datasets
import Engine
import Foundation
import Testing
@testable import Harness
@testable import Zoo

/// d2l's first worked example: synthetic linear data, and linear regression recovering its weights.
@Suite struct LinearRegressionTests {
    @Test func syntheticDataHasTheTruthAndItsNoise() {
        let data = SyntheticLinear(seed: 3)
        #expect(data.features.count == 2_000 * 2 && data.targets.count == 2_000 && data.trainCount == 1_000)
        let residuals = (0..<2_000).map { (row: Int) -> Double in
            let truth: Float = 2 * data.features[2 * row] - 3.4 * data.features[2 * row + 1] + 4.2
            return Double(data.targets[row] - truth)
        }
        let mean = residuals.reduce(0, +) / 2_000
        let deviation = (residuals.map { (r: Double) -> Double in (r - mean) * (r - mean) }.reduce(0, +) / 2_000).squareRoot()
        #expect(abs(mean) < 1e-3 && abs(deviation - 0.01) < 1e-3)
        let features = data.features.map(Double.init)
        #expect(abs(features.reduce(0, +) / 4_000) < 0.05 && abs(features.map { $0 * $0 }.reduce(0, +) / 4_000 - 1) < 0.1)
        #expect(SyntheticLinear(seed: 3).targets == data.targets && SyntheticLinear(seed: 4).targets != data.targets)
    }

    /// `zoo run linreg` with d2l's recipe (SGD lr 0.03, batch 10, 3 epochs) recovers w and b to about the
    /// noise's level; Huber and L1 losses get close in the same three epochs.
    @Test(arguments: [(RegressionLoss.mse, 0.005), (.huber, 0.1), (.l1, 0.1)])
    func linearRegressionRecoversTheTruth(loss: RegressionLoss, tolerance: Double) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("zoo-linreg-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let model = try #require(ModelRegistry.model(named: "linreg"))
        var options = RunOptions(model: model, dataset: .named(.syntheticLinear), recipe: model.recipe)
        options.regressionLoss = loss
        options.recordPath = folder + "/linreg.json"
        let (record, _) = try TrainingRun.execute(options)
        let final = try #require(record.final)
        #expect((final.heldOut["weightError"] ?? 1) < tolerance && (final.heldOut["biasError"] ?? 1) < tolerance, "\(loss)")
        if loss == .mse { #expect((final.heldOut["testLoss"] ?? 1) < 2e-4) }  // the noise's variance is 1e-4
    }
}
