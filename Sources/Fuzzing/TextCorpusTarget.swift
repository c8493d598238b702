import Datasets
import Engine

/// The text corpora's parsers past their SHA-1 check (which any damage fails): UTF-8 decoding, then The
/// Time Machine's tokens and vocabulary, or the English-French pairs and their vocabularies. Seeds are
/// the start of each shipped corpus.
final class TextCorpusTarget: FuzzTarget {
    enum Corpus { case timeMachine, fraEng }

    let corpus: Corpus
    let name: String
    let mutator: Mutator

    init(_ corpus: Corpus) throws {
        self.corpus = corpus
        let file = corpus == .timeMachine ? TimeMachine.file : FraEng.file
        name = corpus == .timeMachine ? "timemachine" : "fra-eng"
        let text = Array(try file.text(dataDir: nil, download: false).utf8)
        // 20 kB of the book; 300 pairs from the start and 300 from the middle of the pairs.
        mutator = Mutator(seeds: corpus == .timeMachine ? [Array(text[0..<20_000])]
                          : [Self.lines(text, from: 0), Self.lines(text, from: text.count / 2)])
    }

    /// 300 whole lines of `text` from the first line start at or after `offset`.
    private static func lines(_ text: [UInt8], from offset: Int) -> [UInt8] {
        var start = offset
        while start > 0 && text[start - 1] != UInt8(ascii: "\n") { start += 1 }
        var end = start
        for _ in 0..<300 { end = (text[end...].firstIndex(of: UInt8(ascii: "\n")) ?? text.count - 1) + 1 }
        return Array(text[start..<end])
    }

    func input(rng: inout RandomGenerator) -> FuzzInput {
        mutator.input(text: true, rng: &rng)
    }

    func place(_ input: FuzzInput, stem: String, in folder: String) throws -> (path: String, remove: String) {
        try placeFile(input, stem: stem, fileExtension: "txt", in: folder)
    }

    func parse(path: String, input: FuzzInput) throws {
        let text = try TextCorpusFile.text(of: SeedFiles.read(path), path: path)
        switch corpus {
        case .timeMachine: _ = try TimeMachine.corpus(of: text, path: path)
        case .fraEng: _ = FraEng.vocabularies(of: try FraEng.pairs(of: text, path: path))
        }
    }
}
