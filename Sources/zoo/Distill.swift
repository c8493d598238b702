import ArgumentParser
import Foundation
import Harness
import Zoo

struct Distill: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a student classifier on a trained teacher's softened predictions as well as the labels (knowledge distillation).",
        discussion: """
            The student's loss is alpha T² KL(softmax(teacher / T) || softmax(student / T)) + (1 - alpha) cross-entropy (Hinton et al. 2015).
            Other flags are `zoo run`'s, for the student:
              zoo distill --teacher lenet-bn --teacher-weights t.safetensors --student mlp --temperature 4 --alpha 0.7 --epochs 10 --save s.safetensors
            """)

    @Option(help: "The teacher's model (see `zoo list`).")
    var teacher: ModelName

    @Option(help: "The teacher's trained weights (from `zoo run --save`).")
    var teacherWeights: String

    @Option(help: "The student's model.")
    var student: ModelName

    @Option(help: "Temperature T of the softened predictions.")
    var temperature: Float = 4

    @Option(help: "Weight of the teacher's term, in [0, 1] (0: labels only, an ordinary run).")
    var alpha: Float = 0.7

    @Argument(parsing: .allUnrecognized, help: "Flags of `zoo run` for the student (--epochs, --lr, --record, --save, ...).")
    var runFlags: [String] = []

    func validate() throws {
        guard case .classifier = teacher.model, case .classifier = student.model else {
            throw ValidationError("zoo distill takes image classifiers as teacher and student.")
        }
        // T² scales the divergence: beyond 1,000 it overflows a float's range long before it teaches anything.
        guard temperature > 0 && temperature <= 1_000 else { throw ValidationError("--temperature must be a positive number of at most 1,000.") }
        guard (0...1).contains(alpha) else { throw ValidationError("--alpha must lie in [0, 1].") }
        _ = try studentRun()
    }

    /// The student's `zoo run`, from the flags this command does not take itself; a flag `zoo run` refuses
    /// gets `zoo run`'s message.
    func studentRun() throws -> Run {
        do {
            return try Run.parse([student.model.name] + runFlags)
        } catch {
            throw ValidationError(Run.message(for: error))
        }
    }

    func run() throws {
        guard case let .classifier(teacherEntry) = teacher.model else { return }
        try studentRun().train(distillation: Distillation(teacher: teacherEntry, weights: teacherWeights, temperature: temperature, alpha: alpha))
    }
}
