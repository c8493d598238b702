import Datasets
import Foundation

/// Fashion-MNIST from the usual places (the README's test command installs Debian's package), loaded once.
enum FashionMNISTSubset {
    static let available = (try? FashionMNIST.locate(dataDir: nil, download: false)) != nil
    static let train: ImageClassificationSet? = try? FashionMNIST.load(split: .train, dataDir: nil, download: false)
    static let test: ImageClassificationSet? = try? FashionMNIST.load(split: .test, dataDir: nil, download: false)
}
