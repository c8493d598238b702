import Foundation
import Testing
@testable import Datasets

/// The text corpora as d2l v1.0 prepares them, on the real files in ../shared/data.
@Suite struct TextCorpusTests {
    static let sharedData = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../../shared/data").standardized.path
    /// The workplace's copies sit beside the repository (`../shared/data`); a clone elsewhere skips the tests
    /// that compare against them.
    static let sharedDataAvailable = FileManager.default.fileExists(atPath: sharedData + "/timemachine.txt")

    @Test func vocabulariesSortAsD2LAndMapUnknownTokens() throws {
        let vocabulary = Vocabulary(counting: TimeMachine.characters(of: "The Time Machine, by H. G. Wells [1898]"))
        #expect(vocabulary.tokens.prefix(3) == [" ", "<unk>", "a"])
        #expect(Vocabulary(counting: ["b", "a", "b", "é", "z"], minimumFrequency: 1, reserved: ["<pad>"]).tokens
                == ["<pad>", "<unk>", "a", "b", "z", "é"])  // code point order, as Python sorts
        #expect(Vocabulary(counting: ["b", "a", "b"], minimumFrequency: 2).tokens == ["<unk>", "b"])
        #expect(vocabulary.index(of: "Q") == vocabulary.unknownIndex)
        #expect(throws: DatasetError.self) { try Vocabulary(tokens: ["a", "a", "<unk>"], source: "w.safetensors") }
        #expect { try Vocabulary(tokens: ["a"], source: "w.safetensors") } throws: { "\($0)".contains("lacks <unk>") }
        #expect(try Vocabulary(tokens: ["z", "<unk>"], source: "w").index(of: "z") == 0)
    }

    @Test(.enabled(if: sharedDataAvailable, "../shared/data is not beside this clone")) func theTimeMachineHasD2LsTokens() throws {
        let path = Self.sharedData + "/timemachine.txt"
        let text = try TimeMachine.file.read(path)
        #expect(text.hasPrefix("The Time Machine, by H. G. Wells [1898]\n\n\n\n\nI\n\n\nThe Time Tra"))
        let (tokens, vocabulary) = try TimeMachine.corpus(of: text, path: path)
        #expect(tokens.count == 173_428 && vocabulary.count == 28)
        #expect(vocabulary.tokens == [" ", "<unk>"] + "abcdefghijklmnopqrstuvwxyz".map(String.init))
        #expect(tokens.prefix(10) == [21, 9, 6, 0, 21, 10, 14, 6, 0, 14])  // "the time m"
        // The copy the repository ships is the same text.
        #expect(try TimeMachine.file.text(dataDir: nil, download: false, environment: [:]) == text)
        // Words (--tokens word): Python's re.sub('[^A-Za-z]+', ' ', text).lower().split() gives 32,775
        // words, 4,579 distinct, "the" the most frequent (2,261 times).
        let words = try TimeMachine.corpus(of: text, path: path, tokens: .word)
        #expect(words.tokens.count == 32_775 && words.vocabulary.count == 4_580)
        let the = Int32(words.vocabulary.index(of: "the"))
        #expect(words.tokens.filter { $0 == the }.count == 2_261 && words.tokens.prefix(2) == [the, Int32(words.vocabulary.index(of: "time"))])
    }

    @Test(.enabled(if: sharedDataAvailable, "../shared/data is not beside this clone")) func englishFrenchPairsHaveD2LsVocabularies() throws {
        let path = Self.sharedData + "/fra-eng/fra.txt"
        let text = try FraEng.file.read(path)
        #expect(text.unicodeScalars.prefix(75).map(String.init).joined()
                == "Go.\tVa !\nHi.\tSalut !\nRun!\tCours\u{202F}!\nRun!\tCourez\u{202F}!\nWho?\tQui ?\nWow!\tÇa alors\u{202F}!\n")
        let pairs = try FraEng.pairs(of: text, path: path)
        #expect(pairs.count == 167_130)
        #expect(pairs[0] == FraEng.Pair(source: ["go", ".", "<eos>"], target: ["va", "!", "<eos>"]))
        #expect(pairs[2] == FraEng.Pair(source: ["run", "!", "<eos>"], target: ["cours", "!", "<eos>"]))
        let (source, target) = FraEng.vocabularies(of: pairs)
        // d2l v1.0 drops empty tokens (double spaces); the classic pipeline keeps "" and counts 17,851 targets.
        #expect(source.count == 10_012 && target.count == 17_850, "\(source.count) \(target.count)")
        #expect(pairs.indices.filter(FraEng.isHeldOut).count == 8_356)
        #expect(try FraEng.file.text(dataDir: nil, download: false, environment: [:]) == text)
    }

    @Test(.enabled(if: sharedDataAvailable, "../shared/data is not beside this clone")) func badCorporaAreNamed() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("fra.txt")
        try Data("Go.\tVa !\nHi. Salut !\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect { try FraEng.pairs(of: String(contentsOfFile: path, encoding: .utf8), path: path) }
            throws: { "\($0)".contains("\(path), line 2: no tab") }
        #expect { try FraEng.pairs(of: "\n\n", path: path) } throws: { "\($0)".contains("no sentence pairs") }
        #expect { try TimeMachine.corpus(of: "1898 -- 1899\n", path: path) } throws: { "\($0)".contains("no letters") }
        // A copy that is not d2l's (here: damaged) is refused by its SHA-1; bytes that are not UTF-8 too.
        #expect { try TimeMachine.file.read(path) } throws: { "\($0)".contains("failed its SHA-1 check") && "\($0)".contains(path) }
        // A --data-dir copy comes first, and is checked the same way.
        try Data("not the book".utf8).write(to: URL(fileURLWithPath: directory.file("timemachine.txt")))
        #expect { try TimeMachine.file.text(dataDir: directory.path, download: false, environment: [:]) }
            throws: { "\($0)".contains(directory.file("timemachine.txt")) }
        let latin1 = TextCorpusFile(name: "x.txt", shippedName: "x.txt.gz", size: 3, sha1: sha1Hex([0x61, 0xE9, 0x0A]),
                                    url: nil, cacheName: "x")
        try Data([0x61, 0xE9, 0x0A]).write(to: URL(fileURLWithPath: directory.file("x.txt")))
        #expect { try latin1.read(directory.file("x.txt")) } throws: { "\($0)".contains("is not UTF-8 text") }
        // The last resort downloads (here from a file:// address), checks and keeps the file in the cache.
        let remote = TextCorpusFile(name: "tm-copy.txt", shippedName: "none", size: 178_979, sha1: TimeMachine.file.sha1,
                                    url: URL(fileURLWithPath: Self.sharedData + "/timemachine.txt").absoluteString, cacheName: "tm")
        let downloaded = try remote.text(dataDir: nil, environment: ["HOME": directory.path])
        #expect(try downloaded == remote.read(directory.path + "/.cache/zoo/tm/tm-copy.txt"))
        #expect(downloaded.hasPrefix("The Time Machine, by H. G. Wells"))
        #expect { try latin1.text(dataDir: nil, download: true, environment: ["HOME": directory.path]) }
            throws: { "\($0)".contains("x.txt was not found") }
    }

    /// d2l ships the pairs inside fra-eng.zip: a copy in a data folder is read out of the archive, and the
    /// download route (here a file:// address) unpacks it into the cache; the SHA-1 checked is fra.txt's.
    @Test(.enabled(if: sharedDataAvailable, "../shared/data is not beside this clone")) func thePairsAreReadOutOfAZipArchive() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let zip = Self.sharedData + "/fra-eng-manythings.zip"  // fra.txt and _about.txt at the top level
        let expected = try FraEng.file.read(Self.sharedData + "/fra-eng/fra.txt")
        try FileManager.default.copyItem(atPath: zip, toPath: directory.file("fra-eng.zip"))
        #expect(try FraEng.file.text(dataDir: directory.path, download: false, environment: [:]) == expected)

        var remote = FraEng.file
        remote = TextCorpusFile(name: remote.name, shippedName: "none", size: remote.size, sha1: remote.sha1,
                                url: URL(fileURLWithPath: zip).absoluteString, archive: "none.zip", cacheName: "pairs")
        #expect(try remote.text(dataDir: nil, environment: ["HOME": directory.path]) == expected)
        #expect(try remote.read(directory.path + "/.cache/zoo/pairs/fra.txt") == expected)

        // Damaged archives are named with what is wrong.
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: zip)))
        #expect { try ZipArchive.member("fra.txt", of: Array(bytes.prefix(1000)), path: "z.zip", maximumBytes: 1 << 24) }
            throws: { "\($0)".contains("z.zip") && "\($0)".contains("no end-of-central-directory record") }
        #expect { try ZipArchive.member("de.txt", of: bytes, path: "z.zip", maximumBytes: 1 << 24) } throws: { "\($0)".contains("holds no de.txt") }
        #expect { try ZipArchive.member("fra.txt", of: bytes, path: "z.zip", maximumBytes: 1000) } throws: { "\($0)".contains("z.zip:fra.txt") }
        for i in 2_000..<2_100 { bytes[i] ^= 0x5A }  // inside the deflated fra.txt
        #expect { try ZipArchive.member("fra.txt", of: bytes, path: "z.zip", maximumBytes: 1 << 24) } throws: { "\($0)".contains("z.zip:fra.txt") }
    }

    /// d2l v1.0's windows: every offset, the target shifted by one, 10,000 training then 5,000 held out.
    @Test(.enabled(if: sharedDataAvailable, "../shared/data is not beside this clone")) func languageModelWindowsShiftByOne() throws {
        let (tokens, _) = try TimeMachine.corpus(of: try TimeMachine.file.read(Self.sharedData + "/timemachine.txt"), path: "tm")
        let windows = try LanguageModelWindows(tokens: tokens, source: "tm")
        #expect(windows.window(0).input.elementsEqual(tokens[0..<32]) && windows.window(0).target.elementsEqual(tokens[1..<33]))
        #expect(windows.heldOutIndices == 10_000..<15_000)
        #expect(windows.window(14_999).target.last == tokens[15_031])
        #expect { try LanguageModelWindows(tokens: Array(tokens.prefix(100)), source: "tm") }
            throws: { "\($0)".contains("100 tokens make 68 windows of 32") }
    }

    /// d2l v1.0's `build(['hi .'], ['salut .'])` example.
    @Test func pairsArePaddedAsD2LPadsThem() throws {
        let pairs = try FraEng.pairs(of: "Hi.\tSalut.\nHi.\tSalut.\nGo.\tVa !\n", path: "p")
        let (source, target) = FraEng.vocabularies(of: pairs)
        let encodedSource = FraEng.encode(pairs[0].source, vocabulary: source, steps: 9, target: false)
        #expect(encodedSource.indices.map { source.tokens[Int($0)] } == ["hi", ".", "<eos>"] + Array(repeating: "<pad>", count: 6))
        #expect(encodedSource.validLength == 3)
        let encodedTarget = FraEng.encode(pairs[0].target, vocabulary: target, steps: 9, target: true)
        #expect(encodedTarget.indices.map { target.tokens[Int($0)] }
                == ["<bos>", "salut", ".", "<eos>"] + Array(repeating: "<pad>", count: 6))
        #expect(encodedTarget.validLength == 4)
        // Cut to the steps; tokens seen once are <unk> (min frequency 2).
        #expect(FraEng.encode(pairs[2].source, vocabulary: source, steps: 2, target: false).indices.map { source.tokens[Int($0)] }
                == ["<unk>", "."])
    }
}
