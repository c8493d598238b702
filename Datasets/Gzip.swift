import CZlib
import Foundation

/// Reads and decompresses the whole gzip file at `path`.
///
/// A file that is not gzip-compressed is returned as is (zlib reads it transparently), so
/// callers must validate the content. A truncated or corrupt stream throws
/// `DatasetError.corruptGzip`; a missing file throws `DatasetError.fileUnreadable`.
public func gunzip(contentsOf path: String) throws -> [UInt8] {
    guard FileManager.default.isReadableFile(atPath: path), let file = gzopen(path, "rb") else {
        throw DatasetError.fileUnreadable(path: path)
    }
    var closed = false
    defer { if !closed { gzclose(file) } }

    let chunk = 1 << 20
    _ = gzbuffer(file, UInt32(chunk))
    var output: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: chunk)
    while true {
        let n = buffer.withUnsafeMutableBytes { gzread(file, $0.baseAddress, UInt32(chunk)) }
        if n < 0 { throw DatasetError.corruptGzip(path: path, message: zlibMessage(file, path)) }
        if n == 0 { break }
        output.append(contentsOf: buffer[0..<Int(n)])
    }
    // At the end of input, Z_BUF_ERROR means the file ended in the middle of a gzip stream.
    var code: Int32 = Z_OK
    _ = gzerror(file, &code)
    if code != Z_OK || gzeof(file) == 0 {
        throw DatasetError.corruptGzip(path: path, message: zlibMessage(file, path))
    }
    closed = true
    let status = gzclose(file)
    if status != Z_OK {
        throw DatasetError.corruptGzip(path: path, message: "gzclose failed with code \(status)")
    }
    return output
}

/// zlib's description of the last error on `file`.
private func zlibMessage(_ file: gzFile, _ path: String) -> String {
    var code: Int32 = Z_OK
    guard let message = gzerror(file, &code) else { return "error \(code)" }
    var text = String(cString: message)
    if text.hasPrefix(path + ": ") { text.removeFirst(path.count + 2) }  // zlib prefixes the path
    return text.isEmpty ? "error \(code)" : text
}
