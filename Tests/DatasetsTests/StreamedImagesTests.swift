import Dispatch
import Foundation
import Testing
@testable import Datasets
import Engine
import Fuzzing

/// Folders streamed from their files: the same batches as decoded ones, one batch made ahead, and an
/// image that fails mid-epoch an error from its batch.
@Suite struct StreamedImagesTests {
    /// Three classes of 6x6 RGB images, 7 each, every sample different.
    static func makeFolder(_ folder: TemporaryDirectory) throws -> ImageFolder {
        for (label, name) in ["cat", "dog", "emu"].enumerated() {
            for index in 0..<7 {
                let samples = (0..<108).map { ($0 * 31 + index * 17 + label * 89) % 256 }
                let png = PNGEncoder(width: 6, height: 6, colorType: .rgb, depth: 8, samples: samples).encode()
                try FileManager.default.createDirectory(atPath: folder.file(name), withIntermediateDirectories: true)
                try Data(png).write(to: URL(fileURLWithPath: folder.file("\(name)/\(index).png")))
            }
        }
        return try ImageFolder(path: folder.path)
    }

    @Test func aStreamedFolderGivesTheDecodedFoldersBatches() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let images = try Self.makeFolder(folder)
        let decoded = try images.images(images.training), streamed = try images.images(images.training, residence: .streamed)
        #expect(!decoded.isStreamed && streamed.isStreamed && streamed.count == 21 && streamed.labels == decoded.labels)
        #expect(try streamed.decoded().pixels == decoded.pixels)

        let transforms = try ["resized-crop:8:0.5:1", "flip", "normalize:0.5,0.5,0.5:0.2,0.2,0.2"].map(ImageTransform.parse)
        func batches(_ set: ImageClassificationSet, epoch: Int) throws -> [([Float], [Int])] {
            try BatchLoader(set, batchSize: 4, shuffle: true, seed: 9, resize: 10, transforms: transforms).epoch(epoch).all()
                .map { ($0.images.scalars, $0.labels) }
        }
        for epoch in 1...2 {
            let (fromMemory, fromFiles) = (try batches(decoded, epoch: epoch), try batches(streamed, epoch: epoch))
            #expect(fromFiles.count == 6 && fromFiles.map(\.0) == fromMemory.map(\.0) && fromFiles.map(\.1) == fromMemory.map(\.1))
        }
        // Held-out splits and subsets pick the same images from either.
        let (training, heldOut) = try #require(streamed.holdingOut(fraction: 0.3, seed: 2))
        let (decodedTraining, decodedHeldOut) = try #require(decoded.holdingOut(fraction: 0.3, seed: 2))
        #expect(training.isStreamed && heldOut.count == 6)
        #expect(try training.decoded().pixels == decodedTraining.pixels && heldOut.decoded().pixels == decodedHeldOut.pixels)
    }

    /// A folder is decoded into memory when its floats take at most a quarter of it (of its share, with several
    /// processes on the machine), else streamed.
    @Test func onlyFoldersThatFitAreDecodedIntoMemory() {
        let memory = ProcessInfo.processInfo.physicalMemory
        #expect(ImageFolder.fitsInMemory(images: 70_000, size: 784))
        #expect(ImageFolder.fitsInMemory(images: Int(memory / 16 / 1024), size: 1024))
        #expect(!ImageFolder.fitsInMemory(images: Int(memory / 16 / 1024) + 1, size: 1024))
        // Two processes on the machine (data-parallel training) each count on half.
        #expect(ImageFolder.fitsInMemory(images: Int(memory / 32 / 1024), size: 1024, processes: 2))
        #expect(!ImageFolder.fitsInMemory(images: Int(memory / 32 / 1024) + 1, size: 1024, processes: 2))
        #expect(!ImageFolder.fitsInMemory(images: Int.max / 2, size: 3 * 224 * 224) && !ImageFolder.fitsInMemory(images: 5, size: 0))
    }

    @Test func anImageThatFailsMidEpochIsAnErrorFromItsBatch() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let images = try Self.makeFolder(folder)
        let streamed = try images.images(images.training, residence: .streamed)
        // After the run has started: dog/3.png (example 10, in the third batch of 4) changes size, then breaks.
        let loader = BatchLoader(streamed, batchSize: 4, shuffle: false)
        let bigger = PNGEncoder(width: 7, height: 6, colorType: .rgb, depth: 8, samples: Array(repeating: 9, count: 126)).encode()
        try Data(bigger).write(to: URL(fileURLWithPath: folder.file("dog/3.png")))
        var batches = loader.epoch(1)
        #expect(try batches.next()?.labels == [0, 0, 0, 0] && batches.next()?.labels == [0, 0, 0, 1])
        #expect { try batches.next() } throws: { "\($0)".contains("dog/3.png") && "\($0)".contains("3x6x7") }

        try Data("not a png".utf8).write(to: URL(fileURLWithPath: folder.file("dog/3.png")))
        batches = loader.epoch(1, from: 2)
        #expect { try batches.next() } throws: { "\($0)".contains("dog/3.png") && "\($0)".contains("not a PNG") }
        try FileManager.default.removeItem(atPath: folder.file("dog/3.png"))
        #expect { try loader.batch([10]) } throws: { "\($0)".contains("dog/3.png") }
        #expect(try loader.batch([9, 11]).labels == [1, 1])
    }

    /// With `ahead`, each batch is made once, in order, at most one past the one handed out.
    @Test func batchesMadeAheadComeInOrderOncePerBatch() throws {
        final class Log: @unchecked Sendable {
            let lock = NSLock()
            var made: [Int] = []
            func add(_ number: Int) { lock.withLock { made.append(number) } }
        }
        let log = Log()
        let secondStarted = DispatchSemaphore(value: 0)
        let batches = Batches(from: 1, to: 6, ahead: true) { number -> Int in
            log.add(number)
            if number == 2 { secondStarted.signal() }
            if number == 4 { throw DatasetError.badImage(path: "4.png", reason: "broken") }
            return number * 10
        }
        #expect(try batches.next() == 10)
        // The second batch is made while the caller holds the first, without being asked for.
        #expect(secondStarted.wait(timeout: .now() + 10) == .success)
        #expect(try batches.next() == 20)
        #expect(log.lock.withLock { log.made.count } <= 3)
        #expect(try batches.next() == 30)
        #expect { try batches.next() } throws: { "\($0)".contains("4.png") }
        // A failed batch starts no other; the one after it is made when asked for.
        #expect(log.made == [1, 2, 3, 4])
        #expect(try batches.next() == 50 && batches.next() == nil && batches.next() == nil)
        #expect(log.made == [1, 2, 3, 4, 5])
    }
}
