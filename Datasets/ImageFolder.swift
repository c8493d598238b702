import Engine
import Foundation

/// A folder of labelled PNG images, in either layout people keep them in:
/// - class folders, `PATH/<class>/...png` (torchvision's `ImageFolder`: classes sorted by name, the
///   images of a class by path, subfolders included), with `PATH/train/<class>/` and `PATH/test/<class>/`
///   (or `val/`) as the split when both are there;
/// - d2l's Kaggle CIFAR-10 layout, `PATH/trainLabels.csv` (`id,label`) beside `PATH/train/<id>.png`;
///   the classes are the labels, sorted, and `PATH/test/` (unlabelled) is not read.
///
/// Finding the files reads no image; `images(_:residence:)` decodes them, in parallel, or streams them.
public struct ImageFolder: Sendable {
    /// An image file and its class.
    public struct LabelledFile: Sendable, Equatable {
        public let path: String
        public let label: Int32
    }

    public let path: String
    public let classNames: [String]
    /// The training images (all of them, when the folder has no split).
    public let training: [LabelledFile]
    /// The test (or validation) images, when the folder has its own split.
    public let test: [LabelledFile]?
    /// How the folder was read, for the run's description: "class folders", "train/ and test/ class folders"...
    public let layout: String

    /// Every labelled image under the folder, training and test.
    public var all: [LabelledFile] { training + (test ?? []) }

    /// Finds the labelled images under `path`; an error says which layout was expected where nothing fits.
    public init(path: String) throws {
        let fileManager = FileManager.default
        self.path = path
        guard Self.isFolder(path) else { throw DatasetError.fileUnreadable(path: path) }
        let labels = Self.join(path, "trainLabels.csv"), trainFolder = Self.join(path, "train")
        if fileManager.fileExists(atPath: labels), Self.isFolder(trainFolder) {
            guard let data = fileManager.contents(atPath: labels), data.count <= 1 << 30 else { throw DatasetError.fileUnreadable(path: labels) }
            guard let text = String(data: data, encoding: .utf8) else { throw DatasetError.notText(path: labels) }
            let rows = try LabelsCSV.parse(text, source: labels)
            classNames = Array(Set(rows.map(\.label))).sorted()
            let index = Dictionary(uniqueKeysWithValues: classNames.enumerated().map { ($1, Int32($0)) })
            training = rows.map { LabelledFile(path: Self.join(trainFolder, $0.id + ".png"), label: index[$0.label]!) }
            test = nil
            layout = "trainLabels.csv and train/"
            return
        }
        let testFolder = ["test", "val"].map { Self.join(path, $0) }.first(where: Self.isFolder)
        if Self.isFolder(trainFolder), let testFolder {
            let trainClasses = try Self.classFolders(in: trainFolder)
            classNames = trainClasses
            training = try Self.images(in: trainFolder, classes: trainClasses)
            let testClasses = try Self.classFolders(in: testFolder)
            if let stranger = testClasses.first(where: { !trainClasses.contains($0) }) {
                throw DatasetError.badImageFolder(path: Self.join(testFolder, stranger),
                                                  reason: "a test class that \(trainFolder) does not have")
            }
            test = try Self.images(in: testFolder, classes: trainClasses, only: testClasses)
            layout = "train/ and \((testFolder as NSString).lastPathComponent)/ class folders"
            return
        }
        // A train/ folder without test/ or val/ holds the class folders.
        let root = Self.isFolder(trainFolder) ? trainFolder : path
        classNames = try Self.classFolders(in: root)
        training = try Self.images(in: root, classes: classNames)
        test = nil
        layout = root == path ? "class folders" : "train/ class folders"
    }

    /// How `images(_:)` holds a folder's images.
    public enum Residence: Sendable {
        /// Decoded once into memory if the folder's images (training and test) take at most a quarter of the
        /// machine's memory as floats, else streamed.
        case automatic
        /// Decoded from their files each time a batch needs them (one batch ahead of training).
        case streamed
    }

    /// The images of `files` as one set: decoded in parallel into memory, or streamed from their files (see
    /// `Residence`). They must all have the channels and size of the first, else an error naming the
    /// first that differs (for a streamed set, when a batch reaches it).
    public func images(_ files: [LabelledFile], residence: Residence = .automatic) throws -> ImageClassificationSet {
        guard let first = files.first else {
            throw DatasetError.badImageFolder(path: path, reason: "it holds no labelled images")
        }
        let shape = try PNGImage.shape(of: PNGImage.bytes(of: first.path), source: first.path)
        let set = try ImageClassificationSet(storage: .files(files.map(\.path), reference: first.path), labels: files.map(\.label),
                                             channels: shape.channels, height: shape.height, width: shape.width,
                                             classNames: classNames, source: path)
        // The decision is the same for the training and test images: whether the whole folder fits.
        if residence == .automatic, Self.fitsInMemory(images: training.count + (test?.count ?? 0), size: set.imageSize) { return try set.decoded() }
        // A file gone before the run starts is found now, not hours into it.
        if let missing = files.first(where: { access($0.path, R_OK) != 0 }) { throw DatasetError.fileUnreadable(path: missing.path) }
        return set
    }

    /// Processes on this machine that each decode their own copy of the images (data-parallel training): the
    /// memory the automatic choice counts on is divided among them.
    nonisolated(unsafe) public static var processesSharingMemory = 1

    /// Whether `images` images of `size` values each fit in a quarter of the machine's memory (of this process's
    /// share of it) as floats: room for a second copy (a held-out split) beside training.
    static func fitsInMemory(images: Int, size: Int, processes: Int = processesSharingMemory) -> Bool {
        size > 0 && images <= Int.max / size
            && UInt64(images * size) * 4 <= ProcessInfo.processInfo.physicalMemory / 4 / UInt64(max(1, processes))
    }

    private static func join(_ folder: String, _ name: String) -> String { (folder as NSString).appendingPathComponent(name) }

    private static func isFolder(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    /// The names of the visible subfolders of `folder`, sorted as Python sorts strings (by code point).
    private static func classFolders(in folder: String) throws -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { throw DatasetError.fileUnreadable(path: folder) }
        let classes = names.filter { !$0.hasPrefix(".") && isFolder(join(folder, $0)) }.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
        guard !classes.isEmpty else {
            throw DatasetError.badImageFolder(
                path: folder, reason: "it has no class folders. Zoo reads PATH/<class>/*.png (optionally under PATH/train/ and "
                    + "PATH/test/), or d2l's Kaggle layout, PATH/trainLabels.csv beside PATH/train/<id>.png")
        }
        return classes
    }

    /// The PNG files under each class folder of `folder` (those in `only`, when given), class by class,
    /// each class's files sorted by path; a class folder without one is an error.
    private static func images(in folder: String, classes: [String], only: [String]? = nil) throws -> [LabelledFile] {
        var files: [LabelledFile] = []
        for (label, name) in classes.enumerated() where only?.contains(name) ?? true {
            let classFolder = join(folder, name)
            guard let enumerator = FileManager.default.enumerator(atPath: classFolder) else { throw DatasetError.fileUnreadable(path: classFolder) }
            let paths = enumerator.compactMap { $0 as? String }
                .filter { $0.lowercased().hasSuffix(".png") && !($0 as NSString).lastPathComponent.hasPrefix(".") }
                .sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
            guard !paths.isEmpty else { throw DatasetError.badImageFolder(path: classFolder, reason: "the class folder holds no .png file") }
            files += paths.map { LabelledFile(path: join(classFolder, $0), label: Int32(label)) }
        }
        return files
    }
}
