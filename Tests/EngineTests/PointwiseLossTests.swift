import Foundation
import Testing
@testable import Engine

/// The regression and binary losses: values against their formulas (and PyTorch's printed values),
/// gradients against finite differences.
@Suite struct PointwiseLossTests {
    let prediction = Tensor(shape: [2, 3], scalars: [0.5, -1.25, 3, 0, 2.2, -0.3])
    let target = Tensor(shape: [2, 3], scalars: [1, -1, 0, 0.1, 2, 1.5])

    /// Values PyTorch 2.13 prints for these tensors: F.mse_loss 2.1004167, F.l1_loss 0.9750000,
    /// F.smooth_l1_loss(beta=1) 0.6635417, beta=0.5: 0.7770834, F.huber_loss(delta=2) 0.9668750.
    @Test func valuesMatchTheirFormulas() {
        #expect(abs(mseLoss(prediction, target).item - 2.1004167) < 1e-6)
        #expect(abs(l1Loss(prediction, target).item - 0.9750000) < 1e-6)
        #expect(abs(smoothL1Loss(prediction, target).item - 0.6635417) < 1e-6)
        #expect(abs(smoothL1Loss(prediction, target, beta: 0.5).item - 0.7770834) < 1e-6)
        #expect(abs(huberLoss(prediction, target, delta: 2).item - 0.9668750) < 1e-6)
        #expect(smoothL1Loss(prediction, target, beta: 0).item == l1Loss(prediction, target).item)
    }

    /// F.binary_cross_entropy_with_logits: 0.5878631 here; logits of ±100 neither overflow nor round to 0.
    @Test func binaryCrossEntropyIsStable() {
        let targets = Tensor(shape: [2, 3], scalars: [1, 0, 1, 0, 0.5, 1])
        #expect(abs(binaryCrossEntropy(logits: prediction, targets: targets).item - 0.5878631) < 1e-6)
        let extreme = binaryCrossEntropy(logits: Tensor(shape: [2], scalars: [100, -100]), targets: Tensor(shape: [2], scalars: [0, 1]))
        #expect(extreme.item == 100)
        let confident = binaryCrossEntropy(logits: Tensor(shape: [1], scalars: [20]), targets: Tensor(shape: [1], scalars: [1]))
        #expect(confident.item > 0 && abs(confident.item - 2.0611537e-9) < 1e-14)
    }

    /// Gradients away from the kinks (|p - t| = 0 or beta), where finite differences hold.
    @Test func gradientsMatchFiniteDifferences() {
        let x = randomTensor([3, 4], seed: 5, low: -3, high: 3)
        let t = randomTensor([3, 4], seed: 6, low: -3, high: 3, requiresGrad: false)
        let probabilities = randomTensor([3, 4], seed: 7, low: 0, high: 1, requiresGrad: false)
        expectGradientsMatch([x], step: 1e-3) { mseLoss($0[0], t) }
        expectGradientsMatch([x], step: 1e-3) { l1Loss($0[0], t) }
        expectGradientsMatch([x], step: 1e-3) { smoothL1Loss($0[0], t, beta: 0.7) }
        expectGradientsMatch([x], step: 1e-3) { huberLoss($0[0], t, delta: 1.5) }
        expectGradientsMatch([x], step: 1e-3) { binaryCrossEntropy(logits: $0[0], targets: probabilities) }
    }
}
