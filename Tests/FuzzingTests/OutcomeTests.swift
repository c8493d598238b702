import Foundation
import Fuzzing
import Testing

@Suite struct OutcomeTests {
    struct Plain: Error {}
    struct Named: Error, CustomStringConvertible { let description: String }

    @Test func anErrorNamingTheFileIsClean() {
        #expect(Outcome.of(Named(description: "/tmp/x/a.gz is bad"), path: "/tmp/x/a.gz") == .cleanError)
        #expect(Outcome.of(Named(description: "a.gz is bad"), path: "/tmp/x/a.gz") == .cleanError)
        #expect(Outcome.of(Plain(), path: "/tmp/x/a.gz") == .unclearError)
    }

    @Test func aTruncatedSafetensorsFileIsACleanError() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let seed = try Probe.seeds(parser: "safetensors", folder: folder)[0]
        #expect(try Probe.outcome(parser: "safetensors", bytes: seed, folder: folder).0 == .parsed)
        for length in [0, 5, 8, 100, seed.count - 1] {
            let (outcome, text) = try Probe.outcome(parser: "safetensors", bytes: Array(seed.prefix(length)), folder: folder)
            #expect(outcome == .cleanError, "\(length) bytes: \(text)")
        }
    }

    @Test func everySeedParses() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for parser in Targets.names {
            for (index, seed) in try Probe.seeds(parser: parser, folder: folder).enumerated() {
                let (outcome, text) = try Probe.outcome(parser: parser, bytes: seed, seedIndex: index, folder: folder)
                #expect(outcome == .parsed, "\(parser) seed \(index): \(text)")
            }
        }
    }

    func temporaryFolder() throws -> String {
        let folder = NSTemporaryDirectory() + "/zoo-fuzz-tests-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }
}
