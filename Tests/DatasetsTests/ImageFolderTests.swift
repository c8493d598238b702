import Foundation
import Testing
@testable import Datasets
import Fuzzing

/// Folders of PNG images in both layouts: class discovery and order, CSV labels, splits, and the errors.
@Suite struct ImageFolderTests {
    /// Writes a gray `side` x `side` PNG whose every sample is `value`.
    static func writeImage(_ path: String, value: Int, side: Int = 4, colorType: PNGEncoder.ColorType = .gray) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let png = PNGEncoder(width: side, height: side, colorType: colorType, depth: 8,
                             samples: Array(repeating: value, count: side * side * colorType.samplesPerPixel))
        try Data(png.encode()).write(to: URL(fileURLWithPath: path))
    }

    @Test func classFoldersAreSortedByCodePointAndTheirFilesByPath() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        for (name, value) in [("b/2.png", 20), ("b/10.png", 10), ("a/x.png", 30), ("B/deep/y.png", 40), ("a/notes.txt", 0)] {
            if name.hasSuffix(".png") { try Self.writeImage(folder.file(name), value: value) } else { try Data().write(to: URL(fileURLWithPath: folder.file(name))) }
        }
        let images = try ImageFolder(path: folder.path)
        #expect(images.classNames == ["B", "a", "b"] && images.test == nil && images.layout == "class folders")
        #expect(images.training.map(\.label) == [0, 1, 2, 2])
        #expect(images.training.map { ($0.path as NSString).lastPathComponent } == ["y.png", "x.png", "10.png", "2.png"])
        let set = try images.images(images.training)
        #expect(set.count == 4 && set.channels == 1 && set.height == 4 && set.width == 4)
        #expect(stride(from: 0, to: 64, by: 16).map { set.pixels[$0] } == [40, 30, 10, 20].map { Float($0) / 255 })
    }

    @Test func trainAndTestFoldersAreTheSplit() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        for name in ["train/cat/1.png", "train/dog/1.png", "train/dog/2.png", "val/dog/3.png"] { try Self.writeImage(folder.file(name), value: 1) }
        let images = try ImageFolder(path: folder.path)
        #expect(images.classNames == ["cat", "dog"] && images.training.count == 3 && images.test?.map(\.label) == [1])
        #expect(images.layout == "train/ and val/ class folders" && images.all.count == 4)

        // train/ alone holds the class folders (not one class called "train").
        let single = try TemporaryDirectory()
        defer { single.remove() }
        for name in ["train/cat/1.png", "train/dog/1.png"] { try Self.writeImage(single.file(name), value: 1) }
        let trainOnly = try ImageFolder(path: single.path)
        #expect(trainOnly.classNames == ["cat", "dog"] && trainOnly.test == nil && trainOnly.layout == "train/ class folders")

        try Self.writeImage(folder.file("val/bird/1.png"), value: 1)
        #expect { try ImageFolder(path: folder.path) } throws: { "\($0)".contains("val/bird") && "\($0)".contains("does not have") }
    }

    @Test func kaggleLabelsNameTheClasses() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try "id,label\r\n1,truck\r\n2,frog\r\n3,truck\r\n\r\n".write(toFile: folder.file("trainLabels.csv"), atomically: true, encoding: .utf8)
        for (id, value) in [(1, 1), (2, 2), (3, 3)] { try Self.writeImage(folder.file("train/\(id).png"), value: value) }
        let images = try ImageFolder(path: folder.path)
        #expect(images.classNames == ["frog", "truck"] && images.training.map(\.label) == [1, 0, 1] && images.test == nil)
        #expect(try images.images(images.training).pixels[16] == Float(2) / 255)
    }

    @Test func badFoldersAndFilesAreNamed() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        #expect { try ImageFolder(path: folder.path) } throws: { "\($0)".contains("no class folders") }
        #expect { try ImageFolder(path: folder.file("missing")) } throws: { "\($0)".contains("missing") }

        try FileManager.default.createDirectory(atPath: folder.file("empty"), withIntermediateDirectories: true)
        #expect { try ImageFolder(path: folder.path) } throws: { "\($0)".contains("empty") && "\($0)".contains("no .png") }
        try FileManager.default.removeItem(atPath: folder.file("empty"))

        try Self.writeImage(folder.file("a/1.png"), value: 1)
        try Self.writeImage(folder.file("a/2.png"), value: 1, colorType: .rgb)
        try Self.writeImage(folder.file("b/1.png"), value: 1, side: 5)
        let images = try ImageFolder(path: folder.path)
        #expect { try images.images(images.training) } throws: { "\($0)".contains("a/2.png") && "\($0)".contains("3x4x4") }

        try Data("not a png".utf8).write(to: URL(fileURLWithPath: folder.file("a/2.png")))
        #expect { try images.images(images.training) } throws: { "\($0)".contains("a/2.png") && "\($0)".contains("not a PNG") }
    }

    @Test func labelFilesAreChecked() throws {
        #expect(try LabelsCSV.parse("id,label\n7,cat\n", source: "l.csv").map(\.id) == ["7"])
        for (text, line) in [("7,cat\n", 1), ("id,label\n7\n", 2), ("id,label\n7,cat,x\n", 2), ("id,label\n7,cat\n7,dog\n", 3),
                             ("id,label\n../x,cat\n", 2), ("id,label\n", 1), ("id,label\n,cat\n", 2)] {
            #expect { try LabelsCSV.parse(text, source: "l.csv") } throws: { "\($0)".contains("l.csv, line \(line)") }
        }
    }

    @Test func heldOutSharesArePerClassAndFixedBySeed() throws {
        let labels: [Int32] = Array(repeating: 0, count: 20) + Array(repeating: 1, count: 10) + [2]
        let set = try ImageClassificationSet(pixels: labels.indices.map(Float.init), labels: labels, channels: 1, height: 1, width: 1,
                                             classNames: ["a", "b", "c"])
        let (training, heldOut) = try #require(set.holdingOut(fraction: 0.1, seed: 3))
        #expect(heldOut.labels == [0, 0, 1] && training.count == 28)
        #expect(Set(training.pixels + heldOut.pixels) == Set(set.pixels) && training.pixels == training.pixels.sorted())
        #expect(set.holdingOut(fraction: 0.1, seed: 3)?.heldOut.pixels == heldOut.pixels)
        #expect(set.holdingOut(fraction: 0.1, seed: 4)?.heldOut.pixels != heldOut.pixels)
        // One image per class leaves nothing to hold out.
        #expect(set.subset([0, 20, 30]).holdingOut(fraction: 0.5, seed: 3).map { _ in true } == nil)
    }

    /// Fashion-MNIST's first 300 test images written as class-folder PNGs read back as the IDX file holds
    /// them: the same pixels, labels and classes (folders named so that they sort in label order).
    @Test(.enabled(if: FashionMNISTTests.installed, "Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)"))
    func pngFoldersReadAsTheIDXFiles() throws {
        let idx = try FashionMNIST.load(split: .test, directory: FashionMNIST.systemDirectory).subset(Array(0..<300))
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        for index in 0..<idx.count {
            let label = Int(idx.labels[index])
            let samples = idx.pixels[(index * 784)..<((index + 1) * 784)].map { Int(($0 * 255).rounded()) }
            let png = PNGEncoder(width: 28, height: 28, colorType: .gray, depth: 8, samples: samples).encode()
            let path = folder.file("\(label)-\(FashionMNIST.classNames[label])/\(String(format: "%05d", index)).png")
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(png).write(to: URL(fileURLWithPath: path))
        }
        let images = try ImageFolder(path: folder.path)
        let set = try images.images(images.training)
        #expect(images.classNames.map { String($0.drop { $0 != "-" }.dropFirst()) } == FashionMNIST.classNames)
        // The folder lists images class by class; in that order they are the IDX images exactly.
        let order = idx.labels.indices.sorted { (idx.labels[$0], $0) < (idx.labels[$1], $1) }
        let reordered = idx.subset(order)
        #expect(set.labels == reordered.labels && set.pixels == reordered.pixels)
    }

    /// d2l's tiny Kaggle CIFAR-10 copy: 1,000 labelled 32x32 RGB images in 10 classes.
    @Test(.enabled(if: TextCorpusTests.sharedDataAvailable, "../shared/data is not beside this clone"))
    func theTinyKaggleCIFARFolderLoads() throws {
        let images = try ImageFolder(path: TextCorpusTests.sharedData + "/kaggle_cifar10_tiny")
        #expect(images.classNames == ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"])
        let set = try images.images(images.training)
        #expect(set.count == 1_000 && set.channels == 3 && set.height == 32 && set.width == 32)
        #expect(set.labels[0] == 6 && set.labels[1] == 9)  // 1,frog and 2,truck
        #expect(Int((set.pixels[0] * 255).rounded()) == 59)  // train/1.png's first red sample, as Pillow reads it
    }
}
