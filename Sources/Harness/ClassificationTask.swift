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

    public func trainingBatches(epoch: Int, from first: Int) -> Batches<Batch> {
        training.epoch(epoch, from: first)
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

    public func evaluate(_ model: Module) throws -> (metrics: [String: Double], count: Int) {
        var metrics = ["testAccuracy": try Self.accuracy(of: model, on: test)]
        if let validation { metrics["validationAccuracy"] = try Self.accuracy(of: model, on: validation) }
        return (metrics, test.count)
    }

    /// Fraction of `data` that `model` classifies correctly, in evaluation mode without gradients.
    public static func accuracy(of model: Module, on data: BatchLoader) throws -> Double {
        var tally = TrainingTally()
        try model.evaluating {
            let batches = data.epoch(0)
            while let batch = try batches.next() {
                tally.add(predictions: model(batch.images).argmax(axis: 1), labels: batch.labels)
            }
        }
        return tally.accuracy
    }
}
