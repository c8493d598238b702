import Engine

/// One minibatch: images [batch, channels, height, width] scaled to [0, 1] and their class labels.
public struct Batch {
    public let images: Tensor
    public let labels: [Int]
}

/// Cuts an image set into minibatches, reshuffled each epoch from a seed (d2l's DataLoader with
/// `ToTensor()`: pixels / 255, last partial batch kept), optionally resized to a square side. A batch's
/// images are assembled in parallel; a streamed set's are decoded from their files one batch ahead.
public final class BatchLoader {
    public let batchSize: Int
    public let shuffle: Bool
    public let seed: UInt64
    /// Examples used (the whole set, or its first `limit` examples).
    public let count: Int
    public let exampleShape: [Int]
    private let source: ImageClassificationSet
    private let resizer: BilinearResize?
    /// Applied to each example after the resize, in order (see `ImageTransform`).
    public let transforms: [ImageTransform]
    private let resizedShape: [Int]

    /// - Parameters:
    ///   - limit: use only the first `limit` examples (quick runs and tests).
    ///   - resize: resize images (bilinear) to `resize` x `resize` as batches are made.
    ///   - transforms: then applied to each image in order; random ones draw from a generator fixed by the
    ///     seed, the epoch and the example, so that a resumed run sees the same images.
    public init(_ set: ImageClassificationSet, batchSize: Int, shuffle: Bool, seed: UInt64 = 0, limit: Int? = nil,
                resize: Int? = nil, transforms: [ImageTransform] = []) {
        precondition(batchSize > 0, "batch size must be positive")
        self.batchSize = batchSize
        self.shuffle = shuffle
        self.seed = seed
        self.source = set
        count = min(limit ?? set.count, set.count)
        resizer = resize.flatMap { side in
            side == set.height && side == set.width ? nil : BilinearResize(from: (set.height, set.width), to: (side, side))
        }
        resizedShape = resize.map { [set.channels, $0, $0] } ?? [set.channels, set.height, set.width]
        self.transforms = transforms
        let side = transforms.reduce((resizedShape[1], resizedShape[2])) { $1.outputSide($0) }
        exampleShape = [set.channels, side.0, side.1]
    }

    /// Batches per epoch.
    public var batchCount: Int { (count + batchSize - 1) / batchSize }

    /// Whether images are decoded from their files as batches are made.
    public var isStreamed: Bool { source.isStreamed }

    /// The order of examples in `epoch` (a permutation fixed by the seed and the epoch number).
    public func order(epoch: Int) -> [Int] {
        shuffle ? shuffledOrder(count, seed: seed, epoch: epoch) : Array(0..<count)
    }

    /// The batches of one epoch from its batch `first` on (0: all), made one at a time (streamed images one
    /// batch ahead, on another thread).
    public func epoch(_ epoch: Int, from first: Int = 0) -> Batches<Batch> {
        self.epoch(epoch, from: first, share: .whole).map { $0! }
    }

    /// `share` of each batch of one epoch (nil for a batch too small to give it any example): only its
    /// examples are decoded, each transformed exactly as in the whole batch.
    public func epoch(_ epoch: Int, from first: Int = 0, share: Share) -> Batches<Batch?> {
        let order = order(epoch: epoch)
        return Batches(from: first, to: batchCount, ahead: isStreamed) { number in
            let indices = order[(number * self.batchSize)..<min((number + 1) * self.batchSize, self.count)]
            return try share.taking(indices).map { try self.batch(Array($0), epoch: epoch) }
        }
    }

    /// The examples at `indices` (each below `count`) as one batch, transformed as in `epoch`; an error if a
    /// streamed image does not decode.
    public func batch(_ indices: [Int], epoch: Int = 0) throws -> Batch {
        precondition(indices.allSatisfy { (0..<count).contains($0) }, "batch indices must lie in 0..<\(count)")
        let size = exampleShape.reduce(1, *)
        let images = Tensor.zeros([indices.count] + exampleShape)
        // Images that go into the batch as they are decode or copy straight into their row.
        let asTheyAre = transforms.isEmpty && resizer == nil
        try withSourcePixels { pixels in
            try parallelChunks(indices.count, costPerItem: asTheyAre && pixels != nil ? size : size * 64) { rows, failed in
                var decoded = [Float](repeating: 0, count: pixels == nil && !asTheyAre ? source.imageSize : 0)
                var resized = [Float](repeating: 0, count: resizer == nil ? 0 : resizedShape.reduce(1, *))
                for row in rows {
                    let index = indices[row], destination = images.data + row * size
                    do {
                        if let pixels, asTheyAre { destination.update(from: pixels + index * size, count: size); continue }
                        if asTheyAre { try source.image(index, into: destination); continue }
                        try decoded.withUnsafeMutableBufferPointer { decoded in
                            if pixels == nil { try source.image(index, into: decoded.baseAddress!) }
                            example(pixels.map { $0 + index * source.imageSize } ?? UnsafePointer(decoded.baseAddress!), index: index,
                                    epoch: epoch, resized: &resized, into: destination)
                        }
                    } catch {
                        failed(row, error)
                    }
                }
            }
        }
        return Batch(images: images, labels: indices.map { Int(source.labels[$0]) })
    }

    /// Calls `body` with the decoded set's pixels, or nil for a streamed set.
    private func withSourcePixels(_ body: (UnsafePointer<Float>?) throws -> Void) rethrows {
        guard case let .decoded(pixels) = source.storage else { return try body(nil) }
        try pixels.withUnsafeBufferPointer { try body($0.baseAddress!) }
    }

    /// Example `index` of `epoch` from its decoded `pixels`: resized (into `resized`, reused from image to
    /// image), then transformed.
    private func example(_ pixels: UnsafePointer<Float>, index: Int, epoch: Int, resized: inout [Float],
                         into destination: UnsafeMutablePointer<Float>) {
        var shape = (resizedShape[1], resizedShape[2])
        if let resizer {
            let (channels, inArea, outArea) = (source.channels, source.height * source.width, shape.0 * shape.1)
            resized.withUnsafeMutableBufferPointer { resized in
                for c in 0..<channels { resizer.apply(pixels + c * inArea, into: resized.baseAddress! + c * outArea) }
            }
        }
        if transforms.isEmpty { return destination.update(from: resized, count: resized.count) }
        var image = resizer == nil ? Array(UnsafeBufferPointer(start: pixels, count: source.imageSize)) : resized
        var generator = RandomGenerator(seed: seed ^ (UInt64(epoch) &* 0x9E37_79B9_7F4A_7C15) ^ (UInt64(index) &* 0xC2B2_AE3D_27D4_EB4F))
        for transform in transforms {
            image = transform.apply(image, channels: source.channels, height: shape.0, width: shape.1, generator: &generator)
            shape = transform.outputSide(shape)
        }
        destination.update(from: image, count: image.count)
    }
}

/// `0..<count` in the order of `epoch`: a permutation fixed by the seed and the epoch number, the same
/// for every loader of the zoo.
public func shuffledOrder(_ count: Int, seed: UInt64, epoch: Int) -> [Int] {
    var generator = RandomGenerator(seed: seed &+ UInt64(epoch) &* 0x9E37_79B9_7F4A_7C15)
    return Array(0..<count).shuffled(using: &generator)
}
