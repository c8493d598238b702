import Datasets
import Engine
import Zoo

/// An image classifier's weights file with what its run saved beside them in the metadata: the class
/// names (`classes`), the input side (`side`) and the transforms that draw nothing (`preprocess`:
/// normalisation), so that evaluation and prediction see images as training did.
struct SavedClassifier {
    let entry: ModelEntry
    let path: String
    let file: (tensors: [String: Tensor], metadata: [String: String], dtypes: [String: String])

    init(_ entry: ModelEntry, weights path: String) throws {
        (self.entry, self.path) = (entry, path)
        file = try SafeTensors.read(path)
    }

    /// The class names saved with the weights (Fashion-MNIST's for files from before they were saved).
    var classNames: [String]? {
        file.metadata["classes"].flatMap(strings(ofJSONList:)) ?? (file.metadata["dataset"] == DatasetName.fashionMNIST.rawValue ? FashionMNIST.classNames : nil)
    }

    /// The input side the run trained at (`side`), if it saved one.
    var savedSide: Int? { file.metadata["side"].flatMap { Int($0) } }

    /// The names of the transforms that drew nothing in the run (`preprocess`: normalisation).
    var savedPreprocess: [String] { file.metadata["preprocess"].flatMap(strings(ofJSONList:)) ?? [] }

    /// Throws unless the weights were saved for `names` (files that name no classes pass).
    func requireClasses(_ names: [String]) throws {
        guard let saved = classNames, saved != names else { return }
        throw RunError.mismatchedWeights(path: path, reason: "it was trained on the classes \(saved) and the images here have \(names)")
    }

    /// The side images are resized to: `requested`, else the run's, else the recipe's or the model's own.
    func side(requested: Int?, images: Int) throws -> Int {
        let side = entry.inputSide(requested: requested ?? savedSide ?? entry.recipe.resize, images: images)
        try entry.requireInputSize(side)
        return side
    }

    /// The saved transforms, checked against images of `channels` channels and `side` pixels.
    func preprocess(channels: Int, side: Int) throws -> [ImageTransform] {
        try ImageTransform.checked(savedPreprocess, channels: channels, side: (side, side),
                                   source: "\(path) (its metadata's preprocess)")
    }

    /// The model for images of `channels` channels and `classes` classes, with the weights loaded.
    func model(channels: Int, classes: Int) throws -> Module {
        let model = entry.build(channels: channels, classes: classes)
        try model.load(file, source: path)
        return model
    }

    /// A loader of `set` as the model expects its images.
    func loader(_ set: ImageClassificationSet, resize: Int?, limit: Int?, batchSize: Int = 256) throws -> BatchLoader {
        let side = try side(requested: resize, images: set.height)
        return BatchLoader(set, batchSize: batchSize, shuffle: false, limit: limit,
                           resize: side == set.height && side == set.width ? nil : side,
                           transforms: try preprocess(channels: set.channels, side: side))
    }
}
