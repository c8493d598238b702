import Foundation
import Testing
@testable import Harness

/// Run plots: the curves land where their values say, in their colors, and PNG files round-trip.
@Suite struct PlotTests {
    let history = (1...4).map { epoch in
        // Curves far enough apart that their markers do not overlap.
        EpochMetrics(epoch: epoch, trainLoss: 2.7 - 0.4 * Double(epoch), trainAccuracy: 0.5 + 0.1 * Double(epoch),
                     testAccuracy: 0.25 + 0.1 * Double(epoch), trainExamplesPerSecond: 1, evalExamplesPerSecond: 1,
                     wallSeconds: 1)
    }

    @Test func everyPointIsDrawnInItsSeriesColor() throws {
        let plot = CurvePlot(history)
        #expect(plot.valueMax == 2.5 && plot.valueStep == 0.5)  // the largest value is the first loss, 2.3
        let canvas = plot.draw(title: "lenet on fashion-mnist")
        for series in plot.series {
            for (index, value) in series.values.enumerated() {
                let p = try #require(plot.point(epoch: Double(index + 1), value: value))
                #expect(canvas.color(x: Int(p.x.rounded()), y: Int(p.y.rounded())) == series.color, "\(series.name) epoch \(index + 1)")
            }
        }
        // Title text is drawn; the corner stays background.
        let title = (0..<300).contains { x in (16..<30).contains { y in canvas.color(x: CurvePlot.left + x, y: y) == .black } }
        #expect(title)
        #expect(canvas.color(x: 0, y: 0) == .white)
    }

    @Test func pngFilesRoundTrip() throws {
        var canvas = Canvas(width: 7, height: 5)
        canvas.fill(x: 2, y: 1, width: 3, height: 2, Canvas.Color(red: 10, green: 200, blue: 30))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("zoo-\(UUID().uuidString).png").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try PNGFile.write(canvas, to: path)
        let image = try PNGFile.readRGB(path)
        #expect(image.width == 7 && image.height == 5 && image.pixels == canvas.pixels)
        try Data("not a png".utf8).write(to: URL(fileURLWithPath: path))
        #expect { try PNGFile.readRGB(path) } throws: { String(describing: $0).contains("not a readable PNG") }
    }

    @Test func plotsSitNextToTheirRecords() {
        #expect(CurvePlot.path(forRecordAt: "Results/runs/lenet-x.json") == "Results/runs/lenet-x.png")
        #expect(CurvePlot.path(forRecordAt: "record") == "record.png")
    }

    /// Rectangles partly or wholly off the canvas draw only what is on it (a wholly-off one used to
    /// make an invalid range, which the release build turned into writes outside the pixels).
    @Test func fillsAreClippedToTheCanvas() {
        var canvas = Canvas(width: 6, height: 4)
        let blank = canvas.pixels
        for (x, y, w, h) in [(-20, 0, 5, 2), (7, 1, 3, 3), (0, -9, 2, 4), (1, 5, 2, 2), (Int.max - 1, Int.max - 1, 9, 9), (-3, -3, -5, 2)] {
            canvas.fill(x: x, y: y, width: w, height: h, .black)
        }
        #expect(canvas.pixels == blank)
        canvas.fill(x: -2, y: 3, width: 3, height: 9, .black)
        #expect(canvas.color(x: 0, y: 3) == .black && canvas.color(x: 1, y: 3) == Canvas.Color.white)
        canvas.line(-1e300, .nan, 3, 3, .black)
        canvas.line(2, 1, .infinity, 1, .black)
        #expect(canvas.color(x: 2, y: 1) == .white)
    }

    /// Histories no training run should produce still draw: huge, negative and non-finite values,
    /// 100,000 epochs, a title wider than the canvas.
    @Test func extremeHistoriesDraw() throws {
        func epochs(_ count: Int, loss: (Int) -> Double, accuracy: Double = 0.5) -> [EpochMetrics] {
            (1...count).map { EpochMetrics(epoch: $0, trainLoss: loss($0), trainAccuracy: accuracy, testAccuracy: accuracy,
                                           trainExamplesPerSecond: 1e300, evalExamplesPerSecond: .nan, wallSeconds: 1) }
        }
        let histories = [
            epochs(3) { [180_000, 1e300, .greatestFiniteMagnitude][$0 - 1] },
            epochs(3, loss: { [-5, .nan, .infinity][$0 - 1] }, accuracy: -0.7),
            epochs(100_000, loss: { Double($0) }),
        ]
        for history in histories {
            let plot = CurvePlot(history)
            #expect(plot.valueMax.isFinite && plot.valueStep > 0)
            let canvas = plot.draw(title: String(repeating: "a very long title ", count: 20))
            #expect(canvas.pixels.count == CurvePlot.width * CurvePlot.height * 3)
        }
        // The huge loss sits at the top of the axis, the negative one at its foot.
        let huge = CurvePlot(histories[0])
        #expect(try #require(huge.point(epoch: 3, value: .greatestFiniteMagnitude)).y == Double(CurvePlot.top))
        #expect(try #require(huge.point(epoch: 1, value: -5)).y == Double(CurvePlot.bottom))
        #expect(huge.point(epoch: 2, value: .nan) == nil)
        #expect(CurvePlot.label(180_000, step: 20_000) == "1.8e5" && CurvePlot.label(40_000, step: 20_000) == "40000")
        #expect(CurvePlot.roundStep(atLeast: 36_098) == 50_000 && CurvePlot.roundStep(atLeast: 0.8) == 1)
    }
}
