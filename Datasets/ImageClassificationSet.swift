import Engine

/// A labelled set of equally sized images.
public struct ImageClassificationSet: Sendable {
    /// Pixel values in [0, 1], `count * channels * height * width` of them in N-C-H-W row-major order.
    public let pixels: [Float]
    /// One label per image, each in `0..<classNames.count`.
    public let labels: [Int32]
    public let count: Int
    public let channels: Int
    public let height: Int
    public let width: Int
    /// Human-readable name of each class, indexed by label.
    public let classNames: [String]

    /// Checks that there are examples, the sizes agree and every label names a class; `source` is used in error messages.
    public init(pixels: [Float], labels: [Int32], channels: Int, height: Int, width: Int,
                classNames: [String], source: String = "<memory>") throws {
        let count = labels.count
        guard count > 0 else {
            throw DatasetError.badDimensions(path: source, details: "it holds no examples")
        }
        guard pixels.count == count * channels * height * width else {
            throw DatasetError.badDimensions(
                path: source,
                details: "\(pixels.count) pixel values do not match \(count) images of \(channels)x\(height)x\(width)")
        }
        if let index = labels.firstIndex(where: { $0 < 0 || Int($0) >= classNames.count }) {
            throw DatasetError.invalidLabel(path: source, index: index, label: Int(labels[index]), classCount: classNames.count)
        }
        self.pixels = pixels
        self.labels = labels
        self.count = count
        self.channels = channels
        self.height = height
        self.width = width
        self.classNames = classNames
    }

    /// Images stored as bytes (IDX files): each pixel is its byte / 255, as torchvision's `ToTensor()`.
    public init(bytes: [UInt8], labels: [Int32], channels: Int, height: Int, width: Int,
                classNames: [String], source: String = "<memory>") throws {
        try self.init(pixels: bytes.map { Float($0) / 255 }, labels: labels, channels: channels, height: height, width: width,
                      classNames: classNames, source: source)
    }

    /// The examples at `indices`, in that order.
    public func subset(_ indices: [Int]) -> ImageClassificationSet {
        let size = channels * height * width
        var pixels: [Float] = []
        pixels.reserveCapacity(indices.count * size)
        for index in indices { pixels += self.pixels[(index * size)..<((index + 1) * size)] }
        return try! ImageClassificationSet(pixels: pixels, labels: indices.map { labels[$0] }, channels: channels,
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
