/// An unsigned-byte IDX array (the MNIST file format): a shape and its row-major payload.
public struct IDXArray: Sendable {
    /// The size of each dimension, outermost first.
    public let dimensions: [Int]
    /// The elements in row-major order; `bytes.count` is the product of `dimensions`.
    public let bytes: [UInt8]

    /// Parses an IDX file's contents. `path` is used only in error messages.
    ///
    /// The header is two zero bytes, the type byte 0x08 (unsigned byte), the number of
    /// dimensions, then each size as a big-endian UInt32. When `rank` is given, the file must
    /// have exactly that many dimensions. The payload must hold exactly the product of the
    /// sizes: a shorter file is truncated, a longer one has trailing garbage; both throw.
    public static func parse(_ raw: [UInt8], path: String, rank: Int? = nil) throws -> IDXArray {
        guard raw.count >= 4 else {
            throw DatasetError.badDimensions(path: path, details: "file is \(raw.count) bytes, too short for an IDX header")
        }
        let found = readUInt32(raw, at: 0)
        let count = Int(raw[3])
        guard found & 0xFFFF_FF00 == 0x0000_0800 else {
            throw DatasetError.badMagic(path: path, expected: 0x0800 | UInt32(rank ?? count), found: found)
        }
        if let rank, rank != count {
            throw DatasetError.badDimensions(path: path, details: "expected \(rank) dimension(s), the header declares \(count)")
        }
        guard count > 0 else {
            throw DatasetError.badDimensions(path: path, details: "the header declares 0 dimensions")
        }
        let headerSize = 4 + 4 * count
        guard raw.count >= headerSize else {
            throw DatasetError.badDimensions(path: path, details: "header of \(count) dimension(s) needs \(headerSize) bytes, file has \(raw.count)")
        }
        let dimensions = (0..<count).map { Int(readUInt32(raw, at: 4 + 4 * $0)) }
        var expected = 1
        for size in dimensions {
            let (product, overflow) = expected.multipliedReportingOverflow(by: size)
            guard !overflow else { throw DatasetError.badDimensions(path: path, details: "dimensions \(dimensions) are too large") }
            expected = product
        }
        let payload = raw.count - headerSize
        if payload < expected {
            throw DatasetError.badDimensions(path: path, details: "truncated: dimensions \(dimensions) need \(expected) data bytes, file has \(payload)")
        }
        if payload > expected {
            throw DatasetError.badDimensions(path: path, details: "\(payload - expected) trailing bytes after the \(expected) data bytes of dimensions \(dimensions)")
        }
        return IDXArray(dimensions: dimensions, bytes: Array(raw[headerSize...]))
    }
}

private func readUInt32(_ raw: [UInt8], at offset: Int) -> UInt32 {
    UInt32(raw[offset]) << 24 | UInt32(raw[offset + 1]) << 16 | UInt32(raw[offset + 2]) << 8 | UInt32(raw[offset + 3])
}
