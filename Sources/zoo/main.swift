import ArgumentParser
import Harness

/// The `zoo` command: trains, lists and benchmarks the model zoo.
struct ZooCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zoo",
        abstract: "Train, evaluate and benchmark the classic CNNs of Dive into Deep Learning on the CPU.",
        version: zooVersion,
        subcommands: [Run.self, List.self, Bench.self])
}

ZooCommand.main()
