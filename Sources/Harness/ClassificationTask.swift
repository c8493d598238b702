import Datasets
import Engine

/// Image classification (d2l's `train_ch6`): cross-entropy on the training images, accuracy on the test set.
public struct ClassificationTask: TrainingTask {
    public let training: BatchLoader, test: BatchLoader
    /// Examples held out of the training set for early stopping (`validationAccuracy`), if any.
    public let validation: BatchLoader?
    /// Knowledge distillation: a trained teacher whose softened predictions the loss follows too.
    public let teacher: Teacher?

    /// A teacher model (in evaluation mode) with the distillation loss's temperature and weight.
    public struct Teacher {
        public let model: Module, temperature: Float, alpha: Float
    }

    public init(training: BatchLoader, test: BatchLoader, validation: BatchLoader? = nil, teacher: Teacher? = nil) {
        self.training = training
        self.test = test
        self.validation = validation
        self.teacher = teacher
    }

    public var trainingBatchCount: Int { training.batchCount }

    public func trainingBatches(epoch: Int, from first: Int, share: Share) -> Batches<Batch?> {
        training.epoch(epoch, from: first, share: share)
    }

    public func loss(of model: Module, on batch: Batch, tally: inout TrainingTally) -> Tensor {
        let logits = model(batch.images)
        let loss = teacher.map { teacher in
            let teacherLogits = teacher.model.evaluating { withoutGradients { teacher.model(batch.images) } }
            return distillationLoss(studentLogits: logits, teacherLogits: teacherLogits, targets: batch.labels,
                                    temperature: teacher.temperature, alpha: teacher.alpha)
        } ?? crossEntropy(logits: logits, targets: batch.labels)
        tally.add(predictions: logits.argmax(axis: 1), labels: batch.labels, meanLoss: loss.item)
        return loss
    }

    /// Correct predictions on `share` of the test images (and of the validation images, if any).
    public func heldOutSums(_ model: Module, share: Share) throws -> HeldOutSums {
        let test = try Self.tally(of: model, on: self.test, share: share)
        var sums = HeldOutSums(["testCorrect": Double(test.correct)], count: Double(test.examples))
        if let validation {
            let tally = try Self.tally(of: model, on: validation, share: share)
            sums.values["validationCorrect"] = Double(tally.correct)
            sums.values["validationExamples"] = Double(tally.examples)
        }
        return sums
    }

    public func heldOutMetrics(_ sums: HeldOutSums) -> (metrics: [String: Double], count: Int) {
        func ratio(_ correct: Double?, _ examples: Double) -> Double { examples == 0 ? 0 : (correct ?? 0) / examples }
        var metrics = ["testAccuracy": ratio(sums.values["testCorrect"], sums.count)]
        if validation != nil { metrics["validationAccuracy"] = ratio(sums.values["validationCorrect"], sums.values["validationExamples"] ?? 0) }
        return (metrics, Int(sums.count))
    }

    /// Fraction of `data` that `model` classifies correctly, in evaluation mode without gradients.
    public static func accuracy(of model: Module, on data: BatchLoader) throws -> Double {
        try tally(of: model, on: data, share: .whole).accuracy
    }

    /// The examples of `share` of each batch of `data` and how many `model` classifies correctly.
    static func tally(of model: Module, on data: BatchLoader, share: Share) throws -> TrainingTally {
        var tally = TrainingTally()
        try model.evaluating {
            let batches = data.epoch(0, share: share)
            while let batch = try batches.next() {
                guard let batch else { continue }
                tally.add(predictions: model(batch.images).argmax(axis: 1), labels: batch.labels)
            }
        }
        return tally
    }
}
