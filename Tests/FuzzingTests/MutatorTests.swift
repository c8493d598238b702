import Engine
import Foundation
@testable import Fuzzing
import Testing

@Suite struct MutatorTests {
    let mutator = Mutator(seeds: [Array("{\"a\": [1, 2.5, -3], \"b\": \"text\"}".utf8), Array(0...255)])

    @Test func sameSeedAndIndexGiveTheSameInput() {
        for index in 0..<200 {
            var first = Mutator.generator(seed: 7, parser: "idx", index: index)
            var second = Mutator.generator(seed: 7, parser: "idx", index: index)
            #expect(mutator.mutate(mutator.seeds[index % 2], text: index % 2 == 0, rng: &first).bytes
                    == mutator.mutate(mutator.seeds[index % 2], text: index % 2 == 0, rng: &second).bytes)
        }
    }

    @Test func everyInputDiffersFromItsSeed() {
        for index in 0..<500 {
            var rng = Mutator.generator(seed: 1, parser: "record", index: index)
            #expect(mutator.mutate(mutator.seeds[index % 2], text: true, rng: &rng).bytes != mutator.seeds[index % 2])
        }
    }

    @Test func seedsParsersAndIndicesGiveDifferentStreams() {
        var a = Mutator.generator(seed: 1, parser: "idx", index: 0), b = Mutator.generator(seed: 2, parser: "idx", index: 0)
        var c = Mutator.generator(seed: 1, parser: "record", index: 0), d = Mutator.generator(seed: 1, parser: "idx", index: 1)
        #expect(Set([a.next(), b.next(), c.next(), d.next()]).count == 4)
    }

    @Test func textTokensFindNumbersAndStrings() {
        let bytes = Array("{\"shape\": [6, 1], \"x\": -2.5e3}".utf8)
        let numbers = textTokens(in: bytes, strings: false).map { String(decoding: bytes[$0], as: UTF8.self) }
        #expect(numbers == ["6", "1", "-2.5e3"])
        #expect(textTokens(in: bytes, strings: true).count == 5)
    }

    @Test func everyMutationKeepsWorking() {
        var rng = RandomGenerator(seed: 3)
        for mutation in Mutation.allCases {
            for seed in mutator.seeds + [[], [1]] {
                var bytes = seed
                mutation.apply(to: &bytes, others: mutator.seeds, rng: &rng)  // must not trap on any size
            }
        }
    }
}
