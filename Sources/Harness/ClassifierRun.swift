import Datasets
import Engine
import Zoo

/// What `zoo run` does for an image classifier: images, model, and the accuracy table at the end.
enum ClassifierRun {
    static func prepare(_ entry: ModelEntry, _ options: RunOptions) throws -> PreparedRun<ClassificationTask> {
        let recipe = options.recipe
        var (trainSet, testSet, testName) = try options.dataset.classifierSets(dataDir: options.dataDir, valFraction: options.valFraction,
                                                                               seed: options.seed)
        // Early stopping watches accuracy on a share of each class held out of the training images.
        var validationSet: ImageClassificationSet?
        if options.earlyStopPatience != nil {
            guard let split = trainSet.holdingOut(fraction: options.valFraction, seed: options.seed) else {
                throw RunError.earlyStoppingWithoutValidation(dataset: options.dataset.name)
            }
            (trainSet, validationSet) = split
        }
        let side = entry.inputSide(requested: recipe.resize, images: trainSet.height)
        let resize = side == trainSet.height && side == trainSet.width ? nil : side
        let transforms = try ImageTransform.checked(recipe.augmentation, channels: trainSet.channels,
                                                    side: resize.map { ($0, $0) } ?? (trainSet.height, trainSet.width))
        let training = BatchLoader(trainSet, batchSize: recipe.batchSize, shuffle: options.shuffle, seed: options.seed,
                                   limit: options.limit, resize: resize, transforms: transforms)
        let inputShape = training.exampleShape
        try entry.requireInputSize(inputShape[1])
        /// Held-out images go straight to the training images' final size, through the transforms that draw nothing.
        func heldOutLoader(_ set: ImageClassificationSet, limit: Int?) -> BatchLoader {
            BatchLoader(set, batchSize: recipe.batchSize, shuffle: false, limit: limit,
                        resize: Array(inputShape[1...]) == [set.height, set.width] ? nil : inputShape[1], transforms: transforms.filter { !$0.isRandom })
        }
        let test = heldOutLoader(testSet, limit: options.testLimit)
        let validation = validationSet.map { heldOutLoader($0, limit: nil) }

        let model = entry.build(channels: trainSet.channels, classes: trainSet.classNames.count)
        if let initializer = recipe.initialization { model.initializeWeights(initializer) }
        if let weights = options.weightsPath { try model.load(SafeTensors.read(weights), source: weights) }
        let dataset = options.dataset.name
        return PreparedRun(
            model: model, task: ClassificationTask(training: training, test: test, validation: validation, teacher: try teacher(options, inputShape, classNames: trainSet.classNames,
                                                                                     preprocess: transforms.filter { !$0.isRandom })),
            kind: .classification,
            data: "\(dataset), \(training.count) examples, " + (options.shuffle ? "shuffled" : "in file order"),
            headline: "zoo run \(entry.name) on \(dataset): \(model.parameterCount.formatted()) parameters, "
                + "\(training.count.formatted()) training / \(test.count.formatted()) \(testName) examples"
                + (validation.map { ", \($0.count.formatted()) held out of training for early stopping" } ?? "")
                + (training.isStreamed ? "; images streamed: decoded from their files batch by batch" : ""),
            trainExamples: training.count, testExamples: test.count,
            inputShape: inputShape,
            weightsMetadata: ["classes": jsonList(trainSet.classNames),
                              "preprocess": jsonList(transforms.filter { !$0.isRandom }.map(\.description)), "side": String(inputShape[1])],
            summary: summary)
    }

    /// The trained teacher of a distillation run, checked against the student's images.
    /// The teacher sees the student's batches, so it must have been trained on the same classes, at the
    /// same size and with the same normalisation.
    static func teacher(_ options: RunOptions, _ inputShape: [Int], classNames: [String],
                        preprocess: [ImageTransform]) throws -> ClassificationTask.Teacher? {
        guard let distillation = options.distillation else { return nil }
        let saved = try SavedClassifier(distillation.teacher, weights: distillation.weights)
        try distillation.teacher.requireInputSize(inputShape[1])
        try saved.requireClasses(classNames)
        if let savedSide = saved.savedSide, savedSide != inputShape[1] {
            throw RunError.mismatchedWeights(path: distillation.weights, reason: "the teacher trained on \(savedSide)x\(savedSide) images and the student's are "
                                             + "\(inputShape[1])x\(inputShape[2]); give the student --resize \(savedSide)")
        }
        if saved.savedPreprocess != preprocess.map(\.description) {
            throw RunError.mismatchedWeights(path: distillation.weights, reason: "the teacher's images were normalized as \(saved.savedPreprocess) and the "
                                             + "student's as \(preprocess.map(\.description)); give the student the same --augment normalize")
        }
        let model = try saved.model(channels: inputShape[0], classes: classNames.count)
        print("teacher: \(distillation.teacher.name) from \(distillation.weights), temperature \(distillation.temperature.formatted()), "
              + "alpha \(distillation.alpha.formatted())")
        return ClassificationTask.Teacher(model: model, temperature: distillation.temperature, alpha: distillation.alpha)
    }

    /// The end-of-run summary table.
    static func summary(of record: RunRecord) -> String {
        var table = TextTable(header: ["model", "params", "epochs", "train loss", "train acc", "test acc",
                                       "train ex/s", "eval ex/s", "wall s"])
        if let last = record.final {
            table.add([record.model, record.parameters.formatted(), String(record.epochs.count),
                       fixed(last.trainLoss, 3), fixed(last.trainAccuracy, 3), fixed(last.testAccuracy, 3),
                       whole(record.epochs.map(\.trainExamplesPerSecond).median),
                       whole(record.epochs.map(\.evalExamplesPerSecond).median),
                       fixed(record.totalWallSeconds, 1)])
        }
        return table.rendered
    }
}

extension ModelEntry {
    /// The side images are resized to: the one asked for, else a fixed-width model's own (LeNet's 28 for
    /// 32x32 CIFAR images), else the images' own.
    func inputSide(requested: Int?, images: Int) -> Int { requested ?? (minimumSide == nil ? inputShape[1] : images) }

    /// Throws unless the model takes `side` x `side` inputs.
    func requireInputSize(_ side: Int) throws {
        guard let minimumSide else {
            if side == inputShape[1] { return }
            throw RunError.fixedInputSize(model: name, size: inputShape[1], got: side)
        }
        guard side >= minimumSide else { throw RunError.inputTooSmall(model: name, minimum: minimumSide, got: side) }
    }
}
