import CZlib
import Datasets
import Foundation
import Testing

@Suite struct GzipTests {
    /// 200 kB of pseudo-random letters: Huffman-coded, so the compressed stream is long.
    let payload: [UInt8] = {
        var state: UInt32 = 12345
        return (0..<200_000).map { _ in
            state = state &* 1_664_525 &+ 1_013_904_223
            return UInt8(ascii: "a") + UInt8(state >> 28)
        }
    }()

    func writeGzip(_ bytes: [UInt8], to path: String) throws {
        let file = try #require(gzopen(path, "wb"))
        let written = bytes.withUnsafeBytes { gzwrite(file, $0.baseAddress, UInt32($0.count)) }
        #expect(Int(written) == bytes.count)
        #expect(gzclose(file) == Z_OK)
    }

    @Test func roundTrip() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try writeGzip(payload, to: directory.file("data.gz"))
        #expect(try gunzip(contentsOf: directory.file("data.gz"), maximumBytes: 1 << 20) == payload)
    }

    @Test func plainFileIsReadAsIs() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        #expect(FileManager.default.createFile(atPath: directory.file("plain"), contents: Data([1, 2, 3])))
        #expect(try gunzip(contentsOf: directory.file("plain"), maximumBytes: 1 << 20) == [1, 2, 3])
    }

    @Test func missingFile() throws {
        let error = try #require(throws: DatasetError.self) { try gunzip(contentsOf: "/nonexistent/zoo/file.gz", maximumBytes: 1 << 20) }
        guard case .fileUnreadable = error else { Issue.record("wrong error \(error)"); return }
        #expect(error.description.contains("/nonexistent/zoo/file.gz"))
    }

    @Test func truncatedFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try writeGzip(payload, to: directory.file("data.gz"))
        let compressed = try Data(contentsOf: URL(fileURLWithPath: directory.file("data.gz")))
        let path = directory.file("half.gz")
        #expect(FileManager.default.createFile(atPath: path, contents: compressed.prefix(compressed.count / 2)))
        let error = try #require(throws: DatasetError.self) { try gunzip(contentsOf: path, maximumBytes: 1 << 20) }
        guard case .corruptGzip = error else { Issue.record("wrong error \(error)"); return }
        #expect(error.description.contains(path))
    }

    @Test func corruptedFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try writeGzip(payload, to: directory.file("data.gz"))
        var compressed = [UInt8](try Data(contentsOf: URL(fileURLWithPath: directory.file("data.gz"))))
        for i in (compressed.count / 2)..<(compressed.count / 2 + 16) { compressed[i] ^= 0x5A }
        let path = directory.file("flipped.gz")
        #expect(FileManager.default.createFile(atPath: path, contents: Data(compressed)))
        let error = try #require(throws: DatasetError.self) { try gunzip(contentsOf: path, maximumBytes: 1 << 20) }
        guard case .corruptGzip = error else { Issue.record("wrong error \(error)"); return }
        #expect(error.description.contains(path))
    }

    /// A small file of appended gzip members that inflates to 64 MiB of zeros after a 10,000-label IDX
    /// header and payload (a "gzip bomb", d2l's t10k labels file's shape).
    func writeBomb(to path: String) throws {
        var header: [UInt8] = [0, 0, 8, 1] + [0, 0, 0x27, 0x10]
        header += [UInt8](repeating: 3, count: 10_000)
        try writeGzip(header, to: path)
        let zeros = [UInt8](repeating: 0, count: 16 << 20)
        for _ in 0..<4 {
            let member = path + ".member"
            try writeGzip(zeros, to: member)
            let handle = try #require(FileHandle(forWritingAtPath: path))
            handle.seekToEndOfFile()
            handle.write(try Data(contentsOf: URL(fileURLWithPath: member)))
            handle.closeFile()
            try FileManager.default.removeItem(atPath: member)
        }
    }

    /// The bomb is refused after inflating what its header declares (plus one byte), not 64 MiB.
    @Test func gzipBombsAreRefusedAtTheDeclaredSize() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("t10k-labels-idx1-ubyte.gz")
        try writeBomb(to: path)
        let reader = try GzipReader(path: path)
        #expect(try reader.read(10_008).count == 10_008)
        #expect(try reader.read(1) == [0], "the appended members are read as one stream")
        let error = try #require(throws: DatasetError.self) { try IDXArray.read(contentsOf: path, rank: 1, maximumBytes: 10_000) }
        #expect(error.description.contains(path) && error.description.contains("trailing bytes"), "\(error)")
        let whole = try #require(throws: DatasetError.self) { try gunzip(contentsOf: path, maximumBytes: 1 << 20) }
        guard case .tooLarge(path, 1 << 20) = whole else { Issue.record("wrong error \(whole)"); return }
    }

    /// A header declaring more data than the caller allows is refused before the data is inflated.
    @Test func idxHeadersDeclaringTooMuchAreRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("huge.gz")
        try writeGzip([0, 0, 8, 3, 0, 0x0F, 0x42, 0x40, 0, 0, 0, 28, 0, 0, 0, 28], to: path)  // 1,000,000 images
        let error = try #require(throws: DatasetError.self) { try IDXArray.read(contentsOf: path, rank: 3, maximumBytes: 7_840_016) }
        #expect(error.description.contains(path) && error.description.contains("784000000 data bytes"), "\(error)")
        try writeGzip([0, 0, 8, 1, 0, 0, 0, 4, 7, 8, 9, 1], to: path)
        #expect(try IDXArray.read(contentsOf: path, rank: 1, maximumBytes: 4).bytes == [7, 8, 9, 1])
    }
}
