/// An RGB raster to draw plots on: filled rectangles, thick lines and text in `BitmapFont`.
struct Canvas {
    struct Color: Equatable {
        var red, green, blue: UInt8
        static let white = Color(red: 255, green: 255, blue: 255), black = Color(red: 0, green: 0, blue: 0)
        static let grid = Color(red: 225, green: 225, blue: 225), axis = Color(red: 90, green: 90, blue: 90)
    }

    let width, height: Int
    /// Row-major RGB bytes, top row first.
    private(set) var pixels: [UInt8]

    init(width: Int, height: Int, background: Color = .white) {
        self.width = width
        self.height = height
        pixels = Array(repeating: 0, count: width * height * 3)
        fill(x: 0, y: 0, width: width, height: height, background)
    }

    func color(x: Int, y: Int) -> Color {
        let i = (y * width + x) * 3
        return Color(red: pixels[i], green: pixels[i + 1], blue: pixels[i + 2])
    }

    /// Fills the rectangle, clipped to the canvas: a rectangle partly or wholly off the canvas draws
    /// only its visible part, or nothing.
    mutating func fill(x: Int, y: Int, width w: Int, height h: Int, _ color: Color) {
        let columns = max(0, x)..<max(max(0, x), min(width, x.addingClamped(w)))
        let rows = max(0, y)..<max(max(0, y), min(height, y.addingClamped(h)))
        for row in rows {
            for column in columns {
                let i = (row * width + column) * 3
                (pixels[i], pixels[i + 1], pixels[i + 2]) = (color.red, color.green, color.blue)
            }
        }
    }

    /// A line `thickness` pixels wide from (x0, y0) to (x1, y1), whose ends must lie on the canvas
    /// (a line with an end elsewhere is not drawn).
    mutating func line(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double, _ color: Color, thickness: Int = 2) {
        let (right, bottom) = (Double(width), Double(height))
        guard [x0, x1].allSatisfy({ (0...right).contains($0) }), [y0, y1].allSatisfy({ (0...bottom).contains($0) }) else { return }
        let steps = max(1, Int(max(abs(x1 - x0), abs(y1 - y0)).rounded(.up)))
        for step in 0...steps {
            let t = Double(step) / Double(steps)
            let (x, y) = (Int((x0 + (x1 - x0) * t).rounded()), Int((y0 + (y1 - y0) * t).rounded()))
            fill(x: x - thickness / 2, y: y - thickness / 2, width: thickness, height: thickness, color)
        }
    }

    /// Draws `text` with its top-left corner at (x, y), each font pixel `scale` pixels wide.
    mutating func text(_ text: String, x: Int, y: Int, _ color: Color = .black, scale: Int = 2) {
        for (index, character) in text.enumerated() {
            let left = x + index * (BitmapFont.width + 1) * scale
            for row in 0..<BitmapFont.height {
                for column in 0..<BitmapFont.width where BitmapFont.isSet(character, x: column, y: row) {
                    fill(x: left + column * scale, y: y + row * scale, width: scale, height: scale, color)
                }
            }
        }
    }

    /// The width in pixels of `text` drawn at `scale`.
    static func textWidth(_ text: String, scale: Int = 2) -> Int { text.count * (BitmapFont.width + 1) * scale - scale }
}

extension Int {
    /// `self + other`, or the nearest representable value when the sum would overflow.
    func addingClamped(_ other: Int) -> Int {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? .max : .min) : sum
    }
}
