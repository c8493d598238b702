import Foundation
import Testing
@testable import Engine

/// Whole-or-nothing writes: new names for runs that would collide, leftovers of killed writes removed.
@Suite struct AtomicFileTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("zoo-atomic-\(UUID().uuidString)").path

    func names() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: folder).sorted() }

    @Test func newFilesNeverReplaceEachOther() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/runs/lenet-20261128-120000.json"
        let written = try (0..<3).map { try AtomicFile.writeNew(Data("\($0)".utf8), to: path) }
        #expect(written == [path, folder + "/runs/lenet-20261128-120000-2.json", folder + "/runs/lenet-20261128-120000-3.json"])
        #expect(try written.map { try String(contentsOfFile: $0, encoding: .utf8) } == ["0", "1", "2"])
        // Eight writers at once still get eight names.
        let paths = LockedPaths()
        DispatchQueue.concurrentPerform(iterations: 8) { index in
            paths.append(try! AtomicFile.writeNew(Data("\(index)".utf8), to: folder + "/same.json"))
        }
        #expect(Set(paths.all).count == 8)
        #expect(try names().filter { $0.hasPrefix("same") }.count == 8)
    }

    @Test func partsAreWrittenOneAfterAnother() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/parts.bin", large = (0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let pieces: [[UInt8]] = [Array("head".utf8), [], large, Array("tail".utf8)]
        try pieces[0].withUnsafeBytes { a in
            try pieces[1].withUnsafeBytes { b in
                try pieces[2].withUnsafeBytes { c in
                    try pieces[3].withUnsafeBytes { d in try AtomicFile.write(parts: [a, b, c, d], to: path) }
                }
            }
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(pieces.joined()))
        #expect(try names() == ["parts.bin"])
    }

    @Test func writesReplaceAndLeaveNoTemporaryFiles() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/weights.safetensors"
        try AtomicFile.write(Data("old".utf8), to: path)
        // A write killed by a process that has ended leaves its temporary file; the next write removes it.
        let dead = folder + "/.weights.safetensors.999999999.partial"
        try #require(FileManager.default.createFile(atPath: dead, contents: Data("half".utf8)))
        let running = folder + "/.weights.safetensors.\(getppid())-7.partial"  // a live process's write is left alone
        try #require(FileManager.default.createFile(atPath: running, contents: Data()))
        try AtomicFile.write(Data("new".utf8), to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "new")
        #expect(try names() == [".weights.safetensors.\(getppid())-7.partial", "weights.safetensors"])
        #expect { try AtomicFile.write(Data(), to: folder) } throws: { "\($0)".contains("cannot write \(folder)") }
        #expect { try AtomicFile.checkWritable(path + "/inside") } throws: { "\($0)".contains("cannot create the folder") }
    }
}

/// Paths appended from several threads.
final class LockedPaths: @unchecked Sendable {
    private let lock = NSLock()
    private var paths: [String] = []
    func append(_ path: String) { lock.withLock { paths.append(path) } }
    var all: [String] { lock.withLock { paths } }
}
