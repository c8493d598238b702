import Foundation
import Datasets
import Fuzzing
import Testing
@testable import Harness
@testable import zoo
@testable import Zoo
@testable import Engine

/// `zoo run` and `zoo eval` on a folder of PNG images.
@Suite struct ImageFolderRunTests {
    /// Two classes of 8x8 gray images, dark and light (with a little texture), 40 each, as class folders.
    static func makeFolder() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("zoo-folder-\(UUID().uuidString)").path
        for (name, base) in [("dark", 30), ("light", 200)] {
            try FileManager.default.createDirectory(atPath: folder + "/images/" + name, withIntermediateDirectories: true)
            for index in 0..<40 {
                let samples = (0..<64).map { base + ($0 * 7 + index * 13) % 25 }
                let png = PNGEncoder(width: 8, height: 8, colorType: .gray, depth: 8, samples: samples).encode()
                try Data(png).write(to: URL(fileURLWithPath: "\(folder)/images/\(name)/\(index).png"))
            }
        }
        return folder
    }

    @Test func aRunHoldsOutEachClassesShareAndLearnsTheFolder() throws {
        let folder = try Self.makeFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let run = try #require(try ZooCommand.parseAsRoot([
            "run", "softmax", "--dataset", folder + "/images", "--epochs", "5", "--batch-size", "8", "--val-fraction", "0.2",
            "--record", folder + "/record.json", "--save", folder + "/weights.safetensors",
        ]) as? Run)
        let (record, _) = try TrainingRun.execute(try run.options())
        // 20% of each class's 40 images held out: 16 of 80; softmax takes 28x28, so the 8x8 images are resized.
        #expect(record.dataset == "images" && record.trainExamples == 64 && record.testExamples == 16 && record.inputShape == [1, 28, 28])
        #expect(record.final?.testAccuracy == 1)
        let entry = try #require(ModelRegistry.entry(named: "softmax"))
        let evaluation = try Evaluation.execute(.classifier(entry), weights: folder + "/weights.safetensors",
                                                dataset: .folder(folder + "/images"), resize: nil, testLimit: nil, dataDir: nil)
        #expect(evaluation.testExamples == 80 && evaluation.metrics["testAccuracy"] == 1)

        // zoo predict: a grid of 10 images spread over both classes, all right; the top classes of files.
        let (correct, shown) = try Prediction.grid(entry, weights: folder + "/weights.safetensors", dataset: .folder(folder + "/images"),
                                                   dataDir: nil, resize: nil, count: 10, out: folder + "/grid.png")
        #expect(correct == 10 && shown == 10)
        let grid = try PNGImage(contentsOf: folder + "/grid.png")
        #expect(grid.channels == 3 && grid.width > 8 * 72 && grid.height > 2 * 72)
        let top = try Prediction.topClasses(entry, weights: folder + "/weights.safetensors",
                                            images: [folder + "/images/light/3.png", folder + "/images/dark/5.png"], resize: nil)
        #expect(top.map { $0.map(\.name) } == [["light", "dark"], ["dark", "light"]])
        #expect(top.allSatisfy { abs($0.map(\.probability).reduce(0, +) - 1) < 1e-5 && $0[0].probability > 0.5 })

        // The same images under other class names are not what these weights learned.
        try FileManager.default.createDirectory(atPath: folder + "/renamed", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: folder + "/images/dark", toPath: folder + "/renamed/black")
        try FileManager.default.copyItem(atPath: folder + "/images/light", toPath: folder + "/renamed/white")
        #expect { try Evaluation.execute(.classifier(entry), weights: folder + "/weights.safetensors", dataset: .folder(folder + "/renamed"),
                                         resize: nil, testLimit: nil, dataDir: nil) } throws: { "\($0)".contains("trained on the classes") }
    }

    /// A run's normalisation is saved with its weights (beside the class names and input side), and
    /// `zoo eval` applies it: centred at 0.5 with std 0.1, dark images lie below 0 and light ones above,
    /// where unnormalised both lie above.
    @Test func evaluationAppliesTheRunsNormalization() throws {
        let folder = try Self.makeFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let run = try #require(try ZooCommand.parseAsRoot([
            "run", "softmax", "--dataset", folder + "/images", "--epochs", "3", "--batch-size", "8", "--lr", "0.01",
            "--augment", "flip", "--augment", "normalize:0.5:0.1", "--record", folder + "/record.json", "--save", folder + "/w.safetensors",
        ]) as? Run)
        let (record, _) = try TrainingRun.execute(try run.options())
        #expect(record.final?.testAccuracy == 1)
        let metadata = try SafeTensors.read(folder + "/w.safetensors").metadata
        #expect(metadata["classes"] == #"["dark","light"]"# && metadata["preprocess"] == #"["normalize:0.5:0.1"]"# && metadata["side"] == "28")
        let entry = try #require(ModelRegistry.entry(named: "softmax"))
        let evaluation = try Evaluation.execute(.classifier(entry), weights: folder + "/w.safetensors", dataset: .folder(folder + "/images"),
                                                resize: nil, testLimit: nil, dataDir: nil)
        #expect(evaluation.metrics["testAccuracy"] == 1)
    }

    /// `--stream` decodes the images batch by batch: the same run, weights and accuracy as decoding them once;
    /// an image that breaks mid-run stops it with an error naming the file.
    @Test func aStreamedFolderTrainsAsTheDecodedOne() throws {
        let folder = try Self.makeFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        func run(_ name: String, _ extra: [String] = []) throws -> RunRecord {
            let run = try #require(try ZooCommand.parseAsRoot([
                "run", "lenet", "--dataset", folder + "/images", "--epochs", "2", "--batch-size", "16", "--augment", "flip",
                "--record", folder + "/\(name).json", "--save", folder + "/\(name).safetensors",
            ] + extra) as? Run)
            return try TrainingRun.execute(try run.options()).record
        }
        let streamedOptions = try #require(try ZooCommand.parseAsRoot(["run", "lenet", "--dataset", folder + "/images", "--stream"]) as? Run).options()
        #expect(streamedOptions.dataset == .folder(folder + "/images", .streamed))
        let entry = try #require(ModelRegistry.entry(named: "lenet"))
        #expect(try ClassifierRun.prepare(entry, streamedOptions).task.training.isStreamed)
        #expect(try !ClassifierRun.prepare(entry, try #require(try ZooCommand.parseAsRoot(["run", "lenet", "--dataset", folder + "/images"]) as? Run).options()).task.training.isStreamed)
        let (decoded, streamed) = (try run("decoded"), try run("streamed", ["--stream"]))
        #expect(streamed.epochs.map(\.trainLoss) == decoded.epochs.map(\.trainLoss))
        #expect(streamed.final?.testAccuracy == decoded.final?.testAccuracy && streamed.testExamples == 8)
        let weights = { (name: String) in try SafeTensors.read(folder + "/\(name).safetensors").tensors.mapValues(\.scalars) }
        #expect(try weights("streamed") == weights("decoded"))

        // An image that breaks after the first epoch stops the run at its batch, with the state saved.
        let options = streamedOptions
        var trainer = Trainer(recipe: Recipe(learningRate: 0.1, epochs: 2, batchSize: 16, initialization: nil))
        trainer.onEpoch = { _ in try? Data("broken".utf8).write(to: URL(fileURLWithPath: folder + "/images/light/7.png")) }
        var saved: EpochProgress?
        trainer.checkpoint = { _, progress, _ in saved = progress }
        let prepared = try ClassifierRun.prepare(entry, options)
        #expect { try trainer.train(prepared.model, task: prepared.task) } throws: { error in
            guard case let .unreadableData(underlying, epoch, batch, true) = error as? TrainingError else { return false }
            return "\(underlying)".contains("light/7.png") && "\(underlying)".contains("not a PNG") && epoch == 2
                && batch == saved?.batches && saved?.epoch == 2 && batch <= prepared.task.trainingBatchCount
        }
        #expect(RunError.unreadableData(.unreadableData(DatasetError.fileUnreadable(path: "x.png"), epoch: 2, batch: 1, saved: true),
                                        resume: "zoo run lenet --resume c").description.contains("to continue from where it stopped"))
        #expect(parseError(["run", "lenet", "--stream"])?.contains("--stream applies to --dataset FOLDER") == true)
    }

    @Test func namedRecipesAndTransformsReachTheRecipe() throws {
        let recipe = try #require(try ZooCommand.parseAsRoot(["run", "resnet18", "--recipe", "kaggle-cifar10", "--epochs", "3"]) as? Run).recipe()
        #expect(recipe.resize == 40 && recipe.batchSize == 32 && recipe.epochs == 3 && recipe.momentum == 0.9 && recipe.learningRate == 2e-4 * 32)
        #expect(recipe.augmentation.first == "resized-crop:32:0.64:1:1:1" && recipe.schedule == .step(every: 4, gamma: 0.9))
        #expect(parseError(["run", "lenet", "--augment", "rotate:10"])?.contains("expected flip, crop") == true)
    }

    @Test func folderFlagsAreChecked() throws {
        let folder = try Self.makeFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(parseError(["run", "lenet", "--dataset", folder + "/nothing"])?.contains("neither a dataset") == true)
        #expect(parseError(["run", "lenet", "--dataset", folder + "/images", "--val-fraction", "1"])?.contains("between 0 and 1") == true)
        #expect(parseError(["run", "lenet", "--val-fraction", "0.2"])?.contains("applies to --dataset FOLDER") == true)
        #expect(parseError(["predict", "gru", "--weights", "w.safetensors"])?.contains("takes image classifiers") == true)
        #expect(parseError(["predict", "lenet", "--weights", "w.safetensors", "--count", "0"])?.contains("--count must be positive") == true)
        #expect(parseError(["predict", "lenet", "--weights", "w", "--dataset", folder + "/images", "a.png"])?.contains("not both") == true)
        let options = try #require(try ZooCommand.parseAsRoot(["run", "gru", "--dataset", folder + "/images"]) as? Run).options()
        #expect { try TrainingRun.execute(options) } throws: { "\($0)".contains("gru does not train on images") }
    }
}
