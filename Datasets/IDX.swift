/// An unsigned-byte IDX array (the MNIST file format): a shape and its row-major payload.
public struct IDXArray: Sendable {
    /// The size of each dimension, outermost first.
    public let dimensions: [Int]
    /// The elements in row-major order; `bytes.count` is the product of `dimensions`.
    public let bytes: [UInt8]

    /// Reads the IDX file at `path`, gzip-compressed or not, decompressing only what its header declares:
    /// a header declaring more than `maximumBytes` of data is refused before anything more is read.
    public static func read(contentsOf path: String, rank: Int? = nil, maximumBytes: Int) throws -> IDXArray {
        let reader = try GzipReader(path: path)
        let array = try decode(path: path, rank: rank, maximumBytes: maximumBytes, next: reader.read)
        try reader.checkCleanEnd()
        return array
    }

    /// Parses an IDX file's contents. `path` is used only in error messages.
    public static func parse(_ raw: [UInt8], path: String, rank: Int? = nil) throws -> IDXArray {
        var offset = 0
        return try decode(path: path, rank: rank, maximumBytes: .max) { count in
            let piece = Array(raw[offset..<(offset + min(count, raw.count - offset))])
            offset += piece.count
            return piece
        }
    }

    /// Decodes an IDX array from `next(n)`, which returns the next n bytes or fewer at the end.
    ///
    /// The header is two zero bytes, the type byte 0x08 (unsigned byte), the number of
    /// dimensions, then each size as a big-endian UInt32. When `rank` is given, the file must
    /// have exactly that many dimensions. The payload must hold exactly the product of the
    /// sizes: a shorter file is truncated, a longer one has trailing garbage; both throw.
    private static func decode(path: String, rank: Int?, maximumBytes: Int,
                               next: (Int) throws -> [UInt8]) throws -> IDXArray {
        let magic = try next(4)
        guard magic.count == 4 else {
            throw DatasetError.badDimensions(path: path, details: "file is \(magic.count) bytes, too short for an IDX header")
        }
        let found = readUInt32(magic, at: 0)
        let count = Int(magic[3])
        guard found & 0xFFFF_FF00 == 0x0000_0800 else {
            throw DatasetError.badMagic(path: path, expected: 0x0800 | UInt32(rank ?? count), found: found)
        }
        if let rank, rank != count {
            throw DatasetError.badDimensions(path: path, details: "expected \(rank) dimension(s), the header declares \(count)")
        }
        guard count > 0 else {
            throw DatasetError.badDimensions(path: path, details: "the header declares 0 dimensions")
        }
        let sizes = try next(4 * count)
        guard sizes.count == 4 * count else {
            throw DatasetError.badDimensions(path: path, details: "header of \(count) dimension(s) needs \(4 + 4 * count) bytes, file has \(4 + sizes.count)")
        }
        let dimensions = (0..<count).map { Int(readUInt32(sizes, at: 4 * $0)) }
        var expected = 1
        for size in dimensions {
            let (product, overflow) = expected.multipliedReportingOverflow(by: size)
            guard !overflow else { throw DatasetError.badDimensions(path: path, details: "dimensions \(dimensions) are too large") }
            expected = product
        }
        guard expected <= maximumBytes else {
            throw DatasetError.badDimensions(path: path, details: "dimensions \(dimensions) declare \(expected) data bytes, more than the \(maximumBytes) this file can hold")
        }
        let payload = try next(expected)
        if payload.count < expected {
            throw DatasetError.badDimensions(path: path, details: "truncated: dimensions \(dimensions) need \(expected) data bytes, file has \(payload.count)")
        }
        guard try next(1).isEmpty else {
            throw DatasetError.badDimensions(path: path, details: "trailing bytes after the \(expected) data bytes of dimensions \(dimensions)")
        }
        return IDXArray(dimensions: dimensions, bytes: payload)
    }
}

private func readUInt32(_ raw: [UInt8], at offset: Int) -> UInt32 {
    UInt32(raw[offset]) << 24 | UInt32(raw[offset + 1]) << 16 | UInt32(raw[offset + 2]) << 8 | UInt32(raw[offset + 3])
}
