import Engine

/// One minibatch: images [batch, channels, height, width] scaled to [0, 1] and their class labels.
public struct Batch {
    public let images: Tensor
    public let labels: [Int]
}

/// Cuts an image set into minibatches, reshuffled each epoch from a seed (d2l's DataLoader with
/// `ToTensor()`: pixels / 255, last partial batch kept), optionally resized to a square side.
public final class BatchLoader {
    public let batchSize: Int
    public let shuffle: Bool
    public let seed: UInt64
    /// Examples used (the whole set, or its first `limit` examples).
    public let count: Int
    public let exampleShape: [Int]
    private let pixels: [Float]
    private let labels: [Int]
    private let sourceShape: [Int]
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
        count = min(limit ?? set.count, set.count)
        sourceShape = [set.channels, set.height, set.width]
        resizer = resize.flatMap { side in
            side == set.height && side == set.width ? nil : BilinearResize(from: (set.height, set.width), to: (side, side))
        }
        resizedShape = resize.map { [set.channels, $0, $0] } ?? sourceShape
        self.transforms = transforms
        let side = transforms.reduce((resizedShape[1], resizedShape[2])) { $1.outputSide($0) }
        exampleShape = [set.channels, side.0, side.1]
        let size = set.channels * set.height * set.width
        pixels = count == set.count ? set.pixels : Array(set.pixels[0..<(count * size)])
        labels = set.labels[0..<count].map(Int.init)
    }

    /// Batches per epoch.
    public var batchCount: Int { (count + batchSize - 1) / batchSize }

    /// The order of examples in `epoch` (a permutation fixed by the seed and the epoch number).
    public func order(epoch: Int) -> [Int] {
        shuffle ? shuffledOrder(count, seed: seed, epoch: epoch) : Array(0..<count)
    }

    /// The batches of one epoch from its batch `first` on (0: all), assembled lazily one at a time.
    public func epoch(_ epoch: Int, from first: Int = 0) -> some Sequence<Batch> {
        let order = order(epoch: epoch)
        return stride(from: min(first, batchCount) * batchSize, to: count, by: batchSize).lazy.map { start in
            self.batch(Array(order[start..<min(start + self.batchSize, self.count)]), epoch: epoch)
        }
    }

    /// The examples at `indices` as one batch, transformed as in `epoch`.
    public func batch(_ indices: [Int], epoch: Int = 0) -> Batch {
        let size = exampleShape.reduce(1, *), resizedSize = resizedShape.reduce(1, *), sourceSize = sourceShape.reduce(1, *)
        let images = Tensor.zeros([indices.count] + exampleShape)
        var resized = [Float](repeating: 0, count: resizedSize)
        pixels.withUnsafeBufferPointer { source in
            for (row, index) in indices.enumerated() {
                let from = source.baseAddress! + index * sourceSize, to = images.data + row * size
                if transforms.isEmpty && resizer == nil { to.update(from: from, count: size); continue }
                resized.withUnsafeMutableBufferPointer { resized in
                    guard let resizer else { return resized.baseAddress!.update(from: from, count: resizedSize) }
                    let (inArea, outArea) = (sourceSize / sourceShape[0], resizedSize / sourceShape[0])
                    for c in 0..<sourceShape[0] { resizer.apply(from + c * inArea, into: resized.baseAddress! + c * outArea) }
                }
                var image = resized, shape = (resizedShape[1], resizedShape[2])
                var generator = RandomGenerator(seed: seed ^ (UInt64(epoch) &* 0x9E37_79B9_7F4A_7C15) ^ (UInt64(index) &* 0xC2B2_AE3D_27D4_EB4F))
                for transform in transforms {
                    image = transform.apply(image, channels: sourceShape[0], height: shape.0, width: shape.1, generator: &generator)
                    shape = transform.outputSide(shape)
                }
                to.update(from: image, count: size)
            }
        }
        return Batch(images: images, labels: indices.map { labels[$0] })
    }
}

/// `0..<count` in the order of `epoch`: a permutation fixed by the seed and the epoch number, the same
/// for every loader of the zoo.
public func shuffledOrder(_ count: Int, seed: UInt64, epoch: Int) -> [Int] {
    var generator = RandomGenerator(seed: seed &+ UInt64(epoch) &* 0x9E37_79B9_7F4A_7C15)
    return Array(0..<count).shuffled(using: &generator)
}
