import Engine
import Foundation
import Testing
@testable import Datasets

/// The image transforms of `--augment`: parsing, each one's effect on a known image, and determinism.
@Suite struct ImageTransformTests {
    /// A 2-channel 3x4 image whose values name their place: channel * 100 + row * 10 + column.
    static let image: [Float] = place(columns: [0, 1, 2, 3])
    /// The image with its columns in the order given.
    static func place(columns: [Int]) -> [Float] {
        var values: [Float] = []
        for c in 0..<2 { for y in 0..<3 { for x in columns { values.append(Float(c * 100 + y * 10 + x)) } } }
        return values
    }

    @Test func namesParseAndPrintBack() throws {
        for name in ["flip", "crop:32:4", "resized-crop:32:0.64:1:1:1", "normalize:0.5,0.25:0.5,2"] {
            #expect(try ImageTransform.parse(name).description == name)
        }
        #expect(try ImageTransform.parse("resized-crop:224") == .resizedCrop(size: 224, scale: 0.08...1, ratio: 0.75...(4.0 / 3)))
        for bad in ["flop", "flip:1", "crop:32", "crop:0:4", "crop:32:-1", "resized-crop:32:0.5", "resized-crop:32:0.9:0.5",
                    "resized-crop:32:0.5:2", "resized-crop:32:0.5:1:1:1000", "normalize:0.5:0", "normalize:0.5,0.5:1", "normalize:a:1", "normalize:0.5"] {
            #expect { try ImageTransform.parse(bad) } throws: { "\($0)".contains("--augment \(bad): expected") }
        }
    }

    @Test func flipsMirrorRowsHalfTheTime() {
        var generator = RandomGenerator(seed: 1)
        let mirrored = Self.place(columns: [3, 2, 1, 0])
        var flips = 0
        for _ in 0..<200 {
            let result = ImageTransform.flip.apply(Self.image, channels: 2, height: 3, width: 4, generator: &generator)
            #expect(result == Self.image || result == mirrored)
            if result == mirrored { flips += 1 }
        }
        #expect((70...130).contains(flips))
    }

    @Test func cropsTakeEveryPaddedWindow() {
        var generator = RandomGenerator(seed: 2)
        var corners = Set<[Float]>()
        for _ in 0..<400 {
            let result = ImageTransform.crop(size: 2, padding: 1).apply(Self.image, channels: 2, height: 3, width: 4, generator: &generator)
            #expect(result.count == 2 * 2 * 2)
            // Each value is 0 (padding) or the source value one step right of its left neighbour.
            #expect(zip(result[0..<4], result[4..<8]).allSatisfy { $0 == 0 && $1 == 0 || $1 == $0 + 100 || $0 == 0 })
            corners.insert(Array(result[0..<4]))
        }
        // Tops -1...2 and lefts -1...3: 4 x 5 windows, all drawn.
        #expect(corners.count == 20)
        var again = RandomGenerator(seed: 0)
        #expect(ImageTransform.crop(size: 3, padding: 0).apply(Array(Self.image[0..<9]), channels: 1, height: 3, width: 3, generator: &again)
                == Array(Self.image[0..<9]))
    }

    @Test func resizedCropsKeepTheirScaleAndRatio() {
        var generator = RandomGenerator(seed: 3)
        for _ in 0..<300 {
            let (top, left, rows, columns) = ImageTransform.resizedCropWindow(height: 40, width: 40, scale: 0.64...1, ratio: 1...1, generator: &generator)
            #expect(rows == columns && top >= 0 && left >= 0 && top + rows <= 40 && left + columns <= 40)
            #expect((0.62...1).contains(Double(rows * columns) / 1600))
        }
        // The whole image at scale 1 and its own ratio, resized to its own size: unchanged.
        let whole = ImageTransform.resizedCrop(size: 3, scale: 1...1, ratio: 1...1)
        #expect(whole.apply(Array(Self.image[0..<9]), channels: 1, height: 3, width: 3, generator: &generator) == Array(Self.image[0..<9]))
        let small = ImageTransform.resizedCrop(size: 5, scale: 0.08...1, ratio: 0.75...(4.0 / 3))
        #expect(small.apply(Self.image, channels: 2, height: 3, width: 4, generator: &generator).count == 2 * 5 * 5)
    }

    @Test func normalizationIsPerChannel() throws {
        var generator = RandomGenerator(seed: 4)
        let result = ImageTransform.normalize(mean: [1, 100], std: [2, 10]).apply(Self.image, channels: 2, height: 3, width: 4, generator: &generator)
        #expect(result[0] == -0.5 && result[11] == 11 && result[12] == 0 && result[23] == 2.3)
        #expect { try ImageTransform.checked(["normalize:0.5:1"], channels: 3, side: (8, 8)) } throws: { "\($0)".contains("3 channel") }
        // A crop must fit the padded image it receives (after the crops before it).
        #expect { try ImageTransform.checked(["crop:40:4"], channels: 1, side: (28, 28)) } throws: { "\($0)".contains("does not fit 28x28") }
        #expect(try ImageTransform.checked(["crop:36:4"], channels: 1, side: (28, 28)).count == 1)
        #expect { try ImageTransform.checked(["resized-crop:20", "crop:24:1"], channels: 1, side: (28, 28)) } throws: { "\($0)".contains("20x20") }
    }

    /// Training batches draw the same transforms for the same seed, epoch and example (so resuming
    /// repeats them) and new ones in another epoch; the shape follows the last crop.
    @Test func loadersTransformDeterministically() throws {
        let set = try ImageClassificationSet(pixels: (0..<(8 * 3 * 6 * 6)).map { Float($0 % 97) / 97 }, labels: Array(repeating: 0, count: 8),
                                             channels: 3, height: 6, width: 6, classNames: ["a"])
        let transforms = try ["resized-crop:4:0.5:1", "flip", "normalize:0.5,0.5,0.5:0.2,0.2,0.2"].map(ImageTransform.parse)
        func loader() -> BatchLoader { BatchLoader(set, batchSize: 4, shuffle: true, seed: 7, resize: 10, transforms: transforms) }
        #expect(loader().exampleShape == [3, 4, 4])
        let first = try loader().epoch(1).all().map(\.images.scalars), again = try loader().epoch(1).all().map(\.images.scalars)
        #expect(first == again)
        #expect(try loader().epoch(1, from: 1).all().map(\.images.scalars) == Array(first[1...]))
        #expect(try loader().epoch(2).all().map(\.images.scalars) != first)
    }
}
