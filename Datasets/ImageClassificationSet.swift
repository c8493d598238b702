import Engine

/// A labelled set of equally sized images, held decoded in memory or streamed from their PNG files.
public struct ImageClassificationSet: Sendable {
    /// Where the pixels are.
    public enum Storage: Sendable {
        /// Values in [0, 1], `count * channels * height * width` of them in N-C-H-W row-major order.
        case decoded([Float])
        /// One PNG file per image, decoded each time a batch needs it (folders larger than memory); each must
        /// have the set's channels and size, those of the `reference` image, which decoding checks.
        case files([String], reference: String)
    }

    public let storage: Storage
    /// One label per image, each in `0..<classNames.count`.
    public let labels: [Int32]
    public let count: Int
    public let channels: Int
    public let height: Int
    public let width: Int
    /// Human-readable name of each class, indexed by label.
    public let classNames: [String]

    /// Checks that there are examples, the sizes agree and every label names a class; `source` is used in error messages.
    public init(storage: Storage, labels: [Int32], channels: Int, height: Int, width: Int,
                classNames: [String], source: String = "<memory>") throws {
        let count = labels.count
        guard count > 0 else {
            throw DatasetError.badDimensions(path: source, details: "it holds no examples")
        }
        switch storage {
        case let .decoded(pixels):
            guard pixels.count == count * channels * height * width else {
                throw DatasetError.badDimensions(
                    path: source,
                    details: "\(pixels.count) pixel values do not match \(count) images of \(channels)x\(height)x\(width)")
            }
        case let .files(paths, _):
            guard paths.count == count else {
                throw DatasetError.badDimensions(path: source, details: "\(paths.count) image files do not match \(count) labels")
            }
        }
        if let index = labels.firstIndex(where: { $0 < 0 || Int($0) >= classNames.count }) {
            throw DatasetError.invalidLabel(path: source, index: index, label: Int(labels[index]), classCount: classNames.count)
        }
        self.storage = storage
        self.labels = labels
        self.count = count
        self.channels = channels
        self.height = height
        self.width = width
        self.classNames = classNames
    }

    /// Decoded images: `pixels` holds `count * channels * height * width` values in [0, 1].
    public init(pixels: [Float], labels: [Int32], channels: Int, height: Int, width: Int,
                classNames: [String], source: String = "<memory>") throws {
        try self.init(storage: .decoded(pixels), labels: labels, channels: channels, height: height, width: width,
                      classNames: classNames, source: source)
    }

    /// Images stored as bytes (IDX files): each pixel is its byte / 255, as torchvision's `ToTensor()`.
    public init(bytes: [UInt8], labels: [Int32], channels: Int, height: Int, width: Int,
                classNames: [String], source: String = "<memory>") throws {
        try self.init(pixels: bytes.map { Float($0) / 255 }, labels: labels, channels: channels, height: height, width: width,
                      classNames: classNames, source: source)
    }

    /// Values per image.
    public var imageSize: Int { channels * height * width }

    /// Whether images are decoded from their files as batches need them.
    public var isStreamed: Bool { if case .files = storage { true } else { false } }

    /// The pixels of a decoded set (see `storage`); a streamed set's are read with `image(_:into:)`.
    public var pixels: [Float] {
        guard case let .decoded(pixels) = storage else { preconditionFailure("a streamed set's images are read one at a time with image(_:into:)") }
        return pixels
    }

    /// Writes image `index`'s `imageSize` values to `destination`, decoding its file if the set is streamed.
    public func image(_ index: Int, into destination: UnsafeMutablePointer<Float>) throws {
        switch storage {
        case let .decoded(pixels):
            pixels.withUnsafeBufferPointer { destination.update(from: $0.baseAddress! + index * imageSize, count: imageSize) }
        case let .files(paths, reference):
            try PNGImage.decode(paths[index], shape: (channels, height, width), of: reference, into: destination)
        }
    }

    /// The set with every image decoded (in parallel), or itself if it is already; an image that does not
    /// decode, or has another size, is an error naming its file.
    public func decoded() throws -> ImageClassificationSet {
        guard isStreamed else { return self }
        let size = imageSize
        var pixels = [Float](repeating: 0, count: count * size)
        try pixels.withUnsafeMutableBufferPointer { pixels in
            let pixels = pixels
            try parallelChunks(count, costPerItem: size * 64) { range, failed in
                for index in range {
                    do { try image(index, into: pixels.baseAddress! + index * size) } catch { failed(index, error) }
                }
            }
        }
        return try ImageClassificationSet(pixels: pixels, labels: labels, channels: channels, height: height, width: width,
                                          classNames: classNames)
    }

    /// The examples at `indices`, in that order.
    public func subset(_ indices: [Int]) -> ImageClassificationSet {
        let storage: Storage
        switch self.storage {
        case let .decoded(all):
            var pixels: [Float] = []
            pixels.reserveCapacity(indices.count * imageSize)
            for index in indices { pixels += all[(index * imageSize)..<((index + 1) * imageSize)] }
            storage = .decoded(pixels)
        case let .files(paths, reference):
            storage = .files(indices.map { paths[$0] }, reference: reference)
        }
        return try! ImageClassificationSet(storage: storage, labels: indices.map { labels[$0] }, channels: channels,
                                           height: height, width: width, classNames: classNames)
    }

    /// Splits off a held-out share of every class: `fraction` of its examples (at least one of a class that
    /// has two or more), chosen by `seed`. Both parts keep the examples' order; nil when no class has two
    /// examples to spare one.
    public func holdingOut(fraction: Double, seed: UInt64) -> (training: ImageClassificationSet, heldOut: ImageClassificationSet)? {
        var generator = RandomGenerator(seed: seed)
        var heldOut = Set<Int>()
        for label in classNames.indices {
            let members = labels.indices.filter { Int(labels[$0]) == label }
            guard members.count >= 2, fraction > 0 else { continue }
            let share = min(members.count - 1, max(1, Int(Double(members.count) * fraction)))
            heldOut.formUnion(members.shuffled(using: &generator).prefix(share))
        }
        guard !heldOut.isEmpty else { return nil }
        return (subset(labels.indices.filter { !heldOut.contains($0) }), subset(heldOut.sorted()))
    }
}
