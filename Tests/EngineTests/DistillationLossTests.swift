import Testing
@testable import Engine

/// Hinton et al.'s distillation loss: PyTorch's value, its limits, and its gradient.
@Suite struct DistillationLossTests {
    let student = Tensor(shape: [2, 3], scalars: [1, -0.5, 2, 0.3, 0.1, -1.2])
    let teacher = Tensor(shape: [2, 3], scalars: [2, 0.5, -1, -0.4, 1.5, 0.2])

    /// PyTorch 2.13: 0.6 * 9 * F.kl_div(F.log_softmax(s / 3, 1), F.softmax(t / 3, 1), reduction="batchmean")
    /// + 0.4 * F.cross_entropy(s, [2, 1]) = 0.8532525.
    @Test func valueMatchesPyTorch() {
        let loss = distillationLoss(studentLogits: student, teacherLogits: teacher, targets: [2, 1], temperature: 3, alpha: 0.6)
        #expect(abs(loss.item - 0.8532525) < 1e-6)
        // alpha 0 is the cross-entropy alone; a student equal to its teacher adds no divergence.
        #expect(distillationLoss(studentLogits: student, teacherLogits: teacher, targets: [2, 1], temperature: 3, alpha: 0).item
                == crossEntropy(logits: student, targets: [2, 1]).item)
        #expect(abs(distillationLoss(studentLogits: teacher, teacherLogits: teacher, targets: [0, 0], temperature: 2, alpha: 1).item) < 1e-6)
    }

    @Test func gradientsMatchFiniteDifferences() {
        let logits = randomTensor([4, 5], seed: 8, low: -2, high: 2)
        let teacherLogits = randomTensor([4, 5], seed: 9, low: -2, high: 2, requiresGrad: false)
        expectGradientsMatch([logits], step: 1e-3) {
            distillationLoss(studentLogits: $0[0], teacherLogits: teacherLogits, targets: [0, 3, 1, 4], temperature: 2.5, alpha: 0.7)
        }
    }
}
