import Datasets
import Engine
import Foundation
import Zoo

/// What a run trains on or a model is evaluated on: one of the zoo's datasets, or a folder of labelled
/// PNG images (see `ImageFolder` for the layouts), decoded once or streamed from its files.
public enum DatasetChoice: Sendable, Equatable {
    case named(DatasetName)
    case folder(String, ImageFolder.Residence = .automatic)

    /// Reads `--dataset`: a dataset's name, else the path of a folder. An argument with a `/` is always a
    /// path (`./fashion-mnist` for a folder that has a dataset's name).
    public static func parse(_ argument: String) throws -> DatasetChoice {
        if !argument.contains("/"), let named = DatasetName(rawValue: argument) { return .named(named) }
        guard FileManager.default.isFolder(argument) else { throw RunError.unknownDataset(argument) }
        return .folder(argument)
    }

    /// The same folder, streamed from its files; a named dataset is left as it is.
    public var streamed: DatasetChoice {
        if case let .folder(path, _) = self { return .folder(path, .streamed) }
        return self
    }

    /// The name records, tables and file names use: the dataset's, or the folder's own name.
    public var name: String {
        switch self {
        case let .named(dataset): dataset.rawValue
        case let .folder(path, _): URL(fileURLWithPath: path).standardizedFileURL.lastPathComponent
        }
    }

    /// The dataset a model of this family trains on when none is named.
    public static func `default`(for model: ZooModel) -> DatasetChoice { .named(.default(for: model)) }

    /// Whether `model` trains on this dataset; an error naming both, and what would do, if not.
    func requireSuitable(for model: ZooModel) throws {
        switch self {
        case let .named(dataset): try dataset.requireSuitable(for: model)
        case .folder:
            guard case .classifier = model else {
                throw RunError.unsuitableDataset(model: model.name, dataset: name, suitable: [DatasetName.default(for: model).rawValue])
            }
        }
    }

    /// A classifier's training and test images, and where the test images come from: the dataset's test
    /// split, the folder's own (`test/` or `val/`), or `valFraction` of each class held out by `seed`.
    func classifierSets(dataDir: String?, valFraction: Double, seed: UInt64) throws
        -> (training: ImageClassificationSet, test: ImageClassificationSet, testName: String) {
        switch self {
        case let .named(dataset):
            return (try dataset.load(split: .train, dataDir: dataDir), try dataset.load(split: .test, dataDir: dataDir), "test")
        case let .folder(path, residence):
            let folder = try ImageFolder(path: path)
            if let test = folder.test {
                let (training, testImages) = (try folder.images(folder.training, residence: residence), try folder.images(test, residence: residence))
                guard training.channels == testImages.channels else {
                    throw DatasetError.badImageFolder(path: path, reason: "its training images have \(training.channels) channel(s) and its test images "
                                                      + "\(testImages.channels): they must agree")
                }
                return (training, testImages, "test")
            }
            guard let (training, heldOut) = try folder.images(folder.training, residence: residence).holdingOut(fraction: valFraction, seed: seed) else {
                throw DatasetError.badImageFolder(path: path, reason: "no class has two images to hold one out for validation; add images or a test/ folder")
            }
            return (training, heldOut, "held-out")
        }
    }

    /// The images `zoo eval` measures a classifier on: the dataset's test split, or every labelled image
    /// under the folder.
    func evaluationSet(dataDir: String?) throws -> ImageClassificationSet {
        switch self {
        case let .named(dataset): try dataset.load(split: .test, dataDir: dataDir)
        case let .folder(path, residence): try { let folder = try ImageFolder(path: path); return try folder.images(folder.all, residence: residence) }()
        }
    }
}
