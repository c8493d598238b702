import CZlib

/// A PNG writer independent of libpng, for the decoder's tests and fuzz seeds: every colour type and
/// depth, Adam7 interlacing, palettes and tRNS, so that decoding can be checked against the exact
/// samples written.
public struct PNGEncoder: Sendable {
    public enum ColorType: UInt8, Sendable {
        case gray = 0, rgb = 2, palette = 3, grayAlpha = 4, rgba = 6

        public var samplesPerPixel: Int {
            switch self {
            case .gray, .palette: 1
            case .grayAlpha: 2
            case .rgb: 3
            case .rgba: 4
            }
        }
    }

    public var width: Int
    public var height: Int
    public var colorType: ColorType
    public var depth: Int
    /// Row-major, `samplesPerPixel` interleaved samples per pixel (palette indices for `.palette`).
    public var samples: [Int]
    /// RGB triples, for `.palette`.
    public var palette: [[UInt8]] = []
    /// The tRNS chunk's bytes, if any.
    public var transparency: [UInt8]? = nil
    public var interlaced = false

    public init(width: Int, height: Int, colorType: ColorType, depth: Int, samples: [Int], interlaced: Bool = false) {
        (self.width, self.height, self.colorType, self.depth, self.samples, self.interlaced) = (width, height, colorType, depth, samples, interlaced)
    }

    /// Adam7's passes: first column and row, then their steps.
    private static let passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]

    /// The PNG file's bytes.
    public func encode() -> [UInt8] {
        var header = Self.bigEndian(UInt32(width)) + Self.bigEndian(UInt32(height))
        header += [UInt8(depth), colorType.rawValue, 0, 0, interlaced ? 1 : 0]
        var file: [UInt8] = [137, 80, 78, 71, 13, 10, 26, 10] + Self.chunk("IHDR", header)
        if !palette.isEmpty { file += Self.chunk("PLTE", palette.flatMap { $0 }) }
        if let transparency { file += Self.chunk("tRNS", transparency) }
        return file + Self.chunk("IDAT", Self.deflate(scanlines())) + Self.chunk("IEND", [])
    }

    /// The filtered (filter 0) scanlines of the image, or of each Adam7 pass.
    private func scanlines() -> [UInt8] {
        let passes = interlaced ? Self.passes : [(0, 0, 1, 1)]
        var bytes: [UInt8] = []
        for (x0, y0, dx, dy) in passes {
            let columns = Array(stride(from: x0, to: width, by: dx)), rows = Array(stride(from: y0, to: height, by: dy))
            guard !columns.isEmpty, !rows.isEmpty else { continue }
            for y in rows {
                bytes.append(0)
                bytes += pack(columns.flatMap { x in (0..<colorType.samplesPerPixel).map { samples[(y * width + x) * colorType.samplesPerPixel + $0] } })
            }
        }
        return bytes
    }

    /// Samples packed at `depth` bits, most significant first, the row padded to a whole byte.
    private func pack(_ row: [Int]) -> [UInt8] {
        if depth == 16 { return row.flatMap { [UInt8($0 >> 8), UInt8($0 & 255)] } }
        if depth == 8 { return row.map { UInt8($0) } }
        var bytes: [UInt8] = [], current = 0, used = 0
        for value in row {
            current = current << depth | value
            used += depth
            if used == 8 { bytes.append(UInt8(current)); (current, used) = (0, 0) }
        }
        if used > 0 { bytes.append(UInt8(current << (8 - used))) }
        return bytes
    }

    public static func bigEndian(_ value: UInt32) -> [UInt8] { [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: value >> $0) } }

    /// A chunk: length, type, data, CRC.
    public static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let body = Array(type.utf8) + data
        let crc = body.withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, UInt32($0.count))) }
        return bigEndian(UInt32(data.count)) + body + bigEndian(crc)
    }

    static func deflate(_ data: [UInt8]) -> [UInt8] {
        var size = compressBound(uLong(data.count))
        var output = [UInt8](repeating: 0, count: Int(size))
        _ = compress2(&output, &size, data, uLong(data.count), 6)
        return Array(output.prefix(Int(size)))
    }
}
