import CZlib
import Foundation

/// A file read front to back through zlib: gzip data (any number of concatenated members) is
/// decompressed, any other file passes through as it is, so callers validate the content. A read
/// inflates only what it asks for, so a caller that knows how much it needs never inflates more
/// (a small file that inflates to gigabytes, a "gzip bomb", costs only what the caller expected).
public final class GzipReader {
    public let path: String
    private let file: gzFile

    /// Opens `path`; a missing or unreadable file throws `DatasetError.fileUnreadable`.
    public init(path: String) throws {
        guard FileManager.default.isReadableFile(atPath: path), let file = gzopen(path, "rb") else {
            throw DatasetError.fileUnreadable(path: path)
        }
        self.path = path
        self.file = file
        _ = gzbuffer(file, UInt32(Self.chunk))
    }

    deinit { gzclose(file) }

    private static let chunk = 1 << 20

    /// The next `count` bytes, or fewer where the data ends. A corrupt stream throws `DatasetError.corruptGzip`.
    public func read(_ count: Int) throws -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(min(count, 1 << 24))
        var buffer = [UInt8](repeating: 0, count: min(count, Self.chunk))
        while output.count < count {
            let wanted = min(count - output.count, buffer.count)
            let n = buffer.withUnsafeMutableBytes { gzread(file, $0.baseAddress, UInt32(wanted)) }
            if n < 0 { throw DatasetError.corruptGzip(path: path, message: zlibMessage()) }
            if n == 0 { break }
            output.append(contentsOf: buffer[0..<Int(n)])
        }
        return output
    }

    /// Throws `DatasetError.corruptGzip` unless the data has ended, at the clean end of a gzip stream
    /// (call it after a read came back short).
    public func checkCleanEnd() throws {
        // At the end of input, Z_BUF_ERROR means the file ended in the middle of a gzip stream.
        var code: Int32 = Z_OK
        _ = gzerror(file, &code)
        if code != Z_OK || gzeof(file) == 0 {
            throw DatasetError.corruptGzip(path: path, message: zlibMessage())
        }
    }

    /// zlib's description of the last error.
    private func zlibMessage() -> String {
        var code: Int32 = Z_OK
        guard let message = gzerror(file, &code) else { return "error \(code)" }
        var text = String(cString: message)
        if text.hasPrefix(path + ": ") { text.removeFirst(path.count + 2) }  // zlib prefixes the path
        return text.isEmpty ? "error \(code)" : text
    }
}

/// The whole decompressed contents of the file at `path` (see `GzipReader`), refused with
/// `DatasetError.tooLarge` as soon as they pass `maximumBytes`.
public func gunzip(contentsOf path: String, maximumBytes: Int) throws -> [UInt8] {
    let reader = try GzipReader(path: path)
    let bytes = try reader.read(maximumBytes.addingReportingOverflow(1).overflow ? maximumBytes : maximumBytes + 1)
    guard bytes.count <= maximumBytes else { throw DatasetError.tooLarge(path: path, limit: maximumBytes) }
    try reader.checkCleanEnd()
    return bytes
}
