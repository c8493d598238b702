import CZlib
import Datasets
import Engine

/// ZIP archives as the English-French loader reads d2l's `fra-eng.zip`: the end-of-central-directory
/// record, the central directory, a local header, then the member stored or deflated. Seeds: small
/// archives built here (the real one is 3.4 MB) with `fra.txt` stored, and deflated in a folder.
final class ZipTarget: FuzzTarget {
    let name = "zip"
    let mutator: Mutator

    init() {
        let text = Array("Go.\tVa !\nHi.\tSalut !\nRun!\tCours !\nI lost.\tJ'ai perdu.\n".utf8)
        mutator = Mutator(seeds: [Self.archive([("_about.txt", Array("about".utf8), false), ("fra.txt", text, false)]),
                                  Self.archive([("fra-eng/fra.txt", text, true)])])
    }

    /// A ZIP archive of `members` (name, content, deflated or stored).
    static func archive(_ members: [(name: String, content: [UInt8], deflated: Bool)]) -> [UInt8] {
        func le(_ value: Int, _ width: Int) -> [UInt8] { (0..<width).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
        var bytes: [UInt8] = [], central: [UInt8] = []
        for member in members {
            let data = member.deflated ? deflateRaw(member.content) : member.content
            let crc = member.content.withUnsafeBufferPointer { Int(crc32(0, $0.baseAddress, UInt32($0.count))) }
            let name = Array(member.name.utf8)
            let fields = le(member.deflated ? 8 : 0, 2) + le(0, 4) + le(crc, 4) + le(data.count, 4) + le(member.content.count, 4)
                + le(name.count, 2) + le(0, 2)
            central += le(0x0201_4B50, 4) + le(20, 2) + le(20, 2) + le(0, 2) + fields + le(0, 2) + le(0, 2) + le(0, 2) + le(0, 4)
                + le(bytes.count, 4) + name
            bytes += le(0x0403_4B50, 4) + le(20, 2) + le(0, 2) + fields + name + data
        }
        return bytes + central + le(0x0605_4B50, 4) + le(0, 2) + le(0, 2) + le(members.count, 2) + le(members.count, 2)
            + le(central.count, 4) + le(bytes.count, 4) + le(0, 2)
    }

    static func deflateRaw(_ input: [UInt8]) -> [UInt8] {
        var stream = z_stream()
        _ = deflateInit2_(&stream, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: input.count + 64)
        var source = input
        let written = source.withUnsafeMutableBufferPointer { inputBuffer in
            output.withUnsafeMutableBufferPointer { outputBuffer in
                stream.next_in = inputBuffer.baseAddress
                stream.avail_in = UInt32(inputBuffer.count)
                stream.next_out = outputBuffer.baseAddress
                stream.avail_out = UInt32(outputBuffer.count)
                _ = deflate(&stream, Z_FINISH)
                return Int(stream.total_out)
            }
        }
        return Array(output.prefix(written))
    }

    func input(rng: inout RandomGenerator) -> FuzzInput {
        mutator.input(text: false, rng: &rng)
    }

    func place(_ input: FuzzInput, stem: String, in folder: String) throws -> (path: String, remove: String) {
        try placeFile(input, stem: stem, fileExtension: "zip", in: folder)
    }

    func parse(path: String, input: FuzzInput) throws {
        _ = try ZipArchive.member("fra.txt", of: try SeedFiles.read(path), path: path, maximumBytes: 1 << 20)
    }
}
