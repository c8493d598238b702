import ArgumentParser
import Foundation
import Testing
@testable import Harness
@testable import zoo
@testable import Engine
@testable import Zoo

/// The command line: flags reach the recipe, bad input gets a clear message, a run writes its record.
@Suite struct CommandLineTests {
    @Test func unknownModelListsTheValidOnes() throws {
        let message = try #require(parseError(["run", "resnet9000"]))
        #expect(message.contains("resnet9000"))
        #expect(message.contains("lenet") && message.contains("mlp") && message.contains("softmax"))
    }

    @Test func unknownDatasetListsTheValidOnes() throws {
        let message = try #require(parseError(["run", "lenet", "--dataset", "imagenet"]))
        #expect(message.contains("fashion-mnist"))
    }

    @Test(arguments: [
        (["--epochs", "0"], "--epochs must be positive"),
        (["--batch-size=-3"], "--batch-size must be positive"),
        (["--lr=-1"], "--lr must be a positive number"),
        (["--lr", "nan"], "--lr must be a positive number"),
        (["--momentum", "1.5"], "--momentum must be in [0, 1)"),
        (["--limit", "abc"], "abc"),
        (["--data-dir", "/nonexistent/zoo-data"], "is not a folder"),
        (["--resize=0"], "--resize must be positive"),
        (["--resize=100000"], "--resize must be positive and at most 1024"),
        (["--loss", "l1"], "--loss applies to regressions"),
        (["--early-stop", "0"], "--early-stop must be positive"),
        (["--early-stop", "2", "--checkpoint", "c.ckpt"], "does not combine with --checkpoint"),
        (["--l1=-1"], "--l1 must be a number of at least 0"),
    ])
    func badFlagValuesAreRejected(flags: [String], expected: String) throws {
        let message = try #require(parseError(["run", "lenet"] + flags))
        #expect(message.contains(expected), "\(message)")
    }

    @Test func inputSizesOutsideAModelsRangeAreRefused() throws {
        let densenet = try #require(ModelRegistry.entry(named: "densenet121"))
        #expect { try densenet.requireInputSize(28) } throws: { "\($0)".contains("at least 29x29") && "\($0)".contains("--resize 29") }
        try densenet.requireInputSize(29)
        let alexnet = try #require(ModelRegistry.entry(named: "alexnet"))
        #expect { try alexnet.requireInputSize(96) } throws: { "\($0)".contains("takes 224x224 inputs") }
    }

    @Test func trainingFlagsReachTheRecipe() throws {
        let command = try #require(try ZooCommand.parseAsRoot([
            "run", "mlp", "--optimizer", "adamw", "--schedule", "step:3:0.5", "--warmup", "2", "--clip", "1.5",
        ]) as? Run)
        let recipe = try command.recipe()
        #expect(recipe.optimizer == .adamw && recipe.gradientClip == 1.5)
        #expect(recipe.schedule == .warmup(epochs: 2, then: .step(every: 3, gamma: 0.5)))
        let plateau = try #require(try (ZooCommand.parseAsRoot(["run", "mlp", "--schedule", "plateau:0.2:3"]) as? Run)?.recipe().plateau)
        #expect(plateau.factor == 0.2 && plateau.patience == 3)
        #expect(parseError(["run", "mlp", "--schedule", "step:2"])?.contains("takes 2 value(s)") == true)
        // Batch norm cannot train on one example: refused before a model is built (it stopped on a precondition).
        #expect(parseError(["bench", "lenet", "resnet18", "--batch-size", "1"])?.contains("(resnet18): give --batch-size 2") == true)
        #expect(parseError(["bench", "lenet", "gru", "--batch-size", "1"]) == nil)
        #expect(parseError(["run", "mlp", "--optimizer", "lion"])?.contains("adamw") == true)
        #expect(parseError(["run", "mlp", "--nesterov"])?.contains("--momentum") == true)
        #expect(parseError(["run", "mlp", "--schedule", "plateau:0.5:2", "--schedule-unit", "batch"])?.contains("per epoch, not per batch") == true)
        let perBatch = try #require(try ZooCommand.parseAsRoot(["run", "mlp", "--schedule", "noam:100", "--schedule-unit", "batch"]) as? Run).recipe()
        #expect(perBatch.scheduleUnit == .batch && perBatch.schedule == .noam(warmup: 100))
        #expect(parseError(["schedule", "plateau:0.5:2"])?.contains("plateau follows the training loss") == true)
        #expect(parseError(["schedule", "cosine", "--epochs", "0"])?.contains("--epochs must be positive") == true)
        #expect(parseError(["run", "mlp", "--optimizer", "adam", "--momentum", "0.9"])?.contains("apply to SGD") == true)
        let decayed = try #require(try ZooCommand.parseAsRoot(["run", "mlp", "--weight-decay", "0.0005"]) as? Run).recipe()
        #expect(decayed.weightDecay == 0.0005)
        #expect(try #require(try ZooCommand.parseAsRoot(["run", "mlp", "--no-shuffle"]) as? Run).options().shuffle == false)
        #expect(try #require(try ZooCommand.parseAsRoot(["run", "mlp"]) as? Run).options().shuffle)
    }

    /// Every form of --schedule parses to its schedule, and malformed ones name the bad part.
    @Test func everyScheduleFormParses() throws {
        func schedule(_ text: String) throws -> LearningRateSchedule { try ScheduleParser.parse(text).0 }
        #expect(try schedule("multistep:3,6:0.1") == .multiStep(milestones: [3, 6], gamma: 0.1))
        #expect(try schedule("exponential:0.9") == .exponential(gamma: 0.9))
        #expect(try schedule("cosine:0.01") == .cosine(minimumFactor: 0.01))
        #expect(try schedule("poly:2") == .polynomial(power: 2))
        #expect(try schedule("natural-exponential:0.1") == .naturalExponential(rate: 0.1))
        #expect(try schedule("inverse-time:0.5") == .inverseTime(rate: 0.5))
        #expect(try schedule("piecewise:5,10:1,0.1,0.01") == .piecewise(boundaries: [5, 10], factors: [1, 0.1, 0.01]))
        #expect(try schedule("noam:4000") == .noam(warmup: 4000))
        for (bad, expected) in [("multistep:2,x:0.1", "'x' is not a whole number"), ("step:0:0.5", "'0' is not a whole number"),
                                ("cosine:0:1", "takes at most 1 value"), ("step:2:-1", "gamma must be positive"),
                                ("cosine:2", "in [0, 1]"), ("plateau:2:3", "between 0 and 1"),
                                ("plateau:0.5:1.5", "'1.5' is not a whole number"), ("piecewise:5,3:1,0.1,0.01", "increasing boundaries"),
                                ("piecewise:5:1", "one positive factor more"), ("piecewise:5:1,-1", "one positive factor more"),
                                ("inverse-time:0", "rate must be positive"), ("noam:0", "'0' is not a whole number")] {
            #expect { _ = try ScheduleParser.parse(bad) } throws: { "\($0)".contains(expected) }
        }
    }

    @Test(arguments: [
        ("kaiming-normal", Initializer.kaimingNormal()), ("xavier-normal", .xavierNormal()),
        ("normal:0.02", .normal(std: 0.02)), ("pytorch", nil),
    ] as [(String, Initializer?)])
    func initializerFlagReachesTheRecipe(name: String, expected: Initializer?) throws {
        let command = try #require(try ZooCommand.parseAsRoot(["run", "lenet", "--init", name]) as? Run)
        #expect(try command.recipe().initialization == expected)
    }

    @Test func badInitializersAreRejected() {
        for name in ["he", "normal", "normal:-1", "kaiming-normal:2"] {
            #expect(parseError(["run", "lenet", "--init", name])?.contains("kaiming-normal") == true, "\(name)")
        }
    }

    /// ResNet-18 trains at 28x28 with cosine decay by default; at d2l's 96x96 it takes d2l's recipe.
    @Test func resNet18AtD2LsSizeTakesD2LsRecipe() throws {
        let atDefault = try #require(try ZooCommand.parseAsRoot(["run", "resnet18"]) as? Run).recipe()
        #expect(atDefault.resize == 28 && atDefault.schedule == .cosine())
        let atD2L = try #require(try ZooCommand.parseAsRoot(["run", "resnet18", "--resize", "96", "--epochs", "10"]) as? Run).recipe()
        #expect(atD2L == Recipe(learningRate: 0.05, epochs: 10, batchSize: 256, initialization: .xavierUniform(), resize: 96))
        #expect(atD2L.schedule == .constant)
    }

    @Test func flagsOverrideTheRecipe() throws {
        let command = try #require(try ZooCommand.parseAsRoot(["run", "LeNet", "--epochs", "2", "--lr", "0.5", "--batch-size", "64"]) as? Run)
        let options = try command.options()
        #expect(options.model.name == "lenet")
        #expect(options.recipe.epochs == 2 && options.recipe.learningRate == 0.5 && options.recipe.batchSize == 64)
        #expect(options.recipe.initialization == .xavierUniform())
    }

    @Test(.enabled(if: fashionMNISTInstalled, "Fashion-MNIST is not installed: apt-get install dataset-fashion-mnist"))
    func aShortRunWritesItsRecord() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("zoo-cli-\(UUID().uuidString).json").path
        defer { for file in [path, CurvePlot.path(forRecordAt: path)] { try? FileManager.default.removeItem(atPath: file) } }
        let command = try #require(try ZooCommand.parseAsRoot([
            "run", "mlp", "--epochs", "2", "--limit", "1000", "--test-limit", "500", "--seed", "3", "--record", path,
        ]) as? Run)
        try command.run()
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        #expect(json["model"] as? String == "mlp")
        #expect(json["dataset"] as? String == "fashion-mnist")
        #expect(json["seed"] as? Int == 3)
        #expect(json["trainExamples"] as? Int == 1000 && json["testExamples"] as? Int == 500)
        #expect((json["epochs"] as? [[String: Any]])?.count == 2)
        let recipe = try #require(json["recipe"] as? [String: Any])
        #expect(recipe["initialization"] as? String == "normal(0, 0.01)")
        let final = try #require(json["final"] as? [String: Any])
        #expect((final["testAccuracy"] as? Double ?? 0) > 0.3)
        #expect((json["machine"] as? [String: Any])?["cores"] as? Int == ProcessInfo.processInfo.activeProcessorCount)
        #expect((json["commandLine"] as? String)?.isEmpty == false)
        let plot = try PNGFile.readRGB(CurvePlot.path(forRecordAt: path))
        #expect(plot.width == CurvePlot.width && plot.height == CurvePlot.height)
    }

    /// `zoo compare` reads the records back into Markdown tables (the comparison, and every run); a file that is
    /// not a record is named.
    @Test(.enabled(if: fashionMNISTInstalled, "Fashion-MNIST is not installed: apt-get install dataset-fashion-mnist"))
    func compareTabulatesTheRecords() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("zoo-compare-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let run = try #require(try ZooCommand.parseAsRoot([
            "run", "mlp", "--epochs", "1", "--limit", "1000", "--test-limit", "500", "--record", folder + "/runs/mlp-1.json",
        ]) as? Run)
        let (record, _) = try TrainingRun.execute(try run.options())
        try #require(try ZooCommand.parseAsRoot(["compare", "--runs", folder + "/runs", "--output", folder + "/README.md"]) as? Compare).run()
        let page = try String(contentsOfFile: folder + "/README.md", encoding: .utf8)
        // The comparison's row, then the run's own in the list of every run.
        let rows = page.split(separator: "\n").filter { $0.hasPrefix("| mlp |") }
        #expect(rows.count == 2)
        let row = try #require(rows.last)
        let accuracy = String(format: "%.3f", try #require(record.final?.testAccuracy))
        #expect(rows.first!.contains("| 1 | variant | 1 | \(accuracy) | 0.851 |"), "\(rows.first!)")
        #expect(row.contains("| 28x28 |") && row.contains("| 1,000 |") && row.contains("| \(accuracy) |"), "\(row)")
        #expect(row.contains("[mlp-1.json](runs/mlp-1.json)") && row.contains("SGD lr 0.1, batch 256, normal(0, 0.01)"))
        #expect(row.contains("| 0.851 |"))  // what d2l reports for its MLP
        try Data("{\"model\": 3}".utf8).write(to: URL(fileURLWithPath: folder + "/runs/notes.json"))
        #expect { try RunComparison.table(folder: folder + "/runs") } throws: { String(describing: $0).contains("notes.json") }
        #expect { try RunComparison.table(folder: folder + "/nothing") } throws: { String(describing: $0).contains("--runs DIR") }
        #expect(RunComparison.reproducingCommand("/x/zoo run resnet18 --resize 96 --resume /tmp/r.ckpt --save=w.st --epochs 10")
                == "zoo run resnet18 --resize 96 --epochs 10")
    }

    @Test(.enabled(if: fashionMNISTInstalled, "Fashion-MNIST is not installed: apt-get install dataset-fashion-mnist"))
    func savedWeightsEvaluateToTheRunsAccuracy() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("zoo-save-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let run = try #require(try ZooCommand.parseAsRoot([
            "run", "lenet-bn", "--epochs", "1", "--limit", "2000", "--test-limit", "1000",
            "--record", folder + "/record.json", "--save", folder + "/weights.safetensors",
        ]) as? Run)
        let (record, _) = try TrainingRun.execute(try run.options())
        let entry = try #require(ModelRegistry.entry(named: "lenet-bn"))
        let evaluation = try Evaluation.execute(.classifier(entry), weights: folder + "/weights.safetensors", dataset: .named(.fashionMNIST),
                                                resize: nil, testLimit: 1000, dataDir: nil, recordPath: folder + "/eval.json")
        #expect(evaluation.metrics["testAccuracy"] == record.final?.testAccuracy)
        // --record wrote the same figure.
        let written = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/eval.json"))) as? [String: Any]
        #expect((written?["metrics"] as? [String: Double])?["testAccuracy"] == record.final?.testAccuracy)
        // Starting another run from them works; weights of another model are refused with the reason.
        var options = try #require(try ZooCommand.parseAsRoot(["run", "mlp", "--epochs", "1", "--limit", "100"]) as? Run).options()
        options.weightsPath = folder + "/weights.safetensors"
        options.recordPath = folder + "/other.json"
        #expect { try TrainingRun.execute(options) } throws: { String(describing: $0).contains("missing keys") }
    }

    /// A run stopped after epoch 2 and resumed from its checkpoint ends exactly where an uninterrupted
    /// run ends (same weights, momentum, shuffling and metrics).
    @Test(.enabled(if: fashionMNISTInstalled, "Fashion-MNIST is not installed: apt-get install dataset-fashion-mnist"))
    func resumingContinuesExactly() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("zoo-resume-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        func run(_ flags: [String]) throws -> RunRecord {
            let command = try #require(try ZooCommand.parseAsRoot(["run", "lenet-bn", "--limit", "1500", "--test-limit", "500",
                                                                   "--momentum", "0.9", "--lr", "0.1", "--seed", "5"] + flags) as? Run)
            return try TrainingRun.execute(try command.options()).record
        }
        let straight = try run(["--epochs", "3", "--record", folder + "/a.json", "--save", folder + "/a.safetensors"])
        _ = try run(["--epochs", "2", "--record", folder + "/b.json", "--checkpoint", folder + "/b.ckpt"])
        let resumed = try run(["--epochs", "3", "--record", folder + "/c.json", "--resume", folder + "/b.ckpt",
                               "--save", folder + "/c.safetensors"])
        #expect(resumed.epochs.count == 3)
        #expect(resumed.epochs.map(\.trainLoss) == straight.epochs.map(\.trainLoss))
        #expect(resumed.final?.testAccuracy == straight.final?.testAccuracy)
        let a = try SafeTensors.read(folder + "/a.safetensors").tensors, c = try SafeTensors.read(folder + "/c.safetensors").tensors
        #expect(a.keys.sorted() == c.keys.sorted() && a.allSatisfy { c[$0.key]?.scalars == $0.value.scalars })
        // Weights-only files and other models' checkpoints are refused with the reason.
        #expect { _ = try run(["--epochs", "3", "--resume", folder + "/a.safetensors", "--record", folder + "/d.json"]) }
            throws: { String(describing: $0).contains("weights only") }
        #expect { _ = try run(["--epochs", "3", "--resume", folder + "/b.ckpt", "--seed", "6", "--record", folder + "/e.json"]) }
            throws: { String(describing: $0).contains("--seed 5") }
        #expect { _ = try run(["--epochs", "3", "--resume", folder + "/b.ckpt", "--lr", "0.2", "--record", folder + "/f.json"]) }
            throws: { String(describing: $0).contains("pass the flags it was made with") }
        #expect { _ = try run(["--epochs", "3", "--resume", folder + "/b.ckpt", "--no-shuffle", "--record", folder + "/h.json"]) }
            throws: { String(describing: $0).contains("1500 examples, shuffled") }
        // A cosine schedule spans the run: its length may not change on resume.
        _ = try run(["--epochs", "2", "--schedule", "cosine", "--record", folder + "/i.json", "--checkpoint", folder + "/i.ckpt"])
        #expect { _ = try run(["--epochs", "3", "--schedule", "cosine", "--resume", folder + "/i.ckpt", "--record", folder + "/j.json"]) }
            throws: { String(describing: $0).contains("pass the flags it was made with") }
        // The resumed run went on writing b.ckpt: it now holds 3 epochs.
        #expect { _ = try run(["--epochs", "1", "--resume", folder + "/b.ckpt", "--record", folder + "/g.json"]) }
            throws: { String(describing: $0).contains("3 epochs done, more than --epochs 1") }
    }

    @Test func corruptDataIsReportedByFileName() throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("zoo-empty-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: empty) }
        try Data("not a gzip file".utf8).write(to: URL(fileURLWithPath: empty + "/train-images-idx3-ubyte.gz"))
        for name in ["train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"] {
            try Data("x".utf8).write(to: URL(fileURLWithPath: empty + "/" + name))
        }
        var options = try #require(try ZooCommand.parseAsRoot(["run", "mlp", "--data-dir", empty]) as? Run).options()
        options.recordPath = empty + "/record.json"
        #expect { try TrainingRun.execute(options) } throws: { error in
            String(describing: error).contains("train-images-idx3-ubyte")
        }
    }
}

let fashionMNISTInstalled = FileManager.default.fileExists(atPath: "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz")

/// A last batch of one example reaching batch norm in training is refused before training with what to do, not a crash.
@Test(.enabled(if: zooBinary != nil && fashionMNISTInstalled, "needs the zoo binary and Fashion-MNIST"))
func aLastBatchOfOneWithBatchNormIsRefused() throws {
    let folder = try makeTemporaryFolder("zoo-last-batch")
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let (status, process) = try ZooProcess.run(["run", "lenet-bn", "--epochs", "1", "--limit", "64", "--batch-size", "7"], in: folder)
    #expect(status == 1)
    #expect(process.standardError.contains("leave a last batch of one example, and batch norm cannot normalize a single example"))
}
