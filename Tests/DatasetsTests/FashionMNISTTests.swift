import Datasets
import Foundation
import Testing

@Suite struct FashionMNISTTests {
    static let installed = FileManager.default.fileExists(atPath: FashionMNIST.systemDirectory + "/train-images-idx3-ubyte.gz")

    @Test func searchOrder() {
        let environment = ["ZOO_DATA": "/env/data", "XDG_CACHE_HOME": "/xdg"]
        #expect(FashionMNIST.searchDirectories(dataDir: "/flag/data", environment: environment, systemDirectory: "/sys/fm")
            == ["/flag/data", "/env/data", "/sys/fm", "/xdg/zoo/fashion-mnist"])
        #expect(FashionMNIST.searchDirectories(dataDir: nil, environment: ["HOME": "/home/u"], systemDirectory: "/sys/fm")
            == ["/sys/fm", "/home/u/.cache/zoo/fashion-mnist"])
    }

    @Test func offlineLocateFailsClearly() throws {
        let dirs = try (0..<4).map { _ in try TemporaryDirectory() }
        defer { dirs.forEach { $0.remove() } }
        let environment = ["ZOO_DATA": dirs[1].path, "XDG_CACHE_HOME": dirs[2].path, "ZOO_FASHION_MNIST_URL": "http://127.0.0.1:9/"]
        let start = Date()
        let error = try #require(throws: DatasetError.self) {
            try FashionMNIST.locate(dataDir: dirs[0].path, environment: environment, systemDirectory: dirs[3].path, timeout: 5)
        }
        #expect(Date().timeIntervalSince(start) < 10)
        guard case .filesNotFound(_, let searched, let reason) = error else { Issue.record("wrong error \(error)"); return }
        #expect(searched == [dirs[0].path, dirs[1].path, dirs[3].path, dirs[2].path + "/zoo/fashion-mnist"])
        #expect(reason?.contains("127.0.0.1:9") == true)
        #expect(error.description.contains("apt-get install dataset-fashion-mnist"))
        #expect(error.description.contains("--data-dir"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dirs[0].path).isEmpty, "no partial downloads left behind")
    }

    @Test func downloadWithWrongChecksumIsRejected() throws {
        let (source, target, empty) = try (TemporaryDirectory(), TemporaryDirectory(), TemporaryDirectory())
        defer { [source, target, empty].forEach { $0.remove() } }
        #expect(FileManager.default.createFile(atPath: source.file("train-images-idx3-ubyte.gz"), contents: Data("not the data".utf8)))
        let environment = ["XDG_CACHE_HOME": empty.path, "ZOO_FASHION_MNIST_URL": URL(fileURLWithPath: source.path).absoluteString]
        let error = try #require(throws: DatasetError.self) {
            try FashionMNIST.locate(dataDir: target.path, environment: environment, systemDirectory: empty.path, timeout: 5)
        }
        guard case .checksumMismatch(_, FashionMNIST.trainImages.sha1, _) = error else { Issue.record("wrong error \(error)"); return }
        #expect(error.description.contains("train-images-idx3-ubyte.gz"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: target.path).isEmpty, "the rejected download was removed")
    }

    @Test(.enabled(if: installed, "Fashion-MNIST is not installed in /usr/share/datasets/fashion-mnist (apt-get install dataset-fashion-mnist)"))
    func downloadsVerifiesAndInstallsFiles() throws {
        let (target, empty) = try (TemporaryDirectory(), TemporaryDirectory())
        defer { [target, empty].forEach { $0.remove() } }
        let environment = ["XDG_CACHE_HOME": empty.path,
                           "ZOO_FASHION_MNIST_URL": URL(fileURLWithPath: FashionMNIST.systemDirectory).absoluteString]
        let found = try FashionMNIST.locate(dataDir: target.path, environment: environment, systemDirectory: empty.path)
        #expect(found == target.path)
        let names = try FileManager.default.contentsOfDirectory(atPath: target.path).sorted()
        #expect(names == FashionMNIST.files.map { $0.name + ".gz" }.sorted())
        #expect(try FashionMNIST.load(split: .test, directory: found).count == 10_000)
    }

    @Test func locateWithoutDownloadDoesNotTouchNetwork() throws {
        let empty = try TemporaryDirectory()
        defer { empty.remove() }
        let error = try #require(throws: DatasetError.self) {
            try FashionMNIST.locate(dataDir: empty.path, download: false,
                                    environment: ["XDG_CACHE_HOME": empty.path], systemDirectory: empty.path)
        }
        guard case .filesNotFound(_, _, nil) = error else { Issue.record("wrong error \(error)"); return }
    }

    @Test(.enabled(if: installed, "Fashion-MNIST is not installed in /usr/share/datasets/fashion-mnist (apt-get install dataset-fashion-mnist)"),
          arguments: [(FashionMNIST.Split.train, 60_000), (.test, 10_000)])
    func loadsInstalledFiles(split: FashionMNIST.Split, count: Int) throws {
        let set = try FashionMNIST.load(split: split, directory: FashionMNIST.systemDirectory)
        #expect(set.count == count && set.channels == 1 && set.height == 28 && set.width == 28)
        #expect(set.pixels.count == count * 28 * 28)
        var histogram = [Int](repeating: 0, count: 10)
        for label in set.labels { histogram[Int(label)] += 1 }
        #expect(histogram == [Int](repeating: count / 10, count: 10))
        #expect(set.classNames.first == "t-shirt" && set.classNames.last == "ankle boot")
    }

    @Test(.enabled(if: installed, "Fashion-MNIST is not installed in /usr/share/datasets/fashion-mnist (apt-get install dataset-fashion-mnist)"))
    func installedFilesMatchPublishedChecksums() throws {
        try FashionMNIST.verify(directory: FashionMNIST.systemDirectory)
        #expect(FashionMNIST.searchDirectories(dataDir: nil, environment: [:]).contains(FashionMNIST.systemDirectory))
    }
}
