import Datasets
import Testing
@testable import Fuzzing

/// The zip target's seeds are archives the reader accepts, stored and deflated, so mutations start from
/// valid input.
@Suite struct ZipSeedTests {
    @Test func seedsHoldTheirMember() throws {
        let target = ZipTarget()
        let text = Array("Go.\tVa !\nHi.\tSalut !\nRun!\tCours !\nI lost.\tJ'ai perdu.\n".utf8)
        for seed in target.mutator.seeds {
            #expect(try ZipArchive.member("fra.txt", of: seed, path: "seed.zip", maximumBytes: 1000) == text)
        }
        #expect(ZipTarget.deflateRaw(text).count < text.count)
    }
}
