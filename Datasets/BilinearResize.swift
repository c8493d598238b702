/// Bilinear resizing of image planes with half-pixel centers (PyTorch's `interpolate(mode: "bilinear",
/// align_corners: false)`, which is also what PIL does when enlarging, as d2l's `Resize` does to
/// Fashion-MNIST). The taps are computed once and reused for every plane.
public struct BilinearResize: Sendable {
    public let inputHeight, inputWidth, outputHeight, outputWidth: Int
    private let rows: [Tap], columns: [Tap]

    /// Two neighbouring source indices and the weight of the second.
    struct Tap: Sendable {
        let first: Int, second: Int, weight: Float
    }

    public init(from input: (height: Int, width: Int), to output: (height: Int, width: Int)) {
        precondition(input.height > 0 && input.width > 0 && output.height > 0 && output.width > 0,
                     "resize needs positive sizes, got \(input) -> \(output)")
        (inputHeight, inputWidth, outputHeight, outputWidth) = (input.height, input.width, output.height, output.width)
        rows = BilinearResize.taps(input.height, output.height)
        columns = BilinearResize.taps(input.width, output.width)
    }

    static func taps(_ input: Int, _ output: Int) -> [Tap] {
        let scale = Float(input) / Float(output)
        return (0..<output).map { i in
            let source = max(0, (Float(i) + 0.5) * scale - 0.5)
            let first = min(Int(source), input - 1)
            return Tap(first: first, second: min(first + 1, input - 1), weight: source - Float(first))
        }
    }

    /// Resizes one plane from `source` (inputHeight x inputWidth) into `target` (outputHeight x outputWidth).
    public func apply(_ source: UnsafePointer<Float>, into target: UnsafeMutablePointer<Float>) {
        for (y, row) in rows.enumerated() {
            let top = source + row.first * inputWidth, bottom = source + row.second * inputWidth
            let out = target + y * outputWidth
            for (x, column) in columns.enumerated() {
                let upper = top[column.first] + (top[column.second] - top[column.first]) * column.weight
                let lower = bottom[column.first] + (bottom[column.second] - bottom[column.first]) * column.weight
                out[x] = upper + (lower - upper) * row.weight
            }
        }
    }
}
