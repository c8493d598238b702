import CPNG
import Engine
import Foundation

/// PNG files through libpng's simplified API.
enum PNGFile {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Encodes `canvas` as an 8-bit RGB PNG and writes it to `path` atomically (temporary file, then rename).
    static func write(_ canvas: Canvas, to path: String) throws {
        var image = png_image()
        image.version = png_uint_32(PNG_IMAGE_VERSION)
        image.width = png_uint_32(canvas.width)
        image.height = png_uint_32(canvas.height)
        image.format = png_uint_32(PNG_FORMAT_RGB)
        let stride = Int32(canvas.width * 3)
        var size = 0
        guard png_image_write_to_memory(&image, nil, &size, 0, canvas.pixels, stride, nil) != 0 else {
            throw Failure(description: "cannot encode a PNG: \(reason(image))")
        }
        var bytes = [UInt8](repeating: 0, count: size)
        guard png_image_write_to_memory(&image, &bytes, &size, 0, canvas.pixels, stride, nil) != 0 else {
            throw Failure(description: "cannot encode a PNG: \(reason(image))")
        }
        try AtomicFile.write(Data(bytes.prefix(size)), to: path)
    }

    /// The most pixels an image may declare: 2^26, 8192 x 8192.
    static let maximumPixels = 1 << 26

    /// Reads an image file as 8-bit RGB: (width, height, row-major bytes).
    static func readRGB(_ path: String) throws -> (width: Int, height: Int, pixels: [UInt8]) {
        var image = png_image()
        image.version = png_uint_32(PNG_IMAGE_VERSION)
        guard png_image_begin_read_from_file(&image, path) != 0 else {
            throw Failure(description: "\(path) is not a readable PNG: \(reason(image))")
        }
        image.format = png_uint_32(PNG_FORMAT_RGB)
        // The header's size is checked before the pixels' memory is taken (2^32 x 2^32 fits in 32 bits each).
        let (width, height) = (Int(image.width), Int(image.height))
        guard width * height <= maximumPixels else {
            png_image_free(&image)
            throw Failure(description: "\(path) declares \(width)x\(height) pixels, more than the \(maximumPixels) Zoo reads")
        }
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        guard png_image_finish_read(&image, nil, &pixels, 0, nil) != 0 else {
            throw Failure(description: "\(path) is a damaged PNG: \(reason(image))")
        }
        return (width, height, pixels)
    }

    /// libpng's message in `image` (a fixed-size C array, read up to its terminator).
    private static func reason(_ image: png_image) -> String {
        withUnsafeBytes(of: image.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }
}
