import Datasets
import Zoo

/// The datasets `zoo run` can train on.
public enum DatasetName: String, CaseIterable, Sendable {
    case fashionMNIST = "fashion-mnist"
    case timeMachine = "timemachine"
    case fraEng = "fra-eng"
    case syntheticLinear = "synthetic-linear"

    /// A one-line description for `zoo list`.
    public var summary: String {
        switch self {
        case .fashionMNIST: "Fashion-MNIST: 60,000 training / 10,000 test grayscale 28x28 images, 10 classes"
        case .timeMachine: "The Time Machine (H. G. Wells), characters: 10,000 training / 5,000 held-out windows of 32 (d2l v1.0)"
        case .fraEng: "English-French sentence pairs (Tatoeba): 158,774 training / 8,356 held-out (every 20th) pairs"
        case .syntheticLinear: "y = x w + b + noise (w = [2, -3.4], b = 4.2, noise 0.01), x ~ N(0, 1): 1,000 training / 1,000 held-out examples drawn from --seed"
        }
    }

    /// The side of the dataset's square images as stored (before any resize), when all share one.
    public var storedSide: Int? {
        switch self {
        case .fashionMNIST: 28
        case .timeMachine, .fraEng, .syntheticLinear: nil
        }
    }

    /// The dataset a model of this family trains on when none is named.
    public static func `default`(for model: ZooModel) -> DatasetName {
        switch model {
        case .classifier: .fashionMNIST
        case .languageModel: .timeMachine
        case .translator: .fraEng
        case .regression: .syntheticLinear
        }
    }

    /// Whether `model` trains on this dataset; an error naming both, and what would do, if not.
    func requireSuitable(for model: ZooModel) throws {
        let suitable: [DatasetName] = switch model {
        case .classifier: [.fashionMNIST]
        case .languageModel: [.timeMachine]
        case .translator: [.fraEng]
        case .regression: [.syntheticLinear]
        }
        guard suitable.contains(self) else { throw RunError.unsuitableDataset(model: model.name, dataset: rawValue, suitable: suitable.map(\.rawValue)) }
    }

    /// Loads one split of an image dataset.
    func load(split: FashionMNIST.Split, dataDir: String?) throws -> ImageClassificationSet {
        try FashionMNIST.load(split: split, dataDir: dataDir)
    }
}
