import Foundation
import Testing

/// `scripts/full-table`, the queue of hours-long runs carried across days, with a stand-in for `zoo` that logs its
/// arguments, writes the checkpoint it is given and exits with 143 (stopped by SIGTERM) for the models in $FAIL.
struct FullTableScriptTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("scripts/full-table").path

    static let standIn = """
        #!/bin/sh
        echo "$*" >> "$LOG"
        previous=""
        for argument; do
            if [ "$previous" = --checkpoint ]; then : > "$argument"; fi
            previous=$argument
        done
        case " $FAIL " in *" $2 "*) exit 143;; esac
        exit 0
        """

    /// Runs the script on `models` in `folder`; its status, standard error and the stand-in's log lines so far.
    func runScript(_ models: [String], in folder: String, failing: String = "", zoo: String? = nil)
        throws -> (status: Int32, errors: String, log: [String]) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = [Self.script] + models
        process.environment = ["PATH": "/usr/bin:/bin", "ZOO": zoo ?? folder + "/zoo", "ZOO_RUNS": folder + "/runs",
                               "ZOO_CARRIED": folder + "/carried", "LOG": folder + "/log", "FAIL": failing]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let log = (try? String(contentsOfFile: folder + "/log", encoding: .utf8)) ?? ""
        return (process.terminationStatus, errorText, log.split(separator: "\n").map(String.init))
    }

    @Test func runsInOrderStopsWithZooAndResumesWhatStopped() throws {
        let folder = try makeTemporaryFolder("zoo-full-table")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Self.standIn.write(toFile: folder + "/zoo", atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder + "/zoo")
        let runs = folder + "/runs"

        let stopped = try runScript(["nin", "alexnet", "vgg11"], in: folder, failing: "alexnet")
        #expect(stopped.status == 143)
        #expect(stopped.errors.contains("alexnet stopped"))
        #expect(stopped.log == [
            "run nin --dataset fashion-mnist --checkpoint \(runs)/nin.ckpt --checkpoint-every 200",
            "run alexnet --dataset fashion-mnist --checkpoint \(runs)/alexnet.ckpt --checkpoint-every 200",
        ])
        #expect(FileManager.default.fileExists(atPath: runs + "/nin.done"))
        #expect(!FileManager.default.fileExists(atPath: runs + "/alexnet.done"))

        let carriedOn = try runScript(["nin", "alexnet", "vgg11"], in: folder)
        #expect(carriedOn.status == 0, "\(carriedOn.errors)")
        #expect(carriedOn.log.dropFirst(2) == [
            "run alexnet --dataset fashion-mnist --checkpoint \(runs)/alexnet.ckpt --checkpoint-every 200 --resume \(runs)/alexnet.ckpt",
            "run vgg11 --dataset fashion-mnist --checkpoint \(runs)/vgg11.ckpt --checkpoint-every 200",
        ])
        for model in ["nin", "alexnet", "vgg11"] { #expect(FileManager.default.fileExists(atPath: "\(runs)/\(model).done")) }
    }

    /// A checkpoint carried in git resumes its run where the machine has none, is copied rather than trained over, and
    /// goes when the run ends; a checkpoint the machine has wins over the carried one.
    @Test func aCarriedCheckpointResumesItsRunAndGoesWhenItEnds() throws {
        let folder = try makeTemporaryFolder("zoo-full-table")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Self.standIn.write(toFile: folder + "/zoo", atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder + "/zoo")
        let runs = folder + "/runs", carried = folder + "/carried"
        try FileManager.default.createDirectory(atPath: carried, withIntermediateDirectories: true)
        try "carried alexnet".write(toFile: carried + "/alexnet.ckpt", atomically: true, encoding: .utf8)

        let stopped = try runScript(["alexnet"], in: folder, failing: "alexnet")
        #expect(stopped.status == 143)
        #expect(stopped.log == [
            "run alexnet --dataset fashion-mnist --checkpoint \(runs)/alexnet.ckpt --checkpoint-every 200 --resume \(runs)/alexnet.ckpt",
        ])
        #expect(try String(contentsOfFile: carried + "/alexnet.ckpt", encoding: .utf8) == "carried alexnet")

        try "carried, older".write(toFile: carried + "/alexnet.ckpt", atomically: true, encoding: .utf8)
        let finished = try runScript(["alexnet"], in: folder)
        #expect(finished.status == 0, "\(finished.errors)")
        #expect(try String(contentsOfFile: runs + "/alexnet.ckpt", encoding: .utf8) != "carried, older")
        #expect(FileManager.default.fileExists(atPath: runs + "/alexnet.done"))
        #expect(!FileManager.default.fileExists(atPath: carried + "/alexnet.ckpt"))
    }

    /// A run zoo refuses (here exit status 64, a usage error) stops the queue with zoo's status, said as a failure.
    @Test func aFailedRunStopsTheQueue() throws {
        let folder = try makeTemporaryFolder("zoo-full-table")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Self.standIn.replacingOccurrences(of: "exit 143", with: "exit 64").write(toFile: folder + "/zoo", atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder + "/zoo")
        let result = try runScript(["nin", "alexnet"], in: folder, failing: "nin")
        #expect(result.status == 64)
        #expect(result.errors.contains("nin failed (zoo exited with status 64)"))
        #expect(result.log.count == 1)
    }

    @Test func withoutTheBinaryItSaysHowToBuildIt() throws {
        let folder = try makeTemporaryFolder("zoo-full-table")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let result = try runScript(["nin"], in: folder, zoo: folder + "/missing")
        #expect(result.status == 1)
        #expect(result.errors.contains("swift build -c release"))
        #expect(result.log.isEmpty)
    }
}
