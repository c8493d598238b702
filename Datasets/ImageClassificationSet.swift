/// A labelled set of equally sized images, held as raw bytes.
public struct ImageClassificationSet: Sendable {
    /// Pixel values, `count * channels * height * width` bytes in N-C-H-W row-major order.
    public let images: [UInt8]
    /// One label per image, each in `0..<classNames.count`.
    public let labels: [Int32]
    public let count: Int
    public let channels: Int
    public let height: Int
    public let width: Int
    /// Human-readable name of each class, indexed by label.
    public let classNames: [String]

    /// Checks that there are examples, the sizes agree and every label names a class; `source` is used in error messages.
    public init(images: [UInt8], labels: [Int32], channels: Int, height: Int, width: Int,
                classNames: [String], source: String = "<memory>") throws {
        let count = labels.count
        guard count > 0 else {
            throw DatasetError.badDimensions(path: source, details: "it holds no examples")
        }
        guard images.count == count * channels * height * width else {
            throw DatasetError.badDimensions(
                path: source,
                details: "\(images.count) pixel bytes do not match \(count) images of \(channels)x\(height)x\(width)")
        }
        if let index = labels.firstIndex(where: { $0 < 0 || Int($0) >= classNames.count }) {
            throw DatasetError.invalidLabel(path: source, index: index, label: Int(labels[index]), classCount: classNames.count)
        }
        self.images = images
        self.labels = labels
        self.count = count
        self.channels = channels
        self.height = height
        self.width = width
        self.classNames = classNames
    }
}
