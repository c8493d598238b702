import Foundation
import Testing
@testable import Engine

@Suite struct SafeTensorsTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("zoo-safetensors-\(UUID().uuidString)").path

    func model() -> Sequential { Sequential(Conv2d(1, 2, kernel: 3), BatchNorm2d(2), Flatten(), Linear(8, 3)) }

    @Test func roundTripKeepsEveryTensorAndTheMetadata() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let source = Random.withGenerator(seed: 1) { model() }
        source.stateDictionary()[4].1.data.update(repeating: 0.7, count: 2)  // a running mean
        let path = folder + "/model.safetensors"
        try SafeTensors.write(source.stateDictionary(), metadata: ["model": "test"], to: path)
        let (tensors, metadata, _) = try SafeTensors.read(path)
        #expect(metadata == ["model": "test"])
        let target = Random.withGenerator(seed: 2) { model() }
        try target.load(stateDictionary: tensors, source: path)
        for ((name, a), (_, b)) in zip(source.stateDictionary(), target.stateDictionary()) {
            #expect(a.shape == b.shape && a.scalars == b.scalars, "\(name)")
        }
        // The header length is a multiple of 8 (the format's alignment), and no temporary file is left.
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(data.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) } % 8 == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["model.safetensors"])
    }

    @Test func readsPyTorchsIntegerCounters() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // A file as safetensors.torch.save_file writes it for a BatchNorm's num_batches_tracked (I64).
        let header = #"{"n":{"dtype":"I64","shape":[],"data_offsets":[0,8]},"w":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}"#
        var data = Data()
        withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: Array(header.utf8))
        withUnsafeBytes(of: Int64(42).littleEndian) { data.append(contentsOf: $0) }
        for value: Float in [1.5, -2] { withUnsafeBytes(of: value) { data.append(contentsOf: $0) } }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = folder + "/torch.safetensors"
        try data.write(to: URL(fileURLWithPath: path))
        let tensors = try SafeTensors.read(path).tensors
        #expect(tensors["n"]?.item == 42 && tensors["n"]?.shape == [])
        #expect(tensors["w"]?.scalars == [1.5, -2])
    }

    /// Only F32 (and I64 for num_batches_tracked) loads; every other dtype is named in one message.
    @Test func wrongDTypesAreReportedTogether() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        func file(_ header: String, bytes: Int) throws -> String {
            var data = Data()
            withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { data.append(contentsOf: $0) }
            data.append(contentsOf: Array(header.utf8) + Array(repeating: 0, count: bytes))
            let path = folder + "/\(UUID().uuidString).safetensors"
            try data.write(to: URL(fileURLWithPath: path))
            return path
        }
        let halves = try file(#"{"a":{"dtype":"F16","shape":[2],"data_offsets":[0,4]},"b":{"dtype":"BF16","shape":[1],"data_offsets":[4,6]}}"#, bytes: 6)
        let error = #expect(throws: SafeTensors.Failure.self) { try SafeTensors.read(halves) }
        #expect(error?.description.contains("a (F16), b (BF16)") == true)
        // An I64 weight reads, but loading names it beside the other mismatches.
        let linear = Random.withGenerator(seed: 4) { Linear(1, 1) }
        let integers = try file(#"{"weight":{"dtype":"I64","shape":[1,1],"data_offsets":[0,8]},"bias":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}"#, bytes: 16)
        let loading = #expect(throws: SafeTensors.Failure.self) { try linear.load(SafeTensors.read(integers), source: "ckpt") }
        #expect(loading?.description.contains("weight has dtype I64 in ckpt but the model keeps F32") == true)
        #expect(loading?.description.contains("bias has shape [2] in ckpt but [1] in the model") == true)
        // Tensors that share bytes (overlap or alias) or leave bytes to no tensor are refused, as the format requires.
        for (header, reason) in [
            (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#, "overlap"),
            (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, "overlap"),
            (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}"#, "no tensor holds bytes 4..<8"),
            (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[8,4]}}"#, "data_offsets [begin, end]"),
        ] {
            let path = try file(header, bytes: 12)
            #expect { try SafeTensors.read(path) } throws: { "\($0)".contains(reason) && "\($0)".contains(path) }
        }
        // Dimensions whose product overflows are an error, not a crash.
        let giant = try file(#"{"w":{"dtype":"F32","shape":[4294967296,4294967296,4],"data_offsets":[0,4]}}"#, bytes: 4)
        #expect { try SafeTensors.read(giant) } throws: { "\($0)".contains("does not fit bytes") }
    }

    @Test func corruptFilesAreRejectedWithTheReason() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/model.safetensors"
        try SafeTensors.write(model().stateDictionary(), to: path)
        let good = try Data(contentsOf: URL(fileURLWithPath: path))
        func expectRejected(_ bytes: Data, _ reason: String) throws {
            try bytes.write(to: URL(fileURLWithPath: path))
            let error = #expect(throws: SafeTensors.Failure.self) { try SafeTensors.read(path) }
            #expect(error?.description.contains(reason) == true, "\(error?.description ?? "")")
            #expect(error?.description.contains(path) == true)
        }
        try expectRejected(good.prefix(5), "shorter than the 8-byte header length")
        var huge = good
        huge.replaceSubrange(0..<8, with: [0xFF, 0xFF, 0, 0, 0, 0, 0, 0])
        try expectRejected(huge, "the header claims")
        var garbled = good
        garbled[9] = UInt8(ascii: "#")
        try expectRejected(garbled, "not a JSON object")
        try expectRejected(good.prefix(good.count - 4), "the payload has")
        try expectRejected(good + Data([1, 2, 3, 4]), "4 bytes after the last tensor's")
        #expect(throws: SafeTensors.Failure.self) { try SafeTensors.read(folder + "/missing.safetensors") }
    }

    @Test func loadingReportsEveryMismatchAndChangesNothing() throws {
        var tensors = Dictionary(uniqueKeysWithValues: model().stateDictionary())
        tensors["0.weight"] = Tensor.zeros([2, 1, 5, 5])
        tensors["3.bias"] = nil
        tensors["extra.weight"] = Tensor.zeros([1])
        let target = model()
        let before = target.stateDictionary().map(\.1.scalars)
        let error = #expect(throws: SafeTensors.Failure.self) { try target.load(stateDictionary: tensors, source: "ckpt") }
        let message = error?.description ?? ""
        #expect(message.contains("missing keys: 3.bias"))
        #expect(message.contains("unexpected keys: extra.weight"))
        #expect(message.contains("0.weight has shape [2, 1, 5, 5] in ckpt but [2, 1, 3, 3] in the model"))
        #expect(target.stateDictionary().map(\.1.scalars) == before)
    }
}
