import Datasets
import Engine
import Zoo

/// `zoo eval`: the test accuracy and evaluation speed of saved weights.
public enum ClassifierEvaluation {
    /// Loads `weights` into `entry`'s model, evaluates it on the test split of `dataset` at `resize`
    /// (default: the recipe's size) and prints the result.
    @discardableResult
    public static func execute(_ entry: ModelEntry, weights: String, dataset: DatasetName, resize: Int?,
                               testLimit: Int?, dataDir: String?) throws -> Double {
        let testSet = try dataset.load(split: .test, dataDir: dataDir)
        let side = resize ?? entry.recipe.resize ?? testSet.height
        try entry.requireInputSize(side)
        let model = entry.build(channels: testSet.channels, classes: testSet.classNames.count)
        try model.load(SafeTensors.read(weights), source: weights)
        let test = BatchLoader(testSet, batchSize: 256, shuffle: false, limit: testLimit,
                               resize: side == testSet.height ? nil : side)
        let clock = Stopwatch()
        let accuracy = ClassificationTask.accuracy(of: model, on: test)
        let seconds = clock.seconds
        var table = TextTable(header: ["model", "weights", "dataset", "test examples", "test acc", "eval ex/s"])
        table.add([entry.name, weights, dataset.rawValue, test.count.formatted(), fixed(accuracy, 4),
                   whole(Double(test.count) / seconds)])
        print(table.rendered)
        return accuracy
    }
}
