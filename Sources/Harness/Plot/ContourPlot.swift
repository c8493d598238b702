import Foundation

/// A map of a two-variable function in bands of log10 f (light low, dark high) with optimizers' paths
/// drawn over it, each from a square (start) to a circle (end), and the minima as crosses.
struct ContourPlot {
    let function: TestFunction
    let paths: [[(x: Float, y: Float)]]

    func draw(title: String, size: Int = 640) -> Canvas {
        let margin = 50, side = size - 2 * margin
        var canvas = Canvas(width: size, height: size + 30)
        let region = function.region
        func pixel(_ x: Double, _ y: Double) -> (Double, Double) {
            (Double(margin) + (x - region.x.lowerBound) / (region.x.upperBound - region.x.lowerBound) * Double(side),
             Double(margin + 30) + (region.y.upperBound - y) / (region.y.upperBound - region.y.lowerBound) * Double(side))
        }
        // Bands of log10(f + 1e-3), a cell every 4 pixels.
        let cell = 4
        var levels: [Double] = []
        for row in stride(from: 0, to: side, by: cell) {
            for column in stride(from: 0, to: side, by: cell) {
                let x = region.x.lowerBound + (Double(column) + 2) / Double(side) * (region.x.upperBound - region.x.lowerBound)
                let y = region.y.upperBound - (Double(row) + 2) / Double(side) * (region.y.upperBound - region.y.lowerBound)
                levels.append(log10(function.value(x, y) + 1e-3))
            }
        }
        let (low, high) = (levels.min() ?? 0, levels.max() ?? 1)
        var index = 0
        for row in stride(from: 0, to: side, by: cell) {
            for column in stride(from: 0, to: side, by: cell) {
                let band = Int(((levels[index] - low) / max(high - low, 1e-9) * 12).rounded(.down))
                let shade = UInt8(245 - min(band, 12) * 15)
                canvas.fill(x: margin + column, y: margin + 30 + row, width: cell, height: cell,
                            Canvas.Color(red: shade, green: shade, blue: 255 - (255 - shade) / 3))
                index += 1
            }
        }
        for minimum in function.minima {
            let (px, py) = pixel(minimum.x, minimum.y)
            canvas.line(px - 5, py - 5, px + 5, py + 5, .black)
            canvas.line(px - 5, py + 5, px + 5, py - 5, .black)
        }
        let colors = [Canvas.Color(red: 210, green: 30, blue: 30), Canvas.Color(red: 20, green: 140, blue: 40),
                      Canvas.Color(red: 230, green: 120, blue: 0), Canvas.Color(red: 130, green: 30, blue: 170)]
        for (number, path) in paths.enumerated() {
            let color = colors[number % colors.count]
            // At most 2,000 segments: every k-th point of a long path.
            let stepSize = max(1, path.count / 2_000)
            var previous = pixel(Double(path[0].x), Double(path[0].y))
            canvas.fill(x: Int(previous.0) - 4, y: Int(previous.1) - 4, width: 9, height: 9, color)
            for point in stride(from: stepSize, to: path.count, by: stepSize).map({ path[$0] }) + [path[path.count - 1]] {
                let next = pixel(Double(point.x), Double(point.y))
                canvas.line(previous.0, previous.1, next.0, next.1, color)
                previous = next
            }
            for dy in -3...3 { for dx in -3...3 where dx * dx + dy * dy <= 10 { canvas.fill(x: Int(previous.0) + dx, y: Int(previous.1) + dy, width: 1, height: 1, color) } }
        }
        canvas.text(title, x: margin, y: 12)
        canvas.text("x \(region.x.lowerBound.formatted())...\(region.x.upperBound.formatted())  y \(region.y.lowerBound.formatted())...\(region.y.upperBound.formatted())",
                    x: margin, y: size + 30 - margin + 14, scale: 1)
        return canvas
    }
}
