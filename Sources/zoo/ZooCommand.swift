import ArgumentParser
import Foundation
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
        restartWithShortOpenBLASSpin()
        main(nil)
    }
}

/// OpenBLAS's idle threads spin (sched_yield) for up to 2^28 cycles after each GEMM, taking the cores
/// the engine's own parallel kernels need next: LeNet trained 1.2-1.3x faster here with the spin cut
/// to 2^4 cycles. OpenBLAS reads the setting only when it loads, so the process restarts itself once
/// with it set; an OPENBLAS_THREAD_TIMEOUT the user chose is left alone.
func restartWithShortOpenBLASSpin() {
    guard getenv("OPENBLAS_THREAD_TIMEOUT") == nil else { return }
    setenv("OPENBLAS_THREAD_TIMEOUT", "4", 1)
    let arguments = CommandLine.unsafeArgv
    execv("/proc/self/exe", arguments)  // returns only if the restart failed: carry on as we are
}
