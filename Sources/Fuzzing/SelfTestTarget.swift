import Engine
import Foundation

/// A hidden parser (`--parser selftest`) that checks the harness itself: by its first byte, an input
/// parses, throws a clean or an unclear error, traps, hangs, or allocates without bound.
final class SelfTestTarget: FuzzTarget {
    let name = "selftest"
    let mutator = Mutator(seeds: [[0, 1, 2, 3]])

    func input(rng: inout RandomGenerator) -> FuzzInput {
        FuzzInput(bytes: [UInt8(rng.below(6))], seedIndex: 0)
    }

    func place(_ input: FuzzInput, stem: String, in folder: String) throws -> (path: String, remove: String) {
        try placeFile(input, stem: stem, fileExtension: "bin", in: folder)
    }

    func parse(path: String, input: FuzzInput) throws {
        switch try SeedFiles.read(path).first ?? 0 {
        case 0: return
        case 1: throw SeedFiles.WriteFailure(description: "\(path) is bad")
        case 2: throw SeedFiles.WriteFailure(description: "something is bad")
        case 3: if ProcessInfo.processInfo.environment["ZOO_FUZZ_SELFTEST_CRASH"] != nil { _ = [Int]()[Int(input.bytes[0])] }
        case 4: if ProcessInfo.processInfo.environment["ZOO_FUZZ_SELFTEST_HANG"] != nil { sleep(1000) }
        default:
            guard ProcessInfo.processInfo.environment["ZOO_FUZZ_SELFTEST_MEMORY"] != nil else { return }
            var blocks: [[UInt8]] = []
            while true { blocks.append([UInt8](repeating: 1, count: 1 << 26)) }
        }
    }
}
