import Datasets
import Engine

/// PNG decoding through libpng (`PNGImage`), whose errors come back through a longjmp in C. Seeds: small
/// images of each colour type (1-bit gray, 4-bit palette with tRNS, interlaced 16-bit RGB, 8-bit RGBA,
/// 16-bit gray + alpha).
final class PNGTarget: FuzzTarget {
    let name = "png"
    let mutator: Mutator

    init() {
        func samples(_ count: Int, depth: Int) -> [Int] { (0..<count).map { ($0 * 7_919 + 13) % (1 << depth) } }
        var palette = PNGEncoder(width: 6, height: 5, colorType: .palette, depth: 4, samples: samples(30, depth: 4))
        palette.palette = (0..<16).map { [UInt8($0 * 16), UInt8(255 - $0 * 16), 7] }
        palette.transparency = [0, 255, 128]
        mutator = Mutator(seeds: [
            PNGEncoder(width: 9, height: 3, colorType: .gray, depth: 1, samples: samples(27, depth: 1)).encode(),
            palette.encode(),
            PNGEncoder(width: 7, height: 6, colorType: .rgb, depth: 16, samples: samples(126, depth: 16), interlaced: true).encode(),
            PNGEncoder(width: 4, height: 4, colorType: .rgba, depth: 8, samples: samples(64, depth: 8)).encode(),
            PNGEncoder(width: 3, height: 5, colorType: .grayAlpha, depth: 16, samples: samples(30, depth: 16)).encode(),
        ])
    }

    /// Half the inputs get their chunks' CRCs recomputed after the damage (variant 1): libpng refuses a
    /// critical chunk with a wrong CRC before it decodes anything, so unrepaired inputs rarely get further.
    func input(rng: inout RandomGenerator) -> FuzzInput {
        var input = mutator.input(text: false, rng: &rng)
        input.variant = rng.below(2)
        if input.variant == 1 { input.bytes = Self.repairingChecksums(input.bytes) }
        return input
    }

    /// `bytes` with the CRC of every whole chunk after the signature recomputed.
    static func repairingChecksums(_ bytes: [UInt8]) -> [UInt8] {
        var bytes = bytes, offset = 8
        while offset + 12 <= bytes.count {
            let length = bytes[offset..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) }
            guard length <= bytes.count - offset - 12 else { break }
            let crc = PNGEncoder.chunk("", Array(bytes[(offset + 4)..<(offset + 8 + length)])).suffix(4)
            bytes.replaceSubrange((offset + 8 + length)..<(offset + 12 + length), with: crc)
            offset += 12 + length
        }
        return bytes
    }

    func place(_ input: FuzzInput, stem: String, in folder: String) throws -> (path: String, remove: String) {
        try placeFile(input, stem: stem, fileExtension: "png", in: folder)
    }

    func parse(path: String, input: FuzzInput) throws {
        _ = try PNGImage(contentsOf: path)
    }
}

/// d2l's Kaggle labels file (`trainLabels.csv`, `id,label` rows) through `LabelsCSV`. Seed: the header
/// and twenty rows as the tiny CIFAR-10 copy has them, with CRLF line ends in the second.
final class LabelsCSVTarget: FuzzTarget {
    let name = "labels-csv"
    let mutator: Mutator

    init() {
        let labels = ["frog", "truck", "truck", "deer", "automobile", "automobile", "bird", "horse", "ship", "cat"]
        let rows = (1...20).map { "\($0),\(labels[$0 % labels.count])" }
        mutator = Mutator(seeds: [Array((["id,label"] + rows).joined(separator: "\n").utf8),
                                  Array((["id,label"] + rows.prefix(5)).joined(separator: "\r\n").utf8)])
    }

    func input(rng: inout RandomGenerator) -> FuzzInput {
        mutator.input(text: true, rng: &rng)
    }

    func place(_ input: FuzzInput, stem: String, in folder: String) throws -> (path: String, remove: String) {
        try placeFile(input, stem: stem, fileExtension: "csv", in: folder)
    }

    func parse(path: String, input: FuzzInput) throws {
        guard let text = String(bytes: try SeedFiles.read(path), encoding: .utf8) else { throw DatasetError.notText(path: path) }
        _ = try LabelsCSV.parse(text, source: path)
    }
}
