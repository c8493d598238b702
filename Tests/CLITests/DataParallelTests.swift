import Engine
import Foundation
import Testing

/// Open MPI's launcher, when installed.
let mpirunPath: String? = ["/usr/bin/mpirun", "/usr/local/bin/mpirun"].first { FileManager.default.isExecutableFile(atPath: $0) }

/// `zoo run` data-parallel under `mpirun -np 2` on this one machine, against the same run in one process.
@Suite(.serialized, .enabled(if: zooBinary != nil && mpirunPath != nil,
                             "needs the zoo binary beside the tests and Open MPI's mpirun (apt-get install openmpi-bin; CI installs it)"))
struct DataParallelTests {
    let folder = try! makeTemporaryFolder("zoo-mpi")
    /// Open MPI refuses root unless told; a shared machine may have fewer cores than processes.
    static let environment = ProcessInfo.processInfo.environment.merging(
        ["OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1"]) { $1 }

    static func mpirun(_ processes: Int) -> [String] { [mpirunPath!, "-np", String(processes), "--oversubscribe"] }

    /// `zoo arguments` under mpirun with `processes` processes (nil: alone), ended within `seconds`.
    func zoo(_ arguments: [String], processes: Int? = nil, seconds: Double = 300) throws -> (status: Int32?, process: ZooProcess) {
        let process = try ZooProcess(arguments, in: folder, launcher: processes.map(Self.mpirun) ?? [], environment: Self.environment)
        return (process.wait(atMost: seconds), process)
    }

    func weights(_ name: String) throws -> [String: [Float]] {
        try SafeTensors.read(folder + "/" + name).tensors.mapValues(\.scalars)
    }

    func record(_ name: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/" + name))) as! [String: Any]
    }

    /// The largest difference between the two sets of weights, relative to each tensor's largest value.
    func largestDifference(_ a: [String: [Float]], _ b: [String: [Float]]) -> Float {
        #expect(a.keys.sorted() == b.keys.sorted())
        return a.keys.map { key in
            let scale = max(a[key]!.map(abs).max() ?? 0, 1e-6)
            return zip(a[key]!, b[key]!).map { abs($0 - $1) / scale }.max() ?? 0
        }.max() ?? 0
    }

    /// Runs `run` alone (record and weights alone.*) and with two processes (together.*), which must end with the
    /// same weights up to the order of float sums; the two-process run's output.
    @discardableResult
    func trainAloneAndTogether(_ run: [String], together flags: [String] = [], tolerance: Float = 1e-4) throws -> ZooProcess {
        let alone = try zoo(run + ["--record", "alone.json", "--save", "alone.safetensors"])
        #expect(alone.status == 0, "\(alone.process.standardError)")
        let together = try zoo(run + flags + ["--record", "together.json", "--save", "together.safetensors"], processes: 2)
        #expect(together.status == 0, "\(together.process.standardError)")
        #expect(largestDifference(try weights("alone.safetensors"), try weights("together.safetensors")) < tolerance)
        return together.process
    }

    /// Two processes, each taking half of every batch of 256 (the last batch of 3,001 examples, 185, split
    /// 92 / 93 so that their gradients must be weighed by their examples), end with the weights of one
    /// process training on the same batches, up to the order of float sums; the record says who ran it.
    @Test(.enabled(if: fashionMNISTInstalled, "Fashion-MNIST is not installed: apt-get install dataset-fashion-mnist"))
    func twoProcessesTrainLeNetAsOneDoes() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let together = try trainAloneAndTogether(["run", "lenet", "--epochs", "2", "--limit", "3001", "--test-limit", "500", "--lr", "0.5", "--seed", "3"])
        let (first, second) = (try record("alone.json"), try record("together.json"))
        let distributed = second["distributed"] as? [String: Any]
        #expect(distributed?["processes"] as? Int == 2 && (distributed?["hosts"] as? [String])?.count == 2)
        #expect(first["distributed"] == nil)
        let (x, y) = (first["final"] as! [String: Double], second["final"] as! [String: Double])
        #expect(abs(x["trainLoss"]! - y["trainLoss"]!) < 1e-4 && abs(x["testAccuracy"]! - y["testAccuracy"]!) <= 0.004)
        #expect(together.standardOutput.contains("data-parallel: 2 processes, 128 examples of each batch apiece"))
        #expect(together.standardOutput.components(separatedBy: "record:").count == 2, "only process 0 prints")
    }

    /// The same for a GRU language model (gradients clipped by their norm after they are added up).
    @Test func twoProcessesTrainAGRULanguageModelAsOneDoes() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try trainAloneAndTogether(["run", "gru", "--epochs", "2", "--limit", "200", "--test-limit", "64", "--hidden", "32", "--batch-size", "16"])
        let (x, y) = (try record("alone.json")["final"] as! [String: Double], try record("together.json")["final"] as! [String: Double])
        #expect(abs(x["perplexity"]! - y["perplexity"]!) / x["perplexity"]! < 1e-4)
    }

    /// With --sync-batchnorm, batch norm normalizes by the whole batch's statistics, so LeNet-BN trains to one
    /// process's weights and running statistics (12 steps at its rate of 0.9 leave 5e-4 of float rounding
    /// here), where each process's own statistics leave them 25% apart; a last batch too small to give each
    /// process an example is refused with what to do.
    @Test(.enabled(if: fashionMNISTInstalled, "Fashion-MNIST is not installed: apt-get install dataset-fashion-mnist"))
    func synchronizedBatchNormTrainsLeNetBNAsOneProcessDoes() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let run = ["run", "lenet-bn", "--epochs", "1", "--limit", "3000", "--test-limit", "300", "--seed", "4"]
        try trainAloneAndTogether(run, together: ["--sync-batchnorm"], tolerance: 2e-3)
        let unsynchronized = try zoo(run + ["--record", "own.json", "--save", "own.safetensors"], processes: 2)
        #expect(unsynchronized.status == 0)
        #expect(largestDifference(try weights("alone.safetensors"), try weights("own.safetensors")) > 0.02)
        let refused = try zoo(["run", "lenet-bn", "--epochs", "1", "--limit", "260", "--batch-size", "258", "--sync-batchnorm",
                               "--record", "r.json"], processes: 3)
        #expect(refused.status != nil && refused.status != 0)
        #expect(refused.process.standardError.contains("the last batch of 260 examples in batches of 258 has 2, fewer than the 3 processes"))
    }

    /// A batch that the processes cannot share equally is refused before anything runs, with what to do.
    @Test func aBatchThatDoesNotDivideIsRefused() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let result = try zoo(["run", "gru", "--epochs", "1", "--limit", "64", "--batch-size", "32", "--record", "r.json"], processes: 3)
        #expect(result.status != nil && result.status != 0)
        #expect(result.process.standardError.contains("the batch size 32 does not divide among 3 processes"))
        #expect(!FileManager.default.fileExists(atPath: folder + "/r.json"))
    }

    /// SIGTERM to mpirun mid-run: the processes agree to stop after the same step, process 0 saves the
    /// checkpoint and prints the mpirun command that resumes; resumed, the run ends with the weights of
    /// the run that was never stopped, bit for bit.
    @Test(.enabled(if: fashionMNISTInstalled, "Fashion-MNIST is not installed: apt-get install dataset-fashion-mnist"))
    func aStoppedRunResumesUnderMPIToTheSameEnd() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // Long enough (about 4 s) that the stop, which mpirun passes on within a second or two, lands mid-run.
        let run = ["run", "lenet", "--epochs", "4", "--limit", "8000", "--test-limit", "200", "--batch-size", "64", "--seed", "5"]
        let straight = try zoo(run + ["--record", "a.json", "--save", "a.safetensors"], processes: 2)
        #expect(straight.status == 0, "\(straight.process.standardError)")
        // Started from the test runner, mpirun can inherit SIGTERM ignored and keeps it so; env gives it the default back.
        let stopped = try ZooProcess(run + ["--record", "b.json", "--save", "b.safetensors", "--checkpoint", "b.ckpt", "--checkpoint-every", "5"],
                                     in: folder, launcher: ["/usr/bin/env", "--default-signal=TERM"] + Self.mpirun(2), environment: Self.environment)
        let deadline = Date().addingTimeInterval(120)
        while !FileManager.default.fileExists(atPath: folder + "/b.ckpt") && Date() < deadline { usleep(20_000) }
        kill(stopped.process.processIdentifier, SIGTERM)
        let status = stopped.wait(atMost: 120)
        #expect(status != nil && status != 0, "\(String(describing: status)) \(stopped.standardOutput.suffix(500))")
        #expect(stopped.standardError.contains("mpirun -np 2 "), "\(stopped.standardError)")
        let resumed = try zoo(run + ["--record", "b.json", "--save", "b.safetensors", "--resume", "b.ckpt"], processes: 2)
        #expect(resumed.status == 0, "\(resumed.process.standardError)")
        #expect(resumed.process.standardOutput.contains("resuming from b.ckpt"))
        #expect(try weights("a.safetensors") == weights("b.safetensors"))
    }

    /// A process that cannot read a file (here process 1's --weights alone is missing) ends the whole job
    /// with a message naming it, and no process waits for it forever.
    @Test func anErrorInOneProcessEndsTheJobWithItsMessage() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let run = ["run", "gru", "--epochs", "1", "--limit", "64", "--batch-size", "32", "--record", "r.json"]
        // mpirun's MPMD form: the program after ":" is process 1.
        let process = try ZooProcess(run + [":", "-np", "1", zooBinary!] + run + ["--weights", folder + "/missing.safetensors"], in: folder,
                                     launcher: [mpirunPath!, "-np", "1", "--oversubscribe"], environment: Self.environment)
        let status = process.wait(atMost: 120)
        #expect(status != nil && status != 0, "the job ended")
        #expect(process.standardError.contains("error in process 1 of 2"), "\(process.standardError)")
    }

    /// A process killed by a signal ends the job: mpirun reports it and stops the others.
    @Test(.enabled(if: fashionMNISTInstalled, "Fashion-MNIST is not installed: apt-get install dataset-fashion-mnist"))
    func aKilledProcessEndsTheJob() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let job = try ZooProcess(["run", "lenet", "--epochs", "3", "--record", "k.json", "--checkpoint", "k.ckpt", "--checkpoint-every", "3"],
                                 in: folder, launcher: Self.mpirun(2), environment: Self.environment)
        let deadline = Date().addingTimeInterval(120)
        while !FileManager.default.fileExists(atPath: folder + "/k.ckpt") && Date() < deadline { usleep(20_000) }
        let children = try String(contentsOfFile: "/proc/\(job.process.processIdentifier)/task/\(job.process.processIdentifier)/children", encoding: .utf8)
            .split(separator: " ").compactMap { pid_t($0) }
        #expect(children.count == 2)
        if let victim = children.last { kill(victim, SIGKILL) }
        let status = job.wait(atMost: 60)
        #expect(status != nil && status != 0, "the job ended")
        #expect(job.standardError.contains("signal 9"), "\(job.standardError)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/k.json"))
    }
}
