import Engine
import Foundation

/// A transform of one image [channels, height, width], as torchvision's, named on the command line
/// (`--augment`). The random ones (d2l 14.1) apply to training images only, drawing from a generator
/// that the loader seeds from the run's seed, the epoch and the example, so a run (and a resumed run)
/// sees the same images; `normalize` applies to training and test images alike.
public enum ImageTransform: Sendable, Equatable, CustomStringConvertible {
    /// Mirror left-right with probability 1/2 (`RandomHorizontalFlip`).
    case flip
    /// Zero-pad `padding` on every side, then cut a random `size` x `size` window (`RandomCrop(size, padding)`).
    case crop(size: Int, padding: Int)
    /// Cut a random window of `scale` of the area and aspect ratio in `ratio` (log-uniform), resized to
    /// `size` x `size` (bilinear): `RandomResizedCrop(size, scale, ratio)`.
    case resizedCrop(size: Int, scale: ClosedRange<Double>, ratio: ClosedRange<Double>)
    /// (x - mean) / std per channel (`Normalize`).
    case normalize(mean: [Float], std: [Float])

    /// Parses `flip`, `crop:SIZE:PAD`, `resized-crop:SIZE[:SMIN:SMAX[:RMIN:RMAX]]` (defaults 0.08-1 and
    /// 3/4-4/3, as torchvision) or `normalize:M1,M2,...:S1,S2,...`; the error says what was expected.
    public static func parse(_ text: String) throws -> ImageTransform {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        func fail(_ expected: String) -> Error { TransformError(description: "--augment \(text): expected \(expected)") }
        func side(_ value: String) throws -> Int {
            guard let side = Int(value), (1...1024).contains(side) else { throw fail("a side between 1 and 1024, not `\(value)`") }
            return side
        }
        func range(_ low: String, _ high: String, _ what: String) throws -> ClosedRange<Double> {
            guard let a = Double(low), let b = Double(high), a > 0, a <= b, b <= 100 else { throw fail("\(what) as two positive numbers of at most 100, low then high") }
            return a...b
        }
        switch parts[0] {
        case "flip" where parts.count == 1: return .flip
        case "crop":
            guard parts.count == 3, let padding = Int(parts[2]), (0...1024).contains(padding) else { throw fail("crop:SIZE:PAD, e.g. crop:32:4") }
            return .crop(size: try side(parts[1]), padding: padding)
        case "resized-crop":
            guard [2, 4, 6].contains(parts.count) else { throw fail("resized-crop:SIZE[:SMIN:SMAX[:RMIN:RMAX]], e.g. resized-crop:32:0.64:1:1:1") }
            let scale = parts.count >= 4 ? try range(parts[2], parts[3], "the scale") : 0.08...1
            guard scale.upperBound <= 1 else { throw fail("a scale of at most 1") }
            let ratio = parts.count == 6 ? try range(parts[4], parts[5], "the aspect ratio") : 0.75...(4.0 / 3)
            return .resizedCrop(size: try side(parts[1]), scale: scale, ratio: ratio)
        case "normalize":
            let values = parts.dropFirst().map { $0.split(separator: ",").map { Float($0) } }
            guard parts.count == 3, values[0].count == values[1].count, !values[0].isEmpty,
                  case let (mean, std) = (values[0].compactMap { $0 }, values[1].compactMap { $0 }),
                  mean.count == values[0].count, std.count == values[1].count,
                  mean.allSatisfy(\.isFinite), std.allSatisfy({ $0 > 0 && $0.isFinite }) else {
                throw fail("normalize:MEAN,...:STD,... with one positive std per mean, e.g. normalize:0.4914,0.4822,0.4465:0.2023,0.1994,0.2010")
            }
            return .normalize(mean: mean, std: std)
        default:
            throw fail("flip, crop:SIZE:PAD, resized-crop:SIZE[:SMIN:SMAX[:RMIN:RMAX]] or normalize:MEAN,...:STD,...")
        }
    }

    public var description: String {
        func number(_ value: Double) -> String { value.formatted(.number.grouping(.never)) }
        switch self {
        case .flip: return "flip"
        case let .crop(size, padding): return "crop:\(size):\(padding)"
        case let .resizedCrop(size, scale, ratio):
            return "resized-crop:\(size):\(number(scale.lowerBound)):\(number(scale.upperBound)):\(number(ratio.lowerBound)):\(number(ratio.upperBound))"
        case let .normalize(mean, std):
            // Whole numbers without ".0", the rest as Swift prints them (the shortest text that reads back exactly).
            func text(_ value: Float) -> String { value == value.rounded() && abs(value) < 1e6 ? String(Int(value)) : "\(value)" }
            return "normalize:" + mean.map(text).joined(separator: ",") + ":" + std.map(text).joined(separator: ",")
        }
    }

    /// Whether it draws random numbers (and so applies to training images only).
    public var isRandom: Bool { if case .normalize = self { false } else { true } }

    /// The side of the images it makes from images of side `side`.
    public func outputSide(_ side: (height: Int, width: Int)) -> (height: Int, width: Int) {
        switch self {
        case .flip, .normalize: side
        case let .crop(size, _), let .resizedCrop(size, _, _): (size, size)
        }
    }

    /// Applies the transform to `image` ([channels, height, width], channel-major).
    public func apply(_ image: [Float], channels: Int, height: Int, width: Int, generator: inout RandomGenerator) -> [Float] {
        let area = height * width
        switch self {
        case .flip:
            guard generator.next() & 1 == 1 else { return image }
            var flipped = image
            for plane in 0..<channels {
                for y in 0..<height { flipped[(plane * height + y) * width..<(plane * height + y + 1) * width].reverse() }
            }
            return flipped
        case let .crop(size, padding):
            let top = generator.below(height + 2 * padding - size + 1) - padding
            let left = generator.below(width + 2 * padding - size + 1) - padding
            return Self.window(image, channels: channels, height: height, width: width, top: top, left: left, rows: size, columns: size)
        case let .resizedCrop(size, scale, ratio):
            let (top, left, rows, columns) = Self.resizedCropWindow(height: height, width: width, scale: scale, ratio: ratio, generator: &generator)
            let window = Self.window(image, channels: channels, height: height, width: width, top: top, left: left, rows: rows, columns: columns)
            let resize = BilinearResize(from: (rows, columns), to: (size, size))
            var result = [Float](repeating: 0, count: channels * size * size)
            window.withUnsafeBufferPointer { source in
                result.withUnsafeMutableBufferPointer { target in
                    for plane in 0..<channels {
                        resize.apply(source.baseAddress! + plane * rows * columns, into: target.baseAddress! + plane * size * size)
                    }
                }
            }
            return result
        case let .normalize(mean, std):
            var result = image
            for plane in 0..<channels {
                for i in (plane * area)..<((plane + 1) * area) { result[i] = (result[i] - mean[plane]) / std[plane] }
            }
            return result
        }
    }

    /// torchvision's `RandomResizedCrop.get_params`: ten tries at an area and a log-uniform aspect ratio
    /// that fit, else the centre crop with the ratio clamped to the range.
    static func resizedCropWindow(height: Int, width: Int, scale: ClosedRange<Double>, ratio: ClosedRange<Double>,
                                  generator: inout RandomGenerator) -> (top: Int, left: Int, rows: Int, columns: Int) {
        let area = Double(height * width)
        for _ in 0..<10 {
            let target = area * generator.uniform(in: scale)
            let aspect = exp(generator.uniform(in: log(ratio.lowerBound)...log(ratio.upperBound)))
            let columns = Int((target * aspect).squareRoot().rounded()), rows = Int((target / aspect).squareRoot().rounded())
            if columns > 0 && columns <= width && rows > 0 && rows <= height {
                return (generator.below(height - rows + 1), generator.below(width - columns + 1), rows, columns)
            }
        }
        let inRatio = Double(width) / Double(height)
        let (rows, columns) = inRatio < ratio.lowerBound ? (Int((Double(width) / ratio.lowerBound).rounded()), width)
            : inRatio > ratio.upperBound ? (height, Int((Double(height) * ratio.upperBound).rounded())) : (height, width)
        return ((height - rows) / 2, (width - columns) / 2, rows, columns)
    }

    /// The `rows` x `columns` window at (`top`, `left`) of every plane, zeros where it leaves the image.
    static func window(_ image: [Float], channels: Int, height: Int, width: Int, top: Int, left: Int, rows: Int, columns: Int) -> [Float] {
        var result = [Float](repeating: 0, count: channels * rows * columns)
        for plane in 0..<channels {
            for y in 0..<rows where (0..<height).contains(top + y) {
                for x in 0..<columns where (0..<width).contains(left + x) {
                    result[(plane * rows + y) * columns + x] = image[(plane * height + top + y) * width + left + x]
                }
            }
        }
        return result
    }
}

/// A transform that cannot be read from its name.
public struct TransformError: Error, CustomStringConvertible {
    public let description: String
}

extension ImageTransform {
    /// The transforms named in `names`, checked against images of `channels` channels and `side` pixels
    /// (after the resize): a normalisation needs a mean per channel, a crop must fit the padded image.
    /// `source` names where the transforms came from in errors.
    public static func checked(_ names: [String], channels: Int, side: (height: Int, width: Int),
                               source: String = "--augment") throws -> [ImageTransform] {
        var side = side
        return try names.map(parse).map { transform in
            if case let .normalize(mean, _) = transform, mean.count != channels {
                throw TransformError(description: "\(source) \(transform): \(mean.count) means and standard deviations for images of \(channels) channel(s)")
            }
            if case let .crop(size, padding) = transform, size > side.height + 2 * padding || size > side.width + 2 * padding {
                throw TransformError(description: "\(source) \(transform): a \(size)x\(size) window does not fit \(side.height)x\(side.width) images "
                                         + "padded by \(padding); use a smaller size, more padding or --resize")
            }
            side = transform.outputSide(side)
            return transform
        }
    }
}
