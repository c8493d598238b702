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
        #expect(try gunzip(contentsOf: directory.file("data.gz")) == payload)
    }

    @Test func plainFileIsReadAsIs() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        #expect(FileManager.default.createFile(atPath: directory.file("plain"), contents: Data([1, 2, 3])))
        #expect(try gunzip(contentsOf: directory.file("plain")) == [1, 2, 3])
    }

    @Test func missingFile() throws {
        let error = try #require(throws: DatasetError.self) { try gunzip(contentsOf: "/nonexistent/zoo/file.gz") }
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
        let error = try #require(throws: DatasetError.self) { try gunzip(contentsOf: path) }
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
        let error = try #require(throws: DatasetError.self) { try gunzip(contentsOf: path) }
        guard case .corruptGzip = error else { Issue.record("wrong error \(error)"); return }
        #expect(error.description.contains(path))
    }
}
