import Engine
import Foundation
import Testing

/// Runs that survive: kills at random moments, Ctrl-C and SIGTERM, a file-size limit, destinations that
/// cannot be written. Each runs the real `zoo` binary.
@Suite(.enabled(if: zooBinary != nil && fashionMNISTInstalled, "needs the zoo binary beside the tests and Fashion-MNIST installed"))
struct RunSurvivalTests {
    let folder: String = {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("zoo-survival-\(UUID().uuidString)").path
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()

    let run = ["run", "lenet-bn", "--epochs", "2", "--limit", "12000", "--test-limit", "300", "--batch-size", "32", "--seed", "7"]

    func partialFiles() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".partial") }
    }

    /// The temporary files of writes by process `pid`.
    func partialFiles(of pid: pid_t) -> [String] { partialFiles().filter { $0.contains(".\(pid)-") } }

    func tensors(_ name: String) throws -> [String: [Float]] {
        try SafeTensors.read(folder + "/" + name).tensors.mapValues(\.scalars)
    }

    /// SIGKILL at random moments (among them inside checkpoint writes), SIGINT and SIGTERM: the checkpoint
    /// always loads, SIGINT and SIGTERM print the command that resumes, and the run resumed again and
    /// again ends with the uninterrupted run's weights and metrics, bit for bit.
    @Test func killedAndStoppedRunsResumeToTheSameEnd() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let straight = try ZooProcess.run(run + ["--record", "a.json", "--save", "a.safetensors"], in: folder)
        #expect(straight.status == 0, "\(straight.process.standardError)")

        var generator = RandomGenerator(seed: 1)
        var (kills, insideWrites, stops, finished) = (0, 0, 0, false)
        for attempt in 0..<14 where !finished {
            let resuming = FileManager.default.fileExists(atPath: folder + "/b.ckpt")
            let process = try ZooProcess(run + ["--record", "b.json", "--save", "b.safetensors", "--checkpoint-every", "1",
                                                resuming ? "--resume" : "--checkpoint", "b.ckpt"], in: folder)
            let signal = attempt % 5 == 4 ? (attempt % 2 == 0 ? SIGINT : SIGTERM) : SIGKILL
            usleep(UInt32(250_000 + Double(generator.nextUniform()) * (attempt % 2 == 1 ? 200_000 : 450_000)))
            // Every other kill lands inside a checkpoint write: the process is stopped the moment a temporary
            // file appears, and killed if its write is still under way, else let go on to the next write.
            let pid = process.process.processIdentifier
            if signal == SIGKILL && attempt % 2 == 1 {
                let watch = FolderWatch(folder)
                for _ in 0..<50 where process.process.isRunning && watch.waitForFile(endingWith: ".partial", timeout: 1) {
                    kill(pid, SIGSTOP)
                    if !partialFiles(of: pid).isEmpty { break }
                    kill(pid, SIGCONT)
                }
            }
            guard process.process.isRunning else { finished = process.wait() == 0; continue }
            kill(pid, signal)
            let status = process.wait()
            if status == 0 { finished = true; continue }
            if signal == SIGKILL {
                #expect(status == 128 + SIGKILL)
                kills += 1
                if !partialFiles(of: pid).isEmpty { insideWrites += 1 }  // the next write removes it
            } else if process.standardOutput.contains("resuming") || process.standardOutput.contains("epoch 1/2") || resuming {
                // Stopped in training (not while loading data): the exit status says which signal, and the
                // message gives the command that continues.
                stops += 1
                #expect(status == 128 + signal, "\(process.standardError)")
                #expect(process.standardError.contains("to continue, run:\n  \(zooBinary!) run lenet-bn"), "\(process.standardError)")
                #expect(process.standardError.contains("--resume b.ckpt"))
            }
            if FileManager.default.fileExists(atPath: folder + "/b.ckpt") {
                #expect(throws: Never.self) { try SafeTensors.read(folder + "/b.ckpt") }
            }
        }
        if !finished {
            let last = try ZooProcess.run(run + ["--record", "b.json", "--save", "b.safetensors", "--resume", "b.ckpt"], in: folder)
            #expect(last.status == 0, "\(last.process.standardError)")
        }
        print("kill test: \(kills) SIGKILLs (\(insideWrites) inside a checkpoint write), \(stops) SIGINT/SIGTERM stops")
        #expect(kills >= 5 && insideWrites >= 3, "\(kills) kills, \(insideWrites) inside writes")
        #expect(try tensors("b.safetensors") == tensors("a.safetensors"))
        let (a, b) = try [folder + "/a.json", folder + "/b.json"].map {
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: $0))) as! [String: Any]
        }.pair
        for key in ["trainLoss", "trainAccuracy", "testAccuracy"] {
            #expect((a["epochs"] as! [[String: Any]]).map { $0[key] as! Double } == (b["epochs"] as! [[String: Any]]).map { $0[key] as! Double })
        }
        #expect(partialFiles().isEmpty, "leftover temporary files: \(partialFiles())")
    }

    /// A write past a file-size limit (SIGXFSZ ignored, as a full disk behaves) fails with one line naming
    /// the file, and the previous checkpoint stays as it was.
    @Test func aFailedCheckpointWriteKeepsThePreviousOne() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let first = try ZooProcess.run(run + ["--epochs", "1", "--record", "a.json", "--checkpoint", "c.ckpt"], in: folder)
        #expect(first.status == 0, "\(first.process.standardError)")
        let before = try Data(contentsOf: URL(fileURLWithPath: folder + "/c.ckpt"))
        let limited = try ZooProcess.run(run + ["--record", "b.json", "--resume", "c.ckpt"], in: folder, limits: ["--fsize=60000"])
        #expect(limited.status == 1)
        let message = limited.process.standardError
        #expect(message.hasPrefix("error: cannot write c.ckpt: File too large") && message.split(separator: "\n").count == 1, "\(message)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder + "/c.ckpt")) == before)
        #expect(partialFiles().isEmpty)
    }

    /// Destinations that cannot be written are refused before any training, naming the file and the reason.
    @Test func unwritableDestinationsAreRefusedBeforeTraining() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try #require(FileManager.default.createFile(atPath: folder + "/file", contents: Data("x".utf8)))
        for flags in [["--save", "file/w.safetensors"], ["--checkpoint", "file/c.ckpt"], ["--record", "file/r.json"], ["--save", "."]] {
            let result = try ZooProcess.run(run + flags, in: folder)
            #expect(result.status == 1)
            #expect(!result.process.standardOutput.contains("epoch 1/2"), "trained before failing")
            let message = result.process.standardError
            #expect(message.hasPrefix("error: cannot write \(flags[1] == "." ? "." : flags[1])") && message.split(separator: "\n").count == 1,
                    "\(message)")
        }
    }

    /// Two runs finishing in the same second keep both records.
    @Test func concurrentRunsKeepEveryRecord() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let processes = try (0..<3).map { _ in try ZooProcess(["run", "softmax", "--epochs", "1", "--limit", "500", "--test-limit", "100"], in: folder) }
        #expect(processes.map { $0.wait() } == [0, 0, 0])
        let records = try FileManager.default.contentsOfDirectory(atPath: folder + "/Results/runs").filter { $0.hasSuffix(".json") }
        #expect(records.count == 3, "\(records)")
    }
}

extension Array {
    /// The first two elements.
    var pair: (Element, Element) { (self[0], self[1]) }
}
