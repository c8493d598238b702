import Datasets

/// The datasets `zoo run` can train on.
public enum DatasetName: String, CaseIterable, Sendable {
    case fashionMNIST = "fashion-mnist"

    /// A one-line description for `zoo list`.
    public var summary: String {
        switch self {
        case .fashionMNIST: "Fashion-MNIST: 60,000 training / 10,000 test grayscale 28x28 images, 10 classes"
        }
    }

    /// The side of the dataset's square images as stored (before any resize), when all share one.
    public var storedSide: Int? {
        switch self {
        case .fashionMNIST: 28
        }
    }

    /// Loads one split of the dataset.
    func load(split: FashionMNIST.Split, dataDir: String?) throws -> ImageClassificationSet {
        switch self {
        case .fashionMNIST: try FashionMNIST.load(split: split, dataDir: dataDir)
        }
    }
}
