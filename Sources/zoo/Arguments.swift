import ArgumentParser
import Foundation
import Datasets
import Engine
import Harness
import Zoo

extension Recipe.OptimizerKind: ExpressibleByArgument {}
extension TimeMachine.Tokens: ExpressibleByArgument {}
extension RecipePreset: ExpressibleByArgument {}
extension RegressionLoss: ExpressibleByArgument {}
extension Recipe.ScheduleUnit: ExpressibleByArgument {}

/// A model name on the command line, checked against the registry.
struct ModelName: ExpressibleByArgument {
    let model: ZooModel

    init?(argument: String) {
        guard let model = ModelRegistry.model(named: argument) else { return nil }
        self.model = model
    }

    /// The image classifier of that name, or a validation error saying the command takes classifiers only.
    func classifier(for command: String) throws -> ModelEntry {
        guard case let .classifier(entry) = model else {
            throw ValidationError("`zoo \(command)` takes image classifiers; \(model.name) is a language model.")
        }
        return entry
    }

    static var allValueStrings: [String] { ModelRegistry.names }
}

/// A weight initializer on the command line: `xavier-uniform`, `xavier-normal`, `kaiming-uniform`,
/// `kaiming-normal`, `normal:STD`, or `pytorch` (each layer keeps PyTorch's default).
struct InitializerName: ExpressibleByArgument {
    /// nil: PyTorch's defaults.
    let initializer: Initializer?

    init?(argument: String) {
        let parts = argument.lowercased().split(separator: ":", omittingEmptySubsequences: false)
        switch (parts[0], parts.count) {
        case ("pytorch", 1): initializer = nil
        case ("xavier-uniform", 1): initializer = .xavierUniform()
        case ("xavier-normal", 1): initializer = .xavierNormal()
        case ("kaiming-uniform", 1): initializer = .kaimingUniform()
        case ("kaiming-normal", 1): initializer = .kaimingNormal()
        case ("normal", 2):
            guard let std = Float(parts[1]), std > 0, std.isFinite else { return nil }
            initializer = .normal(std: std)
        default: return nil
        }
    }

    static var allValueStrings: [String] {
        ["xavier-uniform", "xavier-normal", "kaiming-uniform", "kaiming-normal", "normal:STD", "pytorch"]
    }
}

/// Fails validation unless `value` (when given) is positive.
func requirePositive<T: Comparable & ExpressibleByIntegerLiteral>(_ value: T?, _ flag: String) throws {
    if let value, value <= 0 { throw ValidationError("\(flag) must be positive.") }
}

/// Fails validation unless `value` (when given) lies in `range`.
func requireInRange(_ value: Int?, _ flag: String, _ range: ClosedRange<Int>) throws {
    if let value, !range.contains(value) {
        throw ValidationError("\(flag) must be \(range.lowerBound == 1 ? "positive" : "at least \(range.lowerBound)") "
                              + "and at most \(range.upperBound).")
    }
}

/// The largest --resize side: 1024 x 1024 is already 21 times the pixels of d2l's largest input (224 x 224),
/// and a batch of such images takes gigabytes.
let maximumSide = 1024

/// Runs `body`; an error it throws is printed to standard error as one clear message and the
/// command exits with status 1, or 128 + the signal for a run a signal stopped (instead of
/// ArgumentParser's usage text).
@discardableResult
func reportingErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch {
        FileHandle.standardError.write(Data("error: \(error)\n".utf8))
        if case RunError.stopped(let signal, _, _, _) = error { throw ExitCode(128 + signal) }
        throw ExitCode.failure
    }
}

/// The data flags `run` and `eval` share.
struct DataOptions: ParsableArguments {
    @Option(name: .customLong("dataset"),
            help: ArgumentHelp("The dataset: fashion-mnist, timemachine, fra-eng, or a folder of PNG images (default: fashion-mnist for image classifiers, timemachine for language models, fra-eng for translators).",
                               valueName: "name-or-folder"),
            transform: { try DatasetChoice.parse($0) })
    var datasetArgument: DatasetChoice?

    @Flag(help: "Image folders: decode the images from their files batch by batch (one batch ahead) instead of once into memory; automatic when they would take more than half the memory.")
    var stream = false

    /// The dataset asked for, streamed when --stream says so.
    var dataset: DatasetChoice? { stream ? datasetArgument?.streamed : datasetArgument }

    @Option(help: "Resize images (bilinear) to N x N (default: the recipe's; see `zoo list`).")
    var resize: Int?

    @Option(help: "Evaluate on only the first N test examples.")
    var testLimit: Int?

    @Option(help: "Folder holding the dataset files (searched before $ZOO_DATA, the system folder and the cache).")
    var dataDir: String?

    func validate() throws {
        try requireInRange(resize, "--resize", 1...maximumSide)
        try requirePositive(testLimit, "--test-limit")
        if stream, case .folder = datasetArgument {} else if stream {
            throw ValidationError("--stream applies to --dataset FOLDER (a folder of PNG images); the named datasets load into memory.")
        }
        if let dataDir, !FileManager.default.isFolder(dataDir) {
            throw ValidationError("--data-dir \(dataDir) is not a folder. Create it (Zoo downloads the dataset into it) "
                                  + "or leave the flag out to use $ZOO_DATA, the system folder or the cache.")
        }
    }
}
