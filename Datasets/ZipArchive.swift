import CZlib
import Foundation

/// One file out of a ZIP archive (PKWARE's APPNOTE: the end-of-central-directory record, the central
/// directory entry, the local header, then the data stored or deflated), enough for d2l's `fra-eng.zip`.
/// Every offset and size is checked against the archive, and inflating stops at `maximumBytes`.
public enum ZipArchive {
    /// The contents of the first member whose name is `name` or ends with "/" + `name`; `path` names the
    /// archive in errors.
    public static func member(_ name: String, of archive: [UInt8], path: String, maximumBytes: Int) throws -> [UInt8] {
        func fail(_ reason: String) -> DatasetError { .badLine(path: path, line: 1, reason: "not a usable ZIP archive: \(reason)") }
        func integer(_ offset: Int, _ width: Int) throws -> Int {
            guard offset >= 0, offset + width <= archive.count else { throw fail("a record runs past the end of the file") }
            return (0..<width).reduce(0) { $0 | Int(archive[offset + $1]) << (8 * $1) }
        }
        // The end-of-central-directory record is in the last 22 + 65,535 bytes.
        let earliest = max(0, archive.count - 22 - 65_535)
        guard archive.count >= 22,
              let end = stride(from: archive.count - 22, through: earliest, by: -1).first(where: { (try? integer($0, 4)) == 0x0605_4B50 }) else {
            throw fail("no end-of-central-directory record")
        }
        var entry = try integer(end + 16, 4)
        for _ in 0..<(try integer(end + 10, 2)) {
            guard try integer(entry, 4) == 0x0201_4B50 else { throw fail("a damaged central directory") }
            let (method, compressed, size) = (try integer(entry + 10, 2), try integer(entry + 20, 4), try integer(entry + 24, 4))
            let (nameLength, extraLength, commentLength) = (try integer(entry + 28, 2), try integer(entry + 30, 2), try integer(entry + 32, 2))
            let local = try integer(entry + 42, 4)
            guard entry + 46 + nameLength <= archive.count else { throw fail("a name runs past the end of the file") }
            let memberName = String(decoding: archive[(entry + 46)..<(entry + 46 + nameLength)], as: UTF8.self)
            entry += 46 + nameLength + extraLength + commentLength
            guard memberName == name || memberName.hasSuffix("/" + name) else { continue }
            guard size <= maximumBytes else { throw DatasetError.tooLarge(path: path + ":" + memberName, limit: maximumBytes) }
            guard try integer(local, 4) == 0x0403_4B50 else { throw fail("\(memberName)'s local header is missing") }
            let start = local + 30 + (try integer(local + 26, 2)) + (try integer(local + 28, 2))
            guard start + compressed <= archive.count else { throw fail("\(memberName)'s data runs past the end of the file") }
            let data = archive[start..<(start + compressed)]
            switch method {
            case 0: return Array(data)
            case 8: return try inflateRaw(data, size: size, path: path + ":" + memberName)
            default: throw fail("\(memberName) is compressed with method \(method), neither stored nor deflated")
            }
        }
        throw fail("it holds no \(name)")
    }

    /// `size` bytes inflated from raw deflate `data`.
    private static func inflateRaw(_ data: ArraySlice<UInt8>, size: Int, path: String) throws -> [UInt8] {
        var stream = z_stream()
        guard inflateInit2_(&stream, -15, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw DatasetError.corruptGzip(path: path, message: "zlib could not start")
        }
        defer { inflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: size)
        var input = Array(data)
        let status = input.withUnsafeMutableBufferPointer { inputBuffer in
            output.withUnsafeMutableBufferPointer { outputBuffer in
                stream.next_in = inputBuffer.baseAddress
                stream.avail_in = UInt32(inputBuffer.count)
                stream.next_out = outputBuffer.baseAddress
                stream.avail_out = UInt32(outputBuffer.count)
                return inflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END, Int(stream.total_out) == size else {
            throw DatasetError.corruptGzip(path: path, message: status == Z_STREAM_END ? "the data is not the size the archive gives"
                                           : stream.msg.map { String(cString: $0) } ?? "deflate data damaged (zlib \(status))")
        }
        return output
    }
}
