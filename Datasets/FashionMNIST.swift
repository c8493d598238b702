import Foundation

/// Zalando's Fashion-MNIST: 28x28 grey-scale images of clothing in 10 classes,
/// 60,000 for training and 10,000 for testing, stored as four gzip-compressed IDX files.
public enum FashionMNIST {
    public enum Split: String, Sendable, CaseIterable { case train, test }

    /// Class names, indexed by label (the names used by d2l.ai).
    public static let classNames = [
        "t-shirt", "trouser", "pullover", "dress", "coat",
        "sandal", "shirt", "sneaker", "bag", "ankle boot",
    ]

    /// One dataset file: its name without `.gz`, and the size and SHA-1 of its decompressed bytes
    /// (identical for Debian's package and Zalando's download, whose `.gz` bytes differ).
    public struct File: Sendable {
        public let name: String
        public let size: Int
        public let sha1: String
    }

    public static let trainImages = File(name: "train-images-idx3-ubyte", size: 47_040_016, sha1: "b9bd999c0106c9b8b4b0cefce58c9a6060f27095")
    public static let trainLabels = File(name: "train-labels-idx1-ubyte", size: 60_008, sha1: "4bccf37222e01638381eaa326bf730337a597267")
    public static let testImages = File(name: "t10k-images-idx3-ubyte", size: 7_840_016, sha1: "880056926db704f9f713097915f99da346f5b1d1")
    public static let testLabels = File(name: "t10k-labels-idx1-ubyte", size: 10_008, sha1: "958122e8b4b97fd4e71eca2d08ef754ed77c3ad9")
    public static let files = [trainImages, trainLabels, testImages, testLabels]

    /// Where Zalando publishes the files; override with `ZOO_FASHION_MNIST_URL` (an http(s) or file:// mirror).
    public static let defaultBaseURL = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"
    /// Where Debian's `dataset-fashion-mnist` package installs the files.
    public static let systemDirectory = "/usr/share/datasets/fashion-mnist"

    /// The per-user download cache: `$XDG_CACHE_HOME/zoo/fashion-mnist`, else `~/.cache/zoo/fashion-mnist`.
    public static func cacheDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        zooCacheDirectory("fashion-mnist", environment: environment)
    }

    /// The directories searched, in order: `dataDir` (`--data-dir`), `$ZOO_DATA`, the system directory, the user cache.
    public static func searchDirectories(dataDir: String?,
                                         environment: [String: String] = ProcessInfo.processInfo.environment,
                                         systemDirectory: String = FashionMNIST.systemDirectory) -> [String] {
        var directories: [String] = []
        for case let directory? in [dataDir, environment["ZOO_DATA"], systemDirectory, cacheDirectory(environment: environment)]
        where !directory.isEmpty && !directories.contains(directory) {
            directories.append(directory)
        }
        return directories
    }

    /// The path of `file` in `directory`: `<name>.gz`, else the uncompressed `<name>`, else nil.
    public static func path(of file: File, in directory: String) -> String? {
        let base = (directory as NSString).appendingPathComponent(file.name)
        return [base + ".gz", base].first { FileManager.default.isReadableFile(atPath: $0) }
    }

    /// The first searched directory holding all four files. If there is none and `download` is
    /// allowed, downloads them (verifying each file's SHA-1) into the first writable of `dataDir`,
    /// `$ZOO_DATA` and the user cache, and returns that directory.
    public static func locate(dataDir: String?, download: Bool = true,
                              environment: [String: String] = ProcessInfo.processInfo.environment,
                              systemDirectory: String = FashionMNIST.systemDirectory,
                              timeout: TimeInterval = 30) throws -> String {
        let searched = searchDirectories(dataDir: dataDir, environment: environment, systemDirectory: systemDirectory)
        if let found = searched.first(where: { directory in files.allSatisfy { path(of: $0, in: directory) != nil } }) {
            return found
        }
        guard download else {
            throw DatasetError.filesNotFound(dataset: "Fashion-MNIST", searched: searched, reason: nil)
        }
        guard let target = downloadDirectory(dataDir: dataDir, environment: environment) else {
            throw DatasetError.filesNotFound(dataset: "Fashion-MNIST", searched: searched, reason: "no writable directory to download into")
        }
        let baseURL = environment["ZOO_FASHION_MNIST_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? defaultBaseURL
        do {
            for file in files where path(of: file, in: target) == nil {
                try downloadFile(file, from: baseURL, into: target, timeout: timeout)
            }
        } catch DatasetError.downloadFailed(let url, let reason) {
            throw DatasetError.filesNotFound(dataset: "Fashion-MNIST", searched: searched, reason: "\(url): \(reason)")
        }
        return target
    }

    /// Loads one split from the directory found by `locate`.
    public static func load(split: Split, dataDir: String?, download: Bool = true,
                            environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ImageClassificationSet {
        try load(split: split, directory: locate(dataDir: dataDir, download: download, environment: environment))
    }

    /// Loads one split from `directory`, checking that images are [N, 28, 28] and labels [N].
    public static func load(split: Split, directory: String) throws -> ImageClassificationSet {
        let (imageFile, labelFile) = split == .train ? (trainImages, trainLabels) : (testImages, testLabels)
        let imagePath = try existingPath(of: imageFile, in: directory)
        let labelPath = try existingPath(of: labelFile, in: directory)
        // No Fashion-MNIST (or MNIST) file holds more than its published size: a header claiming more is refused.
        let images = try IDXArray.read(contentsOf: imagePath, rank: 3, maximumBytes: imageFile.size)
        let labels = try IDXArray.read(contentsOf: labelPath, rank: 1, maximumBytes: labelFile.size)
        guard images.dimensions[1] == 28, images.dimensions[2] == 28 else {
            throw DatasetError.badDimensions(path: imagePath, details: "images are \(images.dimensions[1])x\(images.dimensions[2]), expected 28x28")
        }
        guard images.dimensions[0] == labels.dimensions[0] else {
            throw DatasetError.badDimensions(path: labelPath, details: "\(labels.dimensions[0]) labels for \(images.dimensions[0]) images in \(imagePath)")
        }
        return try ImageClassificationSet(bytes: images.bytes, labels: labels.bytes.map { Int32($0) },
                                          channels: 1, height: 28, width: 28, classNames: classNames, source: labelPath)
    }

    /// Checks the decompressed SHA-1 of all four files in `directory` (slow: reads about 55 MB).
    public static func verify(directory: String) throws {
        for file in files {
            let path = try existingPath(of: file, in: directory)
            let actual = sha1Hex(try gunzip(contentsOf: path, maximumBytes: file.size))
            guard actual == file.sha1 else {
                throw DatasetError.checksumMismatch(path: path, expected: file.sha1, actual: actual)
            }
        }
    }

    private static func existingPath(of file: File, in directory: String) throws -> String {
        guard let path = path(of: file, in: directory) else {
            throw DatasetError.fileUnreadable(path: (directory as NSString).appendingPathComponent(file.name + ".gz"))
        }
        return path
    }

    /// The first existing writable directory among `dataDir` and `$ZOO_DATA`, else the user cache (created if needed).
    private static func downloadDirectory(dataDir: String?, environment: [String: String]) -> String? {
        let fileManager = FileManager.default
        for case let directory? in [dataDir, environment["ZOO_DATA"]] where fileManager.isWritableFile(atPath: directory) {
            return directory
        }
        let cache = cacheDirectory(environment: environment)
        try? fileManager.createDirectory(atPath: cache, withIntermediateDirectories: true)
        return fileManager.isWritableFile(atPath: cache) ? cache : nil
    }

    /// Downloads `<baseURL><name>.gz` to a temporary file, verifies its decompressed SHA-1,
    /// then atomically renames it into `directory`.
    private static func downloadFile(_ file: File, from baseURL: String, into directory: String, timeout: TimeInterval) throws {
        let url = (baseURL.hasSuffix("/") ? baseURL : baseURL + "/") + file.name + ".gz"
        let destination = (directory as NSString).appendingPathComponent(file.name + ".gz")
        let temporary = (directory as NSString).appendingPathComponent(".\(file.name).gz.\(ProcessInfo.processInfo.processIdentifier).part")
        defer { try? FileManager.default.removeItem(atPath: temporary) }

        let data = try fetch(url, timeout: timeout)
        guard FileManager.default.createFile(atPath: temporary, contents: data) else {
            throw DatasetError.downloadFailed(url: url, reason: "cannot write \(temporary)")
        }
        let actual = sha1Hex(try gunzip(contentsOf: temporary, maximumBytes: file.size))
        guard actual == file.sha1 else {
            throw DatasetError.checksumMismatch(path: url, expected: file.sha1, actual: actual)
        }
        guard rename(temporary, destination) == 0 else {
            throw DatasetError.downloadFailed(url: url, reason: "cannot rename \(temporary) to \(destination): \(String(cString: strerror(errno)))")
        }
    }
}
