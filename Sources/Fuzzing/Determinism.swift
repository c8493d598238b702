import Foundation

/// Swift seeds its hash function per process, so dictionaries iterate (and JSONEncoder writes keys) in a
/// different order each run: the seed files of two runs would differ. zoo-fuzz runs with
/// SWIFT_DETERMINISTIC_HASHING=1, setting it and starting itself again when it is missing.
public enum Determinism {
    public static func ensure() throws {
        guard ProcessInfo.processInfo.environment["SWIFT_DETERMINISTIC_HASHING"] == nil else { return }
        setenv("SWIFT_DETERMINISTIC_HASHING", "1", 1)
        let argv = CommandLine.arguments.map { strdup($0) } + [nil]
        execv(ChildProcess.selfPath, argv)
        throw SeedFiles.WriteFailure(description: "zoo-fuzz: cannot restart itself: \(String(cString: strerror(errno)))")
    }
}
