import Datasets
import Engine
import Testing
@testable import Harness
import Zoo

/// Distillation in the training loop: with alpha 1 a student learns its teacher's decisions even where
/// the labels say otherwise; with alpha 0 it learns the labels.
@Suite struct DistillationTests {
    @Test func aStudentFollowsItsTeacherOverTheLabels() throws {
        let bytes = (0..<64 * 16).map { UInt8($0 * 97 % 256) }
        let images = try ImageClassificationSet(bytes: bytes, labels: Array(repeating: 0, count: 64), channels: 1, height: 4, width: 4,
                                                classNames: ["a", "b"])
        // The teacher says b when the first pixel is above one half, whatever the labels say.
        let teacher = Sequential(Flatten(), Linear(16, 2))
        let layer = teacher.modules.compactMap { $0 as? Linear }[0]
        layer.weight.data.update(repeating: 0, count: 32)
        layer.bias!.data.update(repeating: 0, count: 2)
        layer.weight.data[16] = 20
        layer.bias!.data[1] = -10
        let loader = BatchLoader(images, batchSize: 16, shuffle: false)
        let batch = try loader.batch(Array(0..<64))
        let teacherSays = teacher(batch.images).argmax(axis: 1)
        #expect(Set(teacherSays) == [0, 1])

        func student(alpha: Float) throws -> [Int] {
            let model = Random.withGenerator(seed: 0) { Sequential(Flatten(), Linear(16, 2)) }
            let task = ClassificationTask(training: loader, test: loader,
                                          teacher: ClassificationTask.Teacher(model: teacher, temperature: 1, alpha: alpha))
            _ = try Trainer(recipe: Recipe(learningRate: 1, epochs: 40, batchSize: 16, initialization: nil)).train(model, task: task)
            return model(batch.images).argmax(axis: 1)
        }
        let taught = try student(alpha: 1)
        #expect(zip(taught, teacherSays).filter { $0 == $1 }.count >= 58)
        #expect(try student(alpha: 0).allSatisfy { $0 == 0 })
    }
}
