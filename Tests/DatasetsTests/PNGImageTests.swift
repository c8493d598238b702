import Foundation
import Testing
@testable import Datasets
import Fuzzing

/// PNG decoding through libpng: every colour type and depth against the samples written, the real
/// CIFAR-10 PNGs against Pillow, and damaged files refused with the file named.
@Suite struct PNGImageTests {
    /// Deterministic samples below 2^depth.
    static func samples(_ count: Int, depth: Int, seed: Int = 7) -> [Int] {
        (0..<count).map { ($0 * 2_654_435_761 + seed * 40_503) % (1 << depth) }
    }

    /// The channel-major floats a decoder should give for gray or RGB samples (alpha, if any, dropped).
    static func expected(_ png: PNGEncoder) -> [Float] {
        let stride = png.colorType.samplesPerPixel, area = png.width * png.height
        if png.colorType == .palette {
            return (0..<3).flatMap { c in (0..<area).map { Float(png.palette[png.samples[$0]][c]) / 255 } }
        }
        let channels = png.colorType == .gray || png.colorType == .grayAlpha ? 1 : 3
        let maximum = Float((1 << png.depth) - 1)
        return (0..<channels).flatMap { c in (0..<area).map { Float(png.samples[$0 * stride + c]) / maximum } }
    }

    static let kinds: [(PNGEncoder.ColorType, Int)] = [
        (.gray, 1), (.gray, 2), (.gray, 4), (.gray, 8), (.gray, 16), (.rgb, 8), (.rgb, 16), (.grayAlpha, 8), (.grayAlpha, 16),
        (.rgba, 8), (.rgba, 16), (.palette, 1), (.palette, 2), (.palette, 4), (.palette, 8),
    ]

    @Test(arguments: kinds.indices, [false, true])
    func everyColorTypeAndDepthDecodes(kind: Int, interlaced: Bool) throws {
        let (colorType, depth) = Self.kinds[kind]
        let (width, height) = (9, 7)  // odd sizes: Adam7's passes are partial
        var png = PNGEncoder(width: width, height: height, colorType: colorType, depth: depth,
                             samples: Self.samples(width * height * colorType.samplesPerPixel, depth: depth), interlaced: interlaced)
        if colorType == .palette {
            png.palette = (0..<(1 << depth)).map { (entry: Int) -> [UInt8] in
                [UInt8(entry * 37 % 256), UInt8(entry * 91 % 256), UInt8(255 - entry)]
            }
            png.transparency = [0, 128]  // alpha for the first two entries: dropped
        }
        let image = try PNGImage(decoding: png.encode(), source: "test.png")
        let channels = colorType == .gray || colorType == .grayAlpha ? 1 : 3
        #expect(image.channels == channels && image.height == height && image.width == width)
        #expect(image.pixels == Self.expected(png))
    }

    @Test func sixteenBitSamplesAreDividedBy65535() throws {
        let png = PNGEncoder(width: 3, height: 1, colorType: .gray, depth: 16, samples: [0, 32_768, 65_535])
        #expect(try PNGImage(decoding: png.encode(), source: "g16.png").pixels == [0, Float(32_768) / 65_535, 1])
    }

    /// An empty file on disk is "empty", not "unreadable".
    @Test func emptyFilesSayTheyAreEmpty() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try #require(FileManager.default.createFile(atPath: folder.file("zero.png"), contents: Data()))
        #expect { try PNGImage(contentsOf: folder.file("zero.png")) } throws: { "\($0)".contains("zero.png") && "\($0)".contains("empty") }
    }

    @Test func damagedFilesAreRefusedWithTheFileNamed() throws {
        let good = PNGEncoder(width: 8, height: 8, colorType: .rgb, depth: 8, samples: Self.samples(192, depth: 8)).encode()
        var badChecksum = good
        badChecksum[good.count - 20] ^= 0xFF  // inside IDAT
        let cases: [(String, [UInt8], String)] = [
            ("empty.png", [], "empty"),
            ("text.png", Array("hello, not an image".utf8), "not a PNG"),
            ("half.png", Array(good.prefix(good.count / 2)), "truncated"),
            ("crc.png", badChecksum, "IDAT"),
            ("signature-only.png", Array(good.prefix(8)), "truncated"),
        ]
        for (name, bytes, reason) in cases {
            do {
                _ = try PNGImage(decoding: bytes, source: name)
                Issue.record("\(name) decoded")
            } catch let error as DatasetError {
                #expect(error.description.contains(name) && error.description.contains(reason), "\(error.description)")
            }
        }
    }

    /// A 70-byte file whose header declares 8,000 x 8,000 pixels (within the 2^26 limit) cannot hold them:
    /// refused from the header, before 768 MB of floats are taken for them. 20,000 x 20,000 is over the limit.
    @Test(arguments: [8_000, 20_000])
    func headersDeclaringMoreThanTheFileHoldsAreRefused(side: Int) throws {
        var png = PNGEncoder(width: 1, height: 1, colorType: .rgb, depth: 8, samples: [0, 0, 0]).encode()
        var header = Array(png[16..<29])  // IHDR's data
        header.replaceSubrange(0..<8, with: PNGEncoder.bigEndian(UInt32(side)) + PNGEncoder.bigEndian(UInt32(side)))
        png.replaceSubrange(8..<33, with: PNGEncoder.chunk("IHDR", header))
        #expect { try PNGImage(decoding: png, source: "bomb.png") } throws: { "\($0)".contains("bomb.png") && "\($0)".contains("declares") }
    }

    /// Sums and pixels that Pillow 13.0.0 printed for these files (`np.asarray(Image.open(f).convert('RGB'))`).
    @Test(.enabled(if: TextCorpusTests.sharedDataAvailable, "../shared/data is not beside this clone"),
          arguments: [("train/1.png", 317_790, [59, 62, 63], [123, 92, 72]), ("train/500.png", 334_734, [109, 174, 224], [118, 141, 158]),
                      ("test/7.png", 249_562, [58, 56, 60], [38, 41, 40])])
    func realCIFARImagesMatchPillow(file: String, sum: Int, first: [Int], last: [Int]) throws {
        let image = try PNGImage(contentsOf: TextCorpusTests.sharedData + "/kaggle_cifar10_tiny/" + file)
        #expect(image.channels == 3 && image.height == 32 && image.width == 32)
        let bytes = image.pixels.map { Int(($0 * 255).rounded()) }
        #expect(bytes.reduce(0, +) == sum)
        #expect((0..<3).map { bytes[$0 * 1024] } == first && (0..<3).map { bytes[$0 * 1024 + 1023] } == last)
    }
}
