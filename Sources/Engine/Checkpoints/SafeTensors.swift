import Foundation

/// Reading and writing the safetensors format (Hugging Face's, which PyTorch reads with
/// `safetensors.torch.load_file`): an 8-byte little-endian header length, a JSON header naming each
/// tensor's dtype, shape and byte range, then the little-endian data.
public enum SafeTensors {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// The largest JSON header read (the reference implementation's limit, 100 MB).
    public static let maximumHeaderLength: UInt64 = 100_000_000

    /// Writes `tensors` (F32) and string `metadata` to `path` atomically (`AtomicFile`): an interrupted
    /// write never leaves a damaged file.
    public static func write(_ tensors: [(String, Tensor)], metadata: [String: String] = [:], to path: String) throws {
        var header: [String: Any] = [:]
        var offset = 0
        for (name, tensor) in tensors {
            guard header[name] == nil else { throw Failure(description: "safetensors: duplicate tensor name \(name)") }
            header[name] = ["dtype": "F32", "shape": tensor.shape, "data_offsets": [offset, offset + tensor.count * 4]]
            offset += tensor.count * 4
        }
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        json.append(contentsOf: Array(repeating: UInt8(ascii: " "), count: (8 - json.count % 8) % 8))
        var start = Data()
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { start.append(contentsOf: $0) }
        start.append(json)
        // The tensors' bytes go to the file from where they lie: Float32 in memory is already little-endian on every
        // platform Zoo builds for.
        try withExtendedLifetime(tensors) {
            try start.withUnsafeBytes { start in
                try AtomicFile.write(parts: [start] + tensors.map { UnsafeRawBufferPointer($0.1.buffer) }, to: path)
            }
        }
    }

    /// The tensors of the file at `path` by name, its metadata, and each tensor's stored dtype. F32
    /// tensors are read as they are; I64 ones (PyTorch's `num_batches_tracked`) are converted to Float.
    /// Anything malformed, and every tensor of another dtype, is an error naming the file and what is wrong.
    public static func read(_ path: String) throws
        -> (tensors: [String: Tensor], metadata: [String: String], dtypes: [String: String]) {
        try decode(contents(of: path), path: path)
    }

    /// The bytes of the file at `path`, or an error that names it.
    public static func contents(of path: String) throws -> Data {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Failure(description: "cannot read \(path): no such file, or not readable")
        }
        return data
    }

    /// `read` of a file's bytes already in memory (`path` names it in errors).
    public static func decode(_ data: Data, path: String) throws
        -> (tensors: [String: Tensor], metadata: [String: String], dtypes: [String: String]) {
        func fail(_ why: String) -> Failure { Failure(description: "\(path) is not a valid safetensors file: \(why)") }
        guard data.count >= 8 else { throw fail("it is \(data.count) bytes long, shorter than the 8-byte header length") }
        let headerLength = data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard headerLength <= UInt64(data.count - 8) else {
            throw fail("the header claims \(headerLength) bytes but the file has \(data.count - 8) after the length")
        }
        guard headerLength <= maximumHeaderLength else {
            throw fail("the header claims \(headerLength) bytes, more than the format's limit of \(maximumHeaderLength)")
        }
        let start = 8 + Int(headerLength)
        guard let header = try? JSONSerialization.jsonObject(with: data[8..<start]) as? [String: Any] else {
            throw fail("the header is not a JSON object")
        }
        let metadata = header["__metadata__"] as? [String: String] ?? [:]
        let payload = data.count - start
        var entries: [(name: String, dtype: String, shape: [Int], bytes: Range<Int>)] = []
        for (name, value) in header.sorted(by: { $0.key < $1.key }) where name != "__metadata__" {
            guard let entry = value as? [String: Any], let dtype = entry["dtype"] as? String,
                  let shape = entry["shape"] as? [Int], let offsets = entry["data_offsets"] as? [Int], offsets.count == 2,
                  0 <= offsets[0], offsets[0] <= offsets[1] else {
                throw fail("tensor \(name) lacks dtype, shape or data_offsets [begin, end]")
            }
            entries.append((name, dtype, shape, offsets[0]..<offsets[1]))
        }
        // As the format requires, the tensors tile the payload: no byte is shared by two tensors, none is left over.
        var end = 0
        for entry in entries.sorted(by: { ($0.bytes.lowerBound, $0.bytes.upperBound) < ($1.bytes.lowerBound, $1.bytes.upperBound) }) {
            guard entry.bytes.lowerBound == end else {
                throw fail(entry.bytes.lowerBound < end ? "tensor \(entry.name)'s bytes \(entry.bytes) overlap another tensor's"
                                                         : "no tensor holds bytes \(end)..<\(entry.bytes.lowerBound)")
            }
            end = entry.bytes.upperBound
        }
        guard end == payload else {
            throw fail(end < payload ? "\(payload - end) bytes after the last tensor's" : "the tensors need \(end) bytes, the payload has \(payload)")
        }
        var tensors: [String: Tensor] = [:], dtypes: [String: String] = [:], unreadable: [String] = []
        for (name, dtype, shape, bytes) in entries {
            let size: Int
            switch dtype {
            case "F32": size = 4
            case "I64": size = 8
            default:
                unreadable.append("\(name) (\(dtype))")
                continue
            }
            dtypes[name] = dtype
            // Sizes are multiplied with overflow checks: a damaged header may claim any dimensions.
            let count = shape.reduce(Int?(1)) { total, side in
                guard let total, side >= 0 else { return nil }
                let (product, overflow) = total.multipliedReportingOverflow(by: side)
                return overflow ? nil : product
            }
            guard let count, count <= payload / size, bytes.count == count * size else {
                throw fail("tensor \(name) of shape \(shape) does not fit bytes \(bytes) of a \(payload)-byte payload")
            }
            let tensor = Tensor(uninitialized: shape)
            data.withUnsafeBytes { raw in
                let base = raw.baseAddress! + start + bytes.lowerBound
                for i in 0..<count {
                    tensor.data[i] = size == 4 ? base.loadUnaligned(fromByteOffset: 4 * i, as: Float.self)
                        : Float(base.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self))
                }
            }
            tensors[name] = tensor
        }
        guard unreadable.isEmpty else {
            throw fail("Zoo reads F32 tensors (and I64 counters), not \(unreadable.joined(separator: ", ")); "
                       + "convert them with `{k: v.float() for k, v in state_dict.items()}` before saving")
        }
        return (tensors, metadata, dtypes)
    }
}

extension Module {
    /// Loads a file as `SafeTensors.read` returns it (see `load(stateDictionary:dtypes:source:)`).
    public func load(_ file: (tensors: [String: Tensor], metadata: [String: String], dtypes: [String: String]),
                     source: String) throws {
        try load(stateDictionary: file.tensors, dtypes: file.dtypes, source: source)
    }

    /// Copies `tensors` into this model's parameters and buffers by their state_dict keys. Every key,
    /// shape and stored dtype (`dtypes`, as `SafeTensors.read` gives them; F32 when absent, I64 allowed
    /// for `num_batches_tracked`) must match; all problems are reported together, and nothing changes
    /// unless all match.
    public func load(stateDictionary tensors: [String: Tensor], dtypes: [String: String] = [:],
                     source: String = "the checkpoint") throws {
        let own = stateDictionary()
        var problems: [String] = []
        let missing = own.map(\.0).filter { tensors[$0] == nil }
        if !missing.isEmpty { problems.append("missing keys: \(missing.joined(separator: ", "))") }
        let ownKeys = Set(own.map(\.0))
        let unexpected = tensors.keys.filter { !ownKeys.contains($0) }.sorted()
        if !unexpected.isEmpty { problems.append("unexpected keys: \(unexpected.joined(separator: ", "))") }
        for (key, tensor) in own {
            if let loaded = tensors[key], loaded.shape != tensor.shape {
                problems.append("\(key) has shape \(loaded.shape) in \(source) but \(tensor.shape) in the model")
            }
            if let dtype = dtypes[key], dtype != "F32", !(dtype == "I64" && key.hasSuffix("num_batches_tracked")) {
                problems.append("\(key) has dtype \(dtype) in \(source) but the model keeps F32")
            }
        }
        guard problems.isEmpty else {
            throw SafeTensors.Failure(description: "\(source) does not fit this model:\n  " + problems.joined(separator: "\n  "))
        }
        for (key, tensor) in own { tensor.data.update(from: tensors[key]!.data, count: tensor.count) }
    }
}
