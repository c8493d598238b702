import Datasets
import Engine
import Harness
import Zoo

/// Weights files of text models, read as `zoo generate` and `zoo translate` read them: the vocabularies
/// from the metadata (JSON lists), the sizes from the tensors' shapes, then the tensors. Seeds: a GRU
/// language model (hidden 8, the characters of a sentence) and a small seq2seq translator (embedding 4,
/// hidden 5) over vocabularies of 11 and 10 words.
final class TextWeightsTarget: FuzzTarget {
    let name = "text-weights"
    let mutator: Mutator

    init(folder: String) throws {
        let characters = Vocabulary(counting: TimeMachine.characters(of: "the time traveller for so it will be convenient"))
        let english = Vocabulary(counting: ["go", ".", "i", "lost", "he's", "calm", "<eos>"], reserved: FraEng.reserved)
        let french = Vocabulary(counting: ["va", "!", "j'ai", "perdu", ".", "<eos>"], reserved: FraEng.reserved)
        let (languageModel, translator) = Random.withGenerator(seed: 0) {
            (ModelRegistry.languageModels[1].build(vocabularySize: characters.count, hidden: 8),
             EncoderDecoder(sourceVocabularySize: english.count, targetVocabularySize: french.count, embedding: 4, hidden: 5, layers: 2,
                            attention: false))
        }
        var seeds: [[UInt8]] = []
        for (stem, model, metadata) in [("lm", languageModel as Module, ["model": "gru", "vocab": characters.json]),
                                        ("seq2seq", translator, ["model": "seq2seq", "src_vocab": english.json, "tgt_vocab": french.json])] {
            let path = folder + "/text-weights-seed-\(stem).safetensors"
            try SafeTensors.write(model.stateDictionary(), metadata: metadata.merging(["format": "pt"]) { $1 }, to: path)
            seeds.append(try SeedFiles.read(path))
        }
        mutator = Mutator(seeds: seeds)
    }

    func input(rng: inout RandomGenerator) -> FuzzInput {
        SafeTensorsLayout.input(mutator, seed: rng.below(mutator.seeds.count), rng: &rng)
    }

    func place(_ input: FuzzInput, stem: String, in folder: String) throws -> (path: String, remove: String) {
        try placeFile(input, stem: stem, fileExtension: "safetensors", in: folder)
    }

    func parse(path: String, input: FuzzInput) throws {
        if input.seedIndex == 0 {
            _ = try SavedWeights.languageModel(ModelRegistry.languageModels[1], from: path)
        } else {
            _ = try SavedWeights.translator(ModelRegistry.translators[0], from: path)
        }
    }
}
