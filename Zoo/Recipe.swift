import Engine

/// How to train a model: d2l's settings for it unless the user overrides them.
public struct Recipe: Sendable, Equatable, Encodable {
    public enum OptimizerKind: String, Sendable, Codable, CaseIterable { case sgd, adam, adamw }
    /// How often the schedule steps: after each epoch (PyTorch's usual) or after each batch (Noam).
    public enum ScheduleUnit: String, Sendable, Codable, CaseIterable { case epoch, batch }

    public var optimizer: OptimizerKind
    public var learningRate: Float
    /// SGD momentum (ignored by Adam).
    public var momentum: Float
    public var nesterov: Bool = false
    public var weightDecay: Float
    public var epochs: Int
    public var batchSize: Int
    /// How Linear/Conv2d weights are re-initialized before training; nil keeps PyTorch's defaults.
    public var initialization: Initializer?
    /// The learning rate's factor per epoch or per batch (`scheduleUnit`).
    public var schedule: LearningRateSchedule = .constant
    public var scheduleUnit = ScheduleUnit.epoch
    /// ReduceLROnPlateau on the training loss, on top of `schedule`.
    public var plateau: PlateauReducer?
    /// The L1 penalty's coefficient: the loss trained on adds l1 x Σ |w| over the weights (tensors of rank
    /// 2 and more; biases and batch-norm scales go free). The reported loss is the data's alone.
    public var l1: Float = 0
    /// Gradients are rescaled to at most this global L2 norm before each step.
    public var gradientClip: Float?
    /// Inputs are resized (bilinear) to this side length; nil keeps the dataset's size.
    public var resize: Int?
    /// Image transforms after the resize, by their names (`ImageTransform`: "flip", "crop:32:4", ...).
    public var augmentation: [String] = []

    public init(optimizer: OptimizerKind = .sgd, learningRate: Float, momentum: Float = 0, weightDecay: Float = 0,
                epochs: Int, batchSize: Int, initialization: Initializer?, resize: Int? = nil) {
        self.optimizer = optimizer
        self.learningRate = learningRate
        self.momentum = momentum
        self.weightDecay = weightDecay
        self.epochs = epochs
        self.batchSize = batchSize
        self.initialization = initialization
        self.resize = resize
    }

    /// The optimizer this recipe asks for, over `parameters`.
    public func makeOptimizer(for parameters: [Tensor]) -> Optimizer {
        switch optimizer {
        case .sgd: SGD(parameters, learningRate: learningRate, momentum: momentum, weightDecay: weightDecay, nesterov: nesterov)
        case .adam: Adam(parameters, learningRate: learningRate, weightDecay: weightDecay)
        case .adamw: Adam(parameters, learningRate: learningRate, weightDecay: weightDecay, decoupledWeightDecay: true)
        }
    }

    enum CodingKeys: String, CodingKey {
        case optimizer, learningRate, momentum, nesterov, weightDecay, epochs, batchSize, initialization, schedule
        case gradientClip, resize, augmentation, scheduleUnit, l1
    }

    /// Encodes the initializer and schedule by their readable names ("xavier-uniform", "cosine").
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(optimizer, forKey: .optimizer)
        try container.encode(learningRate, forKey: .learningRate)
        try container.encode(momentum, forKey: .momentum)
        try container.encode(nesterov, forKey: .nesterov)
        try container.encode(weightDecay, forKey: .weightDecay)
        try container.encode(epochs, forKey: .epochs)
        try container.encode(batchSize, forKey: .batchSize)
        try container.encode(initialization?.description ?? "pytorch-default", forKey: .initialization)
        try container.encode(scheduleDescription, forKey: .schedule)
        try container.encodeIfPresent(gradientClip, forKey: .gradientClip)
        try container.encodeIfPresent(resize, forKey: .resize)
        if !augmentation.isEmpty { try container.encode(augmentation, forKey: .augmentation) }
        if scheduleUnit == .batch { try container.encode(scheduleUnit, forKey: .scheduleUnit) }
        if l1 != 0 { try container.encode(l1, forKey: .l1) }
    }

    var scheduleDescription: String {
        let base = schedule.description
        guard let plateau else { return base }
        return (schedule == .constant ? "" : base + " + ") + "plateau(factor \(plateau.factor), patience \(plateau.patience))"
    }

    public static func == (a: Recipe, b: Recipe) -> Bool {
        a.optimizer == b.optimizer && a.learningRate == b.learningRate && a.momentum == b.momentum
            && a.nesterov == b.nesterov && a.weightDecay == b.weightDecay && a.epochs == b.epochs
            && a.batchSize == b.batchSize && a.initialization == b.initialization && a.schedule == b.schedule
            && a.plateau?.factor == b.plateau?.factor && a.plateau?.patience == b.plateau?.patience
            && a.gradientClip == b.gradientClip && a.resize == b.resize && a.augmentation == b.augmentation
            && a.scheduleUnit == b.scheduleUnit && a.l1 == b.l1
    }
}

extension Recipe: CustomStringConvertible {
    public var description: String {
        var parts = ["\(optimizer.rawValue.uppercased()) lr \(learningRate.formatted())"]
        if momentum != 0 && optimizer == .sgd { parts.append("momentum \(momentum.formatted())\(nesterov ? " (Nesterov)" : "")") }
        if weightDecay != 0 { parts.append("wd \(weightDecay.formatted())") }
        if l1 != 0 { parts.append("l1 \(l1.formatted())") }
        if schedule != .constant || plateau != nil { parts.append(scheduleDescription + (scheduleUnit == .batch ? " per batch" : "")) }
        if let gradientClip { parts.append("clip \(gradientClip.formatted())") }
        parts.append("batch \(batchSize)")
        parts.append("\(epochs) epochs")
        if let resize { parts.append("\(resize)x\(resize)") }
        if !augmentation.isEmpty { parts.append("augment " + augmentation.joined(separator: " ")) }
        parts.append("init \(initialization?.description ?? "pytorch-default")")
        return parts.joined(separator: ", ")
    }
}
