import ArgumentParser
import Foundation
import Harness
import Zoo

struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show an image classifier's predictions: a grid of test images with true and predicted classes, or the top classes of PNG files.",
        discussion: """
            zoo predict lenet --weights W --count 16 --out grid.png     # Fashion-MNIST's test images, as d2l's predict_ch3
            zoo predict resnet18 --weights W --dataset FOLDER --out grid.png
            zoo predict resnet18 --weights W cat.png dog.png            # the five most probable classes of each
            """)

    @Argument(help: "The image classifier the weights belong to (see `zoo list`).")
    var model: ModelName

    @Option(help: "A safetensors file from `zoo run --save`.")
    var weights: String

    @Argument(help: "PNG files to classify (instead of the grid).")
    var images: [String] = []

    @OptionGroup var data: DataOptions

    @Option(help: "Images in the grid, spread over the test images.")
    var count = 16

    @Option(help: "Where the grid is written (PNG).")
    var out = "predictions.png"

    @Option(help: "Classes listed per image file.")
    var top = 5

    func validate() throws {
        guard case .classifier = model.model else { throw ValidationError("zoo predict takes image classifiers; \(model.model.name) is not one.") }
        try requireInRange(count, "--count", 1...256)
        try requireInRange(top, "--top", 1...1000)
        if !images.isEmpty && data.dataset != nil { throw ValidationError("give PNG files or --dataset, not both.") }
    }

    func run() throws {
        guard case let .classifier(entry) = model.model else { return }
        try reportingErrors {
            if images.isEmpty {
                let (correct, shown) = try Prediction.grid(entry, weights: weights, dataset: data.dataset ?? .default(for: model.model),
                                                           dataDir: data.dataDir, resize: data.resize, count: count, out: out)
                print("\(correct) of \(shown) predicted right; grid: \(out)")
            } else {
                let results = try Prediction.topClasses(entry, weights: weights, images: images, resize: data.resize, top: top)
                for (path, classes) in zip(images, results) {
                    print(path + ": " + classes.map { "\($0.name) \(String(format: "%.3f", $0.probability))" }.joined(separator: ", "))
                }
            }
        }
    }
}
