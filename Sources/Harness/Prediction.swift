import Datasets
import Engine
import Foundation
import Zoo

/// `zoo predict`: what a saved image classifier makes of images, as d2l's `predict_ch3` figure shows it,
/// or as a list of its most probable classes per image file.
public enum Prediction {
    /// `count` images spread evenly over the test images of `dataset` (a folder: all its labelled
    /// images) in a grid, each with its true and predicted class under it (wrong ones in red, framed),
    /// written as a PNG to `out`. Returns how many it got right.
    @discardableResult
    public static func grid(_ entry: ModelEntry, weights: String, dataset: DatasetChoice, dataDir: String?, resize: Int?,
                            count: Int, out: String) throws -> (correct: Int, shown: Int) {
        try AtomicFile.checkWritable(out)
        try dataset.requireSuitable(for: .classifier(entry))
        let set = try dataset.streamed.evaluationSet(dataDir: dataDir)
        let saved = try SavedClassifier(entry, weights: weights)
        try saved.requireClasses(set.classNames)
        let model = try saved.model(channels: set.channels, classes: set.classNames.count)
        // Only the images shown are decoded (a folder too large for memory streams).
        let shown = try set.subset((0..<min(count, set.count)).map { $0 * set.count / min(count, set.count) }).decoded()
        let batch = try saved.loader(shown, resize: resize, limit: nil).batch(Array(0..<shown.count))
        let predicted = model.evaluating { withoutGradients { model(batch.images).argmax(axis: 1) } }
        try PNGFile.write(GridFigure(set: shown, predicted: predicted).canvas, to: out)
        return (zip(predicted, batch.labels).filter { $0 == $1 }.count, shown.count)
    }

    /// The `top` most probable classes of each PNG file in `images`, with their probabilities.
    public static func topClasses(_ entry: ModelEntry, weights: String, images: [String], resize: Int?,
                                  top: Int = 5) throws -> [[(name: String, probability: Float)]] {
        let saved = try SavedClassifier(entry, weights: weights)
        guard let classNames = saved.classNames else {
            throw RunError.mismatchedWeights(path: weights, reason: "it names no classes (its metadata has no `classes`); save it again with `zoo run --save`")
        }
        var model: (Module, channels: Int)?
        return try images.map { path in
            let image = try PNGImage(contentsOf: path)
            if model == nil { model = (try saved.model(channels: image.channels, classes: classNames.count), image.channels) }
            guard let (model, channels) = model, channels == image.channels else {
                throw DatasetError.badImageFolder(path: path, reason: "it has \(image.channels) channel(s) where \(images[0]) has \(model!.channels)")
            }
            let set = try ImageClassificationSet(pixels: image.pixels, labels: [0], channels: image.channels, height: image.height,
                                                 width: image.width, classNames: classNames, source: path)
            let batch = try saved.loader(set, resize: resize, limit: nil).batch([0])
            let probabilities = model.evaluating { withoutGradients { exp(logSoftmax(model(batch.images))).scalars } }
            return probabilities.indices.sorted { probabilities[$0] > probabilities[$1] }.prefix(top).map { (classNames[$0], probabilities[$0]) }
        }
    }
}

/// d2l's `predict_ch3` figure: a row-wrapped grid of the images of a (decoded) set, each with its true
/// class and, below, the prediction (in red and framed when wrong).
struct GridFigure {
    let set: ImageClassificationSet
    let predicted: [Int]
    private var indices: Range<Int> { 0..<set.count }

    var canvas: Canvas {
        let zoom = max(1, 72 / max(set.height, set.width))
        let labels = indices.map { set.classNames[Int(set.labels[$0])] } + predicted.map { set.classNames[$0] }
        let cellWidth = max(set.width * zoom, labels.map { Canvas.textWidth($0, scale: 1) }.max() ?? 0) + 12
        let cellHeight = set.height * zoom + 34
        let columns = min(8, indices.count), rows = (indices.count + columns - 1) / columns
        var canvas = Canvas(width: columns * cellWidth, height: rows * cellHeight)
        let red = Canvas.Color(red: 200, green: 30, blue: 30)
        for (cell, index) in indices.enumerated() {
            let (left, top) = ((cell % columns) * cellWidth + 6, (cell / columns) * cellHeight + 4)
            let truth = Int(set.labels[index]), guess = predicted[cell]
            if truth != guess { canvas.fill(x: left - 3, y: top - 3, width: set.width * zoom + 6, height: set.height * zoom + 6, red) }
            draw(index, into: &canvas, left: left, top: top, zoom: zoom)
            canvas.text(set.classNames[truth], x: left, y: top + set.height * zoom + 6, scale: 1)
            canvas.text(set.classNames[guess], x: left, y: top + set.height * zoom + 18, truth == guess ? .black : red, scale: 1)
        }
        return canvas
    }

    /// Example `index`, each pixel a `zoom` x `zoom` square (gray, or the first three channels as RGB).
    private func draw(_ index: Int, into canvas: inout Canvas, left: Int, top: Int, zoom: Int) {
        let area = set.height * set.width, base = index * set.channels * area
        func byte(_ channel: Int, _ pixel: Int) -> UInt8 { UInt8(max(0, min(1, set.pixels[base + channel * area + pixel])) * 255) }
        for y in 0..<set.height {
            for x in 0..<set.width {
                let pixel = y * set.width + x
                let color = set.channels >= 3 ? Canvas.Color(red: byte(0, pixel), green: byte(1, pixel), blue: byte(2, pixel))
                    : Canvas.Color(red: byte(0, pixel), green: byte(0, pixel), blue: byte(0, pixel))
                canvas.fill(x: left + x * zoom, y: top + y * zoom, width: zoom, height: zoom, color)
            }
        }
    }
}
