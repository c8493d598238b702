import CZlib
import Foundation

/// Writing seed and input files, plain or gzip-compressed through zlib's gzopen/gzwrite.
public enum SeedFiles {
    public struct WriteFailure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Writes `bytes` to `path`, gzip-compressed when `gzip`.
    public static func write(_ bytes: [UInt8], gzip: Bool = false, to path: String) throws {
        if !gzip {
            guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
                throw WriteFailure(description: "zoo-fuzz: cannot write \(path)")
            }
            return
        }
        guard let file = gzopen(path, "wb") else { throw WriteFailure(description: "zoo-fuzz: cannot gzopen \(path)") }
        let written = bytes.isEmpty ? 0 : bytes.withUnsafeBytes { gzwrite(file, $0.baseAddress, UInt32($0.count)) }
        let closed = gzclose(file)
        guard Int(written) == bytes.count, closed == Z_OK else {
            throw WriteFailure(description: "zoo-fuzz: gzwrite to \(path) failed")
        }
    }

    /// The bytes of the file at `path`.
    public static func read(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw WriteFailure(description: "zoo-fuzz: cannot read \(path)")
        }
        return [UInt8](data)
    }

    /// An unsigned-byte IDX file: magic 0x0000080R, big-endian sizes, then `payload`.
    public static func idx(dimensions: [Int], payload: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = [0, 0, 8, UInt8(dimensions.count)]
        for size in dimensions { bytes += [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: size >> $0) } }
        return bytes + payload
    }

    /// `count` small 28x28 images of deterministic noise and their labels (0...9), as IDX files.
    public static func fashionMNIST(count: Int) -> (images: [UInt8], labels: [UInt8]) {
        var state: UInt32 = 12345
        let pixels = (0..<count * 28 * 28).map { _ -> UInt8 in
            state = state &* 1_664_525 &+ 1_013_904_223
            return UInt8(truncatingIfNeeded: state >> 24)
        }
        return (idx(dimensions: [count, 28, 28], payload: pixels), idx(dimensions: [count], payload: (0..<count).map { UInt8($0 % 10) }))
    }
}
