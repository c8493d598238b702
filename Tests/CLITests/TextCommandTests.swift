import ArgumentParser
import Foundation
import Testing
@testable import Harness
@testable import zoo
@testable import Zoo

/// The text models' commands: their bad input.
@Suite struct TextCommandTests {
    static let sharedData = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../../shared/data").standardized.path
    /// `--data-dir` for the workplace's copies beside the repository; without them the shipped corpora serve.
    static func dataDir(_ folder: String = "") -> [String] {
        FileManager.default.fileExists(atPath: sharedData + "/timemachine.txt") ? ["--data-dir", sharedData + folder] : []
    }

    @Test(arguments: [
        (["run", "gru", "--resize", "28"], "--resize, --recipe and --augment apply to images"),
        (["run", "gru", "--recipe", "kaggle-cifar10"], "apply to images"),
        (["run", "gru", "--augment", "flip"], "apply to images"),
        (["run", "lenet", "--hidden", "8"], "--hidden, --layers and --tokens apply to language models"),
        (["run", "gru", "--length=-1"], "--length must be at least 0"),
        (["run", "gru", "--hidden", "0"], "--hidden must be positive"),
        (["generate", "seq2seq", "--weights", "w"], "takes language models"),
        (["generate", "gru", "--weights", "w", "--temperature=-1"], "--temperature must be 0 or more"),
        (["translate", "gru", "--weights", "w", "hi"], "takes translators"),
        (["translate", "seq2seq", "--weights", "w", "--beam", "0", "hi"], "--beam must be positive"),
        (["translate", "seq2seq", "--weights", "w"], "Give the sentences to translate"),
        (["eval", "seq2seq", "--weights", "w", "--beam", "0"], "--beam must be positive"),
        (["bench", "gru", "--hidden", "0"], "--hidden must be positive"),
    ])
    func badFlagsAreRejected(arguments: [String], expected: String) throws {
        let message = try #require(parseError(arguments))
        #expect(message.contains(expected), "\(message)")
    }

    /// A model trains only on its own kind of data, and says which.
    @Test func aDatasetOfTheWrongKindIsNamed() throws {
        let run = try #require(try ZooCommand.parseAsRoot(["run", "gru", "--dataset", "fashion-mnist", "--record", "/tmp/unused.json"]) as? Run)
        #expect { try TrainingRun.execute(try run.options()) } throws: { "\($0)".contains("gru does not train on fashion-mnist: use --dataset timemachine") }
        let defaults = try #require(try ZooCommand.parseAsRoot(["run", "seq2seq"]) as? Run).options()
        #expect(defaults.dataset == .named(.fraEng) && defaults.recipe.optimizer == .adam)
    }
}

/// The text models' commands end to end on small runs that train: run, eval, generate, resume, translate,
/// bleu. Release builds only (see the Makefile's test-debug).
@Suite struct TextRunRegressionTests {

    /// run -> saved weights -> eval (the same perplexity, in a record) -> generate (prefix continued), and a
    /// run stopped after its first epoch resumes to the same result as a straight one.
    @Test func aLanguageModelRunsEvaluatesGeneratesAndResumes() throws {
        let folder = try makeTemporaryFolder("zoo-text")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let flags = ["--hidden", "16", "--limit", "2048", "--test-limit", "256", "--batch-size", "256"] + TextCommandTests.dataDir()
        func run(_ extra: [String]) throws -> RunRecord {
            let command = try #require(try ZooCommand.parseAsRoot(["run", "gru"] + flags + extra) as? Run)
            return try TrainingRun.execute(try command.options()).record
        }
        let straight = try run(["--epochs", "2", "--record", folder + "/straight.json", "--save", folder + "/w.safetensors"])
        let perplexity = try #require(straight.final?.perplexity)
        #expect(straight.task == .languageModel && perplexity > 1 && perplexity < 28)

        _ = try run(["--epochs", "1", "--record", folder + "/first.json", "--checkpoint", folder + "/c.ckpt"])
        let resumed = try run(["--epochs", "2", "--record", folder + "/resumed.json", "--resume", folder + "/c.ckpt"])
        #expect(resumed.final?.perplexity == perplexity && resumed.epochs.map(\.trainLoss) == straight.epochs.map(\.trainLoss))

        let evaluation = try Evaluation.execute(.languageModel(ModelRegistry.languageModels[1]), weights: folder + "/w.safetensors",
                                                dataset: .named(.timeMachine), resize: nil, testLimit: 256, dataDir: TextCommandTests.dataDir().last,
                                                recordPath: folder + "/eval.json")
        #expect(abs(evaluation.metrics["perplexity"]! - perplexity) < 1e-4 * perplexity)
        #expect(FileManager.default.fileExists(atPath: folder + "/eval.json"))

        guard zooBinary != nil else { return }
        let generate = try ZooProcess(["generate", "gru", "--weights", folder + "/w.safetensors", "--prefix", "The Time!", "--length", "12"], in: folder)
        #expect(generate.wait() == 0)
        let text = generate.standardOutput.trimmingCharacters(in: .newlines)
        #expect(text.count == 12 && text.allSatisfy { $0 == " " || ("a"..."z").contains($0) }, "\(text)")
    }

    /// run -> saved weights -> translate (preprocessed like the pairs, greedy and beam) and zoo bleu.
    @Test func aTranslatorRunsAndTranslates() throws {
        guard zooBinary != nil else { return }
        let folder = try makeTemporaryFolder("zoo-text")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let run = try ZooProcess(["run", "seq2seq", "--limit", "256", "--test-limit", "16", "--epochs", "1", "--batch-size", "64",
                                 ] + TextCommandTests.dataDir("/fra-eng") + ["--record", folder + "/r.json", "--save", folder + "/w.safetensors"],
                                 in: folder)
        #expect(run.wait() == 0, "\(run.standardError)")
        #expect(run.standardOutput.contains("d2l's examples") && run.standardOutput.contains("held-out corpus BLEU with beam 2"))
        let record = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/r.json"))) as? [String: Any]
        let final = try #require(record?["final"] as? [String: Any])
        #expect(final["bleu"] is Double && final["bleuBeam4"] is Double && record?["task"] as? String == "translation")

        for beam in ["1", "3"] {
            let translate = try ZooProcess(["translate", "seq2seq", "--weights", folder + "/w.safetensors", "--beam", beam,
                                            "He's calm.", "he's calm .", "zyzzyva"], in: folder)
            #expect(translate.wait() == 0)
            let lines = translate.standardOutput.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
            #expect(lines.count == 3 && lines[0] == lines[1], "\(lines)")
            #expect(translate.standardError.contains("zyzzyva not in the English vocabulary"))
        }

        try "a b c d\n\nx y\n".write(toFile: folder + "/h.txt", atomically: true, encoding: .utf8)
        try "a b c d\nq\nx y\n".write(toFile: folder + "/r.txt", atomically: true, encoding: .utf8)
        let bleu = try ZooProcess(["bleu", "--hyp", folder + "/h.txt", "--ref", folder + "/r.txt"], in: folder)
        #expect(bleu.wait() == 0)
        #expect(bleu.standardOutput.split(separator: "\n").last == "BLEU = \(String(format: "%.2f", BLEU.corpus([["a", "b", "c", "d"], [], ["x", "y"]], references: [["a", "b", "c", "d"], ["q"], ["x", "y"]])))")
        try "a\n".write(toFile: folder + "/short.txt", atomically: true, encoding: .utf8)
        let mismatch = try ZooProcess(["bleu", "--hyp", folder + "/h.txt", "--ref", folder + "/short.txt"], in: folder)
        #expect(mismatch.wait() == 1 && mismatch.standardError.contains("has 3 lines"))
    }
}
