import Datasets
import Testing

@Suite struct IDXTests {
    /// An IDX file of unsigned bytes with the given dimensions, payload 0, 1, 2, ...
    func idx(_ dimensions: [Int], extra: Int = 0) -> [UInt8] {
        var raw: [UInt8] = [0, 0, 0x08, UInt8(dimensions.count)]
        for size in dimensions { raw += [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: size >> $0) } }
        return raw + (0..<(dimensions.reduce(1, *) + extra)).map { UInt8(truncatingIfNeeded: $0) }
    }

    @Test func parsesSmallArrays() throws {
        let matrix = try IDXArray.parse(idx([2, 3, 4]), path: "m.idx", rank: 3)
        #expect(matrix.dimensions == [2, 3, 4])
        #expect(matrix.bytes == (0..<24).map { UInt8($0) })
        let vector = try IDXArray.parse(idx([300]), path: "v.idx")
        #expect(vector.dimensions == [300])
        #expect(vector.bytes.count == 300)
    }

    @Test func wrongMagic() throws {
        var raw = idx([2, 2])
        raw[2] = 0x0D  // float type, not unsigned byte
        let error = try #require(throws: DatasetError.self) { try IDXArray.parse(raw, path: "/data/bad-magic.idx", rank: 2) }
        guard case .badMagic(_, let expected, let found) = error else { Issue.record("wrong error \(error)"); return }
        #expect(expected == 0x0000_0802 && found == 0x0000_0D02)
        #expect(error.description.contains("/data/bad-magic.idx"))
    }

    @Test func truncatedPayload() throws {
        let raw = idx([10, 5]).dropLast(3)
        let error = try #require(throws: DatasetError.self) { try IDXArray.parse(Array(raw), path: "/data/short.idx") }
        guard case .badDimensions = error else { Issue.record("wrong error \(error)"); return }
        #expect(error.description.contains("/data/short.idx") && error.description.contains("truncated"))
    }

    @Test func trailingBytes() throws {
        let error = try #require(throws: DatasetError.self) { try IDXArray.parse(idx([4], extra: 2), path: "/data/long.idx") }
        guard case .badDimensions = error else { Issue.record("wrong error \(error)"); return }
        #expect(error.description.contains("/data/long.idx") && error.description.contains("trailing"))
    }

    @Test func wrongDimensionCount() throws {
        let error = try #require(throws: DatasetError.self) { try IDXArray.parse(idx([4, 4]), path: "/data/rank.idx", rank: 3) }
        guard case .badDimensions = error else { Issue.record("wrong error \(error)"); return }
        #expect(error.description.contains("/data/rank.idx"))
        // A header cut short inside its dimension list.
        let cut = try #require(throws: DatasetError.self) { try IDXArray.parse(Array(idx([4, 4]).prefix(9)), path: "/data/cut.idx") }
        #expect(cut.description.contains("/data/cut.idx"))
    }

    /// A set cut to no examples (`zoo eval` once reported accuracy 0.0000 on one) is an error naming the file.
    @Test func setsWithoutExamplesAreRefused() throws {
        let empty = try IDXArray.parse(idx([0, 28, 28]), path: "/data/empty.idx", rank: 3)
        #expect(empty.dimensions == [0, 28, 28] && empty.bytes.isEmpty)
        let error = try #require(throws: DatasetError.self) {
            try ImageClassificationSet(bytes: [], labels: [], channels: 1, height: 28, width: 28, classNames: ["a"], source: "/data/empty.idx")
        }
        #expect(error.description.contains("/data/empty.idx") && error.description.contains("holds no examples"))
    }
}
