import ArgumentParser
import Datasets
import Foundation
import Harness
import Zoo

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a model with its default (d2l) recipe, evaluate it, and write a JSON record.",
        discussion: "Flags override the recipe that `zoo list` shows for the model.")

    @Argument(help: "The model to train (see `zoo list`).")
    var model: ModelName

    @OptionGroup var data: DataOptions

    @Option(name: .customLong("recipe"), help: ArgumentHelp("Start from a named recipe instead of the model's: \(RecipePreset.allCases.map(\.rawValue).joined(separator: ", ")) (d2l 14.13's CIFAR-10 recipe).",
                               valueName: "name"))
    var recipePreset: RecipePreset?

    @Option(help: ArgumentHelp("Images: a transform after the resize (repeatable, applied in order): flip, crop:SIZE:PAD, resized-crop:SIZE[:SMIN:SMAX[:RMIN:RMAX]], normalize:MEAN,...:STD,... Random ones apply to training images only.",
                               valueName: "transform"))
    var augment: [String] = []

    @Option(help: "Epochs to train (default: the recipe's).")
    var epochs: Int?

    @Option(help: "Training batch size (default: the recipe's).")
    var batchSize: Int?

    @Option(name: .customLong("lr"), help: "Learning rate (default: the recipe's).")
    var learningRate: Float?

    @Option(help: "The optimizer (default: the recipe's).")
    var optimizer: Recipe.OptimizerKind?

    @Option(help: "SGD momentum (default: the recipe's).")
    var momentum: Float?

    @Flag(help: "Use Nesterov momentum with SGD.")
    var nesterov = false

    @Option(help: ArgumentHelp("Learning-rate schedule: \(ScheduleParser.syntax).", valueName: "schedule"))
    var schedule: String?

    @Option(help: "Steps (epochs, or batches with --schedule-unit batch) of linear learning-rate warm-up before the schedule.")
    var warmup: Int = 0

    @Option(help: "Whether the schedule steps after each epoch or after each batch (counts in --schedule and --warmup follow it).")
    var scheduleUnit: Recipe.ScheduleUnit?

    @Option(help: "Clip gradients to this global L2 norm before each step.")
    var clip: Float?

    @Option(name: .customLong("init"), help: "How Linear and Conv2d weights start (default: the recipe's).")
    var initialization: InitializerName?

    @Option(help: "L2 weight decay (default: the recipe's).")
    var weightDecay: Float?

    @Option(help: "Seed for initialization and shuffling; the same seed reproduces a run.")
    var seed: UInt64 = 0

    @Option(help: "Train on only the first N training examples.")
    var limit: Int?

    @Option(help: "Image folders without a test/ or val/ folder: the share of each class held out (by --seed) to measure accuracy on (default 0.1).")
    var valFraction: Double?

    @Option(help: "Classifiers: stop after N epochs without a better accuracy on --val-fraction of each class held out of the training images, keeping the best epoch's weights.")
    var earlyStop: Int?

    @Option(help: "Add an L1 penalty, X times the sum of |w| over the weights, to the loss.")
    var l1: Float?

    @Option(help: "Regressions: the loss to train on, mse, huber or l1 (default mse).")
    var loss: RegressionLoss?


    @Option(help: "Where to write the JSON record (default: Results/runs/<model>-<dataset>-<time>.json).")
    var record: String?

    @Option(help: "Start from these weights (safetensors with PyTorch state_dict keys).")
    var weights: String?

    @Option(help: "Save the trained weights here (safetensors with PyTorch state_dict keys).")
    var save: String?

    @Option(help: "Write the full training state here after every epoch (for --resume).")
    var checkpoint: String?

    @Option(help: "Also write the checkpoint every N training steps inside an epoch.")
    var checkpointEvery: Int?

    @Option(help: "Continue an interrupted run from its --checkpoint file (same model, flags and seed).")
    var resume: String?

    @Option(help: "Under mpirun: train one model data-parallel (auto: when mpirun started zoo; on: an error if it did not), or run every process as a separate run (off).")
    var distributed: DistributedMode = .auto

    @Flag(name: .customLong("sync-batchnorm"), help: "Data-parallel runs: batch norm normalizes by the statistics of the whole batch, every process's share, instead of each process's own.")
    var synchronizeBatchNorm = false

    @Flag(help: "Keep the training examples in file order instead of reshuffling every epoch.")
    var noShuffle = false

    @Option(help: "Language models: hidden units per layer (default: the model's).")
    var hidden: Int?

    @Option(help: "Language models: recurrent layers (default: the model's).")
    var layers: Int?

    @Option(help: "Language models: what a token is, a character (d2l's) or a word.")
    var tokens: TimeMachine.Tokens = .character

    @Option(help: "Language models: the text the sample at the end continues.")
    var prefix = "time traveller"

    @Option(help: "Language models: tokens the sample adds to the prefix.")
    var length = 50

    func validate() throws {
        try requirePositive(epochs, "--epochs")
        try requirePositive(batchSize, "--batch-size")
        try requirePositive(limit, "--limit")
        if loss != nil, !{ if case .regression = model.model { true } else { false } }() {
            throw ValidationError("--loss applies to regressions (linreg); \(model.model.name) has its own loss.")
        }
        if let earlyStop {
            guard case .classifier = model.model else { throw ValidationError("--early-stop applies to image classifiers; \(model.model.name) is not one.") }
            guard earlyStop >= 1 else { throw ValidationError("--early-stop must be positive (epochs without improvement before stopping).") }
            if checkpoint != nil || resume != nil { throw ValidationError("--early-stop does not combine with --checkpoint or --resume yet.") }
        }
        if let l1, !(l1 >= 0 && l1.isFinite) { throw ValidationError("--l1 must be a number of at least 0.") }
        if let valFraction {
            if case .folder = data.dataset {} else if earlyStop == nil {
                throw ValidationError("--val-fraction applies to --dataset FOLDER (a folder of images) and to --early-stop.")
            }
            guard valFraction > 0 && valFraction < 1 else { throw ValidationError("--val-fraction must lie between 0 and 1 (exclusive), e.g. 0.1.") }
        }
        try requirePositive(checkpointEvery, "--checkpoint-every")
        try requireInRange(hidden, "--hidden", 1...4096)
        try requireInRange(layers, "--layers", 1...16)
        try requireInRange(length, "--length", 0...100_000)
        switch model.model {
        case .classifier, .translator, .regression:
            if hidden != nil || layers != nil || tokens != .character {
                throw ValidationError("--hidden, --layers and --tokens apply to language models; \(model.model.name) is not one.")
            }
        case .languageModel: break
        }
        if case .classifier = model.model {} else if data.resize != nil || recipePreset != nil || !augment.isEmpty {
            throw ValidationError("--resize, --recipe and --augment apply to images; \(model.model.name) is not an image classifier.")
        }
        for transform in augment {
            do { _ = try ImageTransform.parse(transform) } catch { throw ValidationError("\(error)") }
        }
        if checkpointEvery != nil && checkpoint == nil && resume == nil {
            throw ValidationError("--checkpoint-every needs --checkpoint FILE (or --resume FILE) to write to.")
        }
        if let learningRate, !(learningRate > 0 && learningRate.isFinite) {
            throw ValidationError("--lr must be a positive number.")
        }
        if let momentum, !(momentum >= 0 && momentum < 1) {
            throw ValidationError("--momentum must be in [0, 1).")
        }
        if let weightDecay, !(weightDecay >= 0 && weightDecay.isFinite) {
            throw ValidationError("--weight-decay must be zero or positive.")
        }
        if let clip, !(clip > 0 && clip.isFinite) { throw ValidationError("--clip must be a positive number.") }
        if warmup < 0 { throw ValidationError("--warmup must be zero or positive.") }
        if (optimizer ?? model.model.recipe.optimizer) != .sgd && (momentum != nil || nesterov) {
            throw ValidationError("--momentum and --nesterov apply to SGD; Adam keeps its own moment estimates "
                                  + "(betas 0.9, 0.999). Leave them out or use --optimizer sgd.")
        }
        if nesterov && (momentum ?? model.model.recipe.momentum) == 0 {
            throw ValidationError("--nesterov needs --momentum above 0.")
        }
        _ = try recipe()
    }

    func run() throws { try train() }

    /// Trains with these flags (and, for `zoo distill`, from a teacher), finishing the step, saving and
    /// saying how to resume on Ctrl-C.
    func train(distillation: Distillation? = nil) throws {
        var options = try options()
        options.distillation = distillation
        Interruption.install()
        let collective = try distributed.join(batchSize: options.recipe.batchSize)
        if synchronizeBatchNorm && collective == nil {
            throw ValidationError("--sync-batchnorm applies to data-parallel runs: start zoo with `mpirun -np N zoo run ...`.")
        }
        options.collective = collective
        options.synchronizesBatchNorm = synchronizeBatchNorm
        try reportingErrors(under: collective) { try TrainingRun.execute(options) }
    }

    /// The model's recipe with these flags applied.
    func recipe() throws -> Recipe {
        var recipe = switch model.model {
        case let .classifier(entry): recipePreset?.recipe ?? entry.recipe(resize: data.resize)
        case let .languageModel(entry): entry.recipe
        case let .translator(entry): entry.recipe
        case let .regression(entry): entry.recipe
        }
        recipe.epochs = epochs ?? recipe.epochs
        recipe.batchSize = batchSize ?? recipe.batchSize
        recipe.learningRate = learningRate ?? recipe.learningRate
        recipe.momentum = momentum ?? recipe.momentum
        recipe.weightDecay = weightDecay ?? recipe.weightDecay
        recipe.optimizer = optimizer ?? recipe.optimizer
        recipe.nesterov = nesterov || recipe.nesterov
        recipe.gradientClip = clip ?? recipe.gradientClip
        if !augment.isEmpty { recipe.augmentation = augment }
        recipe.l1 = l1 ?? recipe.l1
        recipe.resize = data.resize ?? recipe.resize
        if let initialization { recipe.initialization = initialization.initializer }
        if schedule != nil || warmup > 0 {
            do {
                (recipe.schedule, recipe.plateau) = try ScheduleParser.parse(schedule ?? "constant", warmupEpochs: warmup)
            } catch let failure as ScheduleParser.Failure {
                throw ValidationError(failure.description)
            }
        }
        recipe.scheduleUnit = scheduleUnit ?? recipe.scheduleUnit
        if recipe.scheduleUnit == .batch && recipe.plateau != nil {
            throw ValidationError("--schedule plateau watches each epoch's loss; it steps per epoch, not per batch.")
        }
        return recipe
    }

    /// The run these flags ask for.
    func options() throws -> RunOptions {
        var options = RunOptions(model: model.model, dataset: data.dataset ?? .default(for: model.model), recipe: try recipe())
        options.hidden = hidden
        options.layers = layers
        options.tokens = tokens
        options.prefix = prefix
        options.sampleLength = length
        options.seed = seed
        options.limit = limit
        options.valFraction = valFraction ?? options.valFraction
        options.regressionLoss = loss ?? options.regressionLoss
        options.earlyStopPatience = earlyStop
        options.testLimit = data.testLimit
        options.dataDir = data.dataDir
        options.recordPath = record
        options.weightsPath = weights
        options.savePath = save
        options.checkpointPath = checkpoint
        options.checkpointEvery = checkpointEvery
        options.resumePath = resume
        options.shuffle = !noShuffle
        return options
    }
}
