import CPNGDecoding
import Foundation

/// A decoded PNG as the zoo reads images: channel-major (C x H x W) floats in [0, 1], gray or RGB.
/// Every PNG colour type and depth decodes (1- to 16-bit gray, gray + alpha, RGB, RGBA, palette, and
/// interlaced): 16-bit samples are divided by 65535, the rest by 255, alpha is dropped and palettes are
/// expanded, with no gamma conversion (as PIL and torchvision read them).
public struct PNGImage: Sendable {
    public let channels: Int
    public let height: Int
    public let width: Int
    /// channels * height * width values, channel-major.
    public let pixels: [Float]

    /// The most pixels an image may declare: 2^26 (8192 x 8192).
    public static let maximumPixels = 1 << 26
    /// The largest file read: 256 MB.
    public static let maximumFileBytes = 256 << 20

    /// Channels, height and width from the header alone.
    public static func shape(of data: [UInt8], source: String) throws -> (channels: Int, height: Int, width: Int) {
        var header = zoo_png_header()
        var message = [CChar](repeating: 0, count: 256)
        guard zoo_png_read_header(data, data.count, &header, &message, message.count) == 0 else {
            throw DatasetError.badImage(path: source, reason: String(cString: message))
        }
        return (Int(header.channels), Int(header.height), Int(header.width))
    }

    /// Decodes the PNG held in `data`; `source` names it in errors.
    public init(decoding data: [UInt8], source: String) throws {
        let (channels, height, width) = try Self.shape(of: data, source: source)
        guard height * width <= Self.maximumPixels else {
            throw DatasetError.badImage(path: source, reason: "it declares \(width)x\(height) pixels, more than the \(Self.maximumPixels) Zoo reads")
        }
        var message = [CChar](repeating: 0, count: 256)
        var pixels = [Float](repeating: 0, count: channels * height * width)
        let status = pixels.withUnsafeMutableBufferPointer { buffer in
            zoo_png_decode(data, data.count, UInt64(Self.maximumPixels), buffer.baseAddress, buffer.count, &message, message.count)
        }
        guard status == 0 else { throw DatasetError.badImage(path: source, reason: String(cString: message)) }
        (self.channels, self.height, self.width, self.pixels) = (channels, height, width, pixels)
    }

    /// Decodes the PNG file at `path` into `destination` (channel-major, as `pixels`) if it has `shape`, the
    /// shape of the image at `reference`, which its header is checked against before anything is decoded;
    /// else an error naming both files and sizes.
    static func decode(_ path: String, shape: (channels: Int, height: Int, width: Int), of reference: String,
                       into destination: UnsafeMutablePointer<Float>) throws {
        let bytes = try bytes(of: path)
        let own = try self.shape(of: bytes, source: path)
        guard own == shape else {
            throw DatasetError.badImageFolder(
                path: path, reason: "it is \(own.channels)x\(own.height)x\(own.width) (channels x height x width) where "
                    + "\(reference) is \(shape.channels)x\(shape.height)x\(shape.width): all images must agree")
        }
        let image = try PNGImage(decoding: bytes, source: path)
        destination.update(from: image.pixels, count: image.pixels.count)
    }

    /// Reads and decodes the PNG file at `path`.
    public init(contentsOf path: String) throws {
        try self.init(decoding: try Self.bytes(of: path), source: path)
    }

    /// The bytes of the file at `path`, refusing what cannot be a PNG the zoo reads.
    static func bytes(of path: String) throws -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw DatasetError.fileUnreadable(path: path) }
        defer { try? handle.close() }
        // An empty file reads as nil: its bytes are none, which the decoder calls empty.
        guard let data = try? handle.read(upToCount: maximumFileBytes + 1) ?? Data() else { throw DatasetError.fileUnreadable(path: path) }
        guard data.count <= maximumFileBytes else {
            throw DatasetError.badImage(path: path, reason: "the file is larger than the \(maximumFileBytes >> 20) MB Zoo reads")
        }
        return [UInt8](data)
    }
}
