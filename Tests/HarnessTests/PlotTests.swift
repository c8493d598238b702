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

    @Test func everyPointIsDrawnInItsSeriesColor() {
        let plot = CurvePlot(history)
        #expect(plot.valueMax == 2.5 && plot.valueStep == 0.5)  // the largest value is the first loss, 2.3
        let canvas = plot.draw(title: "lenet on fashion-mnist")
        for series in plot.series {
            for (index, value) in series.values.enumerated() {
                let p = plot.point(epoch: Double(index + 1), value: value)
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
}
