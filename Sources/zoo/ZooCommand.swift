import ArgumentParser
import Foundation
import Engine
import Harness

/// The `zoo` command: trains, lists and benchmarks the model zoo.
@main
struct ZooCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zoo",
        abstract: "Train, evaluate and benchmark the classic CNNs and RNNs of Dive into Deep Learning on the CPU.",
        version: zooVersion,
        subcommands: [Run.self, Eval.self, Predict.self, Optimize.self, Schedule.self, Distill.self, Generate.self, Translate.self, Bleu.self, List.self, Bench.self, Compare.self])

    static func main() {
        BLAS.shortenIdleSpin()
        main(nil)
    }
}
