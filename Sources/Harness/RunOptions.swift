import Datasets
import Foundation
import Zoo

/// Everything `zoo run` needs to train one model.
public struct RunOptions: Sendable {
    public var model: ZooModel
    public var dataset: DatasetChoice
    public var recipe: Recipe
    public var seed: UInt64 = 0
    public var limit: Int?
    public var testLimit: Int?
    public var dataDir: String?
    /// Where the JSON record goes; nil for Results/runs/<model>-<dataset>-<time>.json.
    public var recordPath: String?
    /// A safetensors file of weights to start from (PyTorch state_dict keys).
    public var weightsPath: String?
    /// Where to save the trained weights (safetensors, PyTorch state_dict keys).
    public var savePath: String?
    /// Where to write the full training state after every epoch.
    public var checkpointPath: String?
    /// Also write it every N training steps inside an epoch.
    public var checkpointEvery: Int?
    /// A training checkpoint to continue from (its epochs are not trained again).
    public var resumePath: String?
    /// Where the run writes its checkpoints: --checkpoint, else the file it resumed from.
    var checkpointDestination: String? { checkpointPath ?? resumePath }
    /// Keep the training examples in file order instead of reshuffling each epoch.
    public var shuffle = true
    /// Language models: the hidden size and layer count (default: the model's).
    public var hidden: Int?, layers: Int?
    /// Language models: characters or words.
    public var tokens: TimeMachine.Tokens = .character
    /// Language models: the text the sample at the end continues, and how many tokens it adds.
    public var prefix = "time traveller", sampleLength = 50
    public var commandLine: String = CommandLine.arguments.joined(separator: " ")

    /// Classifiers: stop after this many epochs without a better accuracy on `valFraction` of each class
    /// held out of the training images, keeping the best epoch's weights.
    public var earlyStopPatience: Int?
    /// Classifiers: a trained teacher to distill from (`zoo distill`).
    public var distillation: Distillation?
    /// Data parallelism: the processes that train together (nil: this process alone).
    public var collective: Collective?
    /// With a collective: batch norm over the whole batch rather than each process's share.
    public var synchronizesBatchNorm = false
    /// Regressions: the loss trained on.
    public var regressionLoss = RegressionLoss.mse
    /// Image folders without a test split: the share of each class held out to measure accuracy on.
    public var valFraction = 0.1

    public init(model: ZooModel, dataset: DatasetChoice, recipe: Recipe) {
        self.model = model
        self.dataset = dataset
        self.recipe = recipe
    }
}

/// A teacher to distill a classifier from: the model, its weights, and the loss's temperature and weight.
public struct Distillation: Sendable {
    public var teacher: ModelEntry
    public var weights: String
    public var temperature: Float
    public var alpha: Float

    public init(teacher: ModelEntry, weights: String, temperature: Float, alpha: Float) {
        (self.teacher, self.weights, self.temperature, self.alpha) = (teacher, weights, temperature, alpha)
    }
}
