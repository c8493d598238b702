import Foundation

/// The training curves of a run as d2l draws them, per epoch on one set of axes, written as a PNG next
/// to the run's record: training loss, training accuracy and test accuracy for classifiers; training and
/// held-out perplexity for language models; held-out BLEU for translators.
struct CurvePlot {
    struct Series {
        let name: String
        let color: Canvas.Color
        let values: [Double]
        /// Where each value lies on the epoch axis; nil: value i at epoch i + 1.
        var positions: [Double]? = nil
    }

    static let width = 720, height = 450
    /// The plot area inside the margins (title above, axis labels and legend below).
    static let left = 70, right = width - 24, top = 50, bottom = height - 80

    let series: [Series]
    let epochs: Int
    /// The top of the value axis and the spacing of its ticks.
    let valueMax: Double, valueStep: Double

    init(_ history: [EpochMetrics]) {
        series = history.first?.heldOut["bleu"] != nil ? [
            Series(name: "held-out BLEU (greedy)", color: Canvas.Color(red: 44, green: 160, blue: 44), values: history.map { $0.heldOut["bleu"] ?? .nan }),
        ] : history.first?.perplexity != nil ? [
            Series(name: "train ppl", color: Canvas.Color(red: 31, green: 119, blue: 180), values: history.map { perplexity($0.trainLoss) }),
            Series(name: "held-out ppl", color: Canvas.Color(red: 44, green: 160, blue: 44), values: history.map { $0.perplexity ?? .nan }),
        ] : [
            Series(name: "train loss", color: Canvas.Color(red: 31, green: 119, blue: 180), values: history.map(\.trainLoss)),
            Series(name: "train acc", color: Canvas.Color(red: 148, green: 103, blue: 189), values: history.map(\.trainAccuracy)),
            Series(name: "test acc", color: Canvas.Color(red: 44, green: 160, blue: 44), values: history.map(\.testAccuracy)),
        ]
        epochs = max(1, history.count)
        // Past 1e300 the axis arithmetic would overflow; larger values are drawn at the top.
        let largest = min(series.flatMap(\.values).filter(\.isFinite).max() ?? 1, 1e300)
        valueStep = largest <= 1.5 ? 0.2 : largest <= 4 ? 0.5 : Self.roundStep(atLeast: largest / 5)
        valueMax = max(1, (largest / valueStep).rounded(.up) * valueStep)
    }

    /// Curves of any values over `epochs` (a learning rate per batch, say): the value axis fits the largest
    /// value, however small, in about five round steps.
    init(series: [Series], epochs: Int) {
        self.series = series
        self.epochs = max(1, epochs)
        let largest = min(series.flatMap(\.values).filter { $0.isFinite && $0 > 0 }.max() ?? 1, 1e300)
        valueStep = Self.roundStep(atLeast: largest / 5)
        valueMax = (largest / valueStep).rounded(.up) * valueStep
    }

    /// Where (epoch, value) lands on the canvas: values outside the axis are drawn at its end (0 or
    /// `valueMax`); a value that is not a number has no place (nil).
    func point(epoch: Double, value: Double) -> (x: Double, y: Double)? {
        guard value.isFinite else { return nil }
        return (Double(Self.left) + epoch / Double(epochs) * Double(Self.right - Self.left),
                Double(Self.bottom) - min(max(value, 0), valueMax) / valueMax * Double(Self.bottom - Self.top))
    }

    /// The smallest step of 1, 2 or 5 times a power of ten that is at least `minimum` (> 0).
    static func roundStep(atLeast minimum: Double) -> Double {
        let power = Foundation.pow(10, Foundation.floor(Foundation.log10(minimum)))
        return [1, 2, 5, 10].map { $0 * power }.first { $0 >= minimum }!
    }

    /// A value-axis label: below steps of 1 as many decimals as the step has (at least one), whole numbers
    /// up to 99,999, then "2.5e7".
    static func label(_ value: Double, step: Double) -> String {
        if step < 1 { return fixed(value, max(1, Int(-Foundation.floor(Foundation.log10(step) + 1e-9)))) }
        if value < 100_000 { return fixed(value, 0) }
        let parts = String(format: "%.2g", value).split(separator: "e")
        return parts[0] + "e" + String(Int(parts[1])!)
    }

    /// The plot, titled `title`.
    func draw(title: String) -> Canvas {
        var canvas = Canvas(width: Self.width, height: Self.height)
        canvas.text(title, x: Self.left, y: 16)
        let ticks = Int((valueMax / valueStep).rounded())
        for tick in 0...ticks {
            let value = Double(tick) * valueStep
            let y = Int(point(epoch: 0, value: value)!.y.rounded())
            canvas.fill(x: Self.left, y: y, width: Self.right - Self.left, height: 1, .grid)
            let label = Self.label(value, step: valueStep)
            canvas.text(label, x: Self.left - 10 - Canvas.textWidth(label), y: y - 7)
        }
        let epochStep = max(1, Int((Double(epochs) / 10).rounded(.up)))
        for epoch in Swift.stride(from: 0, through: epochs, by: epochStep) {
            let x = Int(point(epoch: Double(epoch), value: 0)!.x.rounded())
            canvas.fill(x: x, y: Self.top, width: 1, height: Self.bottom - Self.top, .grid)
            canvas.text(String(epoch), x: x - Canvas.textWidth(String(epoch)) / 2, y: Self.bottom + 8)
        }
        canvas.fill(x: Self.left, y: Self.top, width: 1, height: Self.bottom - Self.top + 1, .axis)
        canvas.fill(x: Self.left, y: Self.bottom, width: Self.right - Self.left + 1, height: 1, .axis)
        canvas.text("epoch", x: (Self.left + Self.right - Canvas.textWidth("epoch")) / 2, y: Self.bottom + 28)

        var legendX = Self.left
        for line in series {
            let points = line.values.enumerated().map { point(epoch: line.positions?[$0.offset] ?? Double($0.offset + 1), value: $0.element) }
            for case let (a?, b?) in zip(points, points.dropFirst()) { canvas.line(a.x, a.y, b.x, b.y, line.color) }
            // Markers only where they stay apart (a value per epoch, not per batch).
            for case let p? in points where points.count <= 100 {
                canvas.fill(x: Int(p.x.rounded()) - 3, y: Int(p.y.rounded()) - 3, width: 7, height: 7, line.color)
            }
            canvas.fill(x: legendX, y: Self.height - 26, width: 14, height: 14, line.color)
            canvas.text(line.name, x: legendX + 22, y: Self.height - 26)
            legendX += 22 + Canvas.textWidth(line.name) + 40
        }
        return canvas
    }
}

extension CurvePlot {
    /// Where the plot of a record at `recordPath` goes: the same name with `.png`.
    static func path(forRecordAt recordPath: String) -> String {
        (recordPath.hasSuffix(".json") ? String(recordPath.dropLast(5)) : recordPath) + ".png"
    }

    /// Draws the curves of `model`'s run on `dataset` and writes them to `path` as a PNG (atomically).
    static func write(_ history: [EpochMetrics], model: String, dataset: String, to path: String) throws {
        let metric = history.last.map { last in
            last.heldOut["bleu"].map { ", BLEU " + fixed($0, 2) } ?? last.perplexity.map { ", held-out ppl " + fixed($0, 2) }
                ?? ", test acc " + fixed(last.testAccuracy, 3)
        }
        try PNGFile.write(CurvePlot(history).draw(title: "\(model) on \(dataset)\(metric ?? "")"), to: path)
    }
}
