import ArgumentParser
import Foundation
import Harness
import Zoo

struct Schedule: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Draw a learning-rate schedule's rate over a run (the rates `zoo run --schedule S` would use).",
        discussion: """
            zoo schedule cosine --epochs 30 --out cosine.png
            zoo schedule noam:4000 --schedule-unit batch --batches-per-epoch 1000 --epochs 20 --out noam.png
            """)

    @Argument(help: ArgumentHelp("The schedule: \(ScheduleParser.syntax).", valueName: "schedule"))
    var schedule: String

    @Option(help: "Epochs of the run.")
    var epochs = 30

    @Option(name: .customLong("lr"), help: "The base learning rate.")
    var learningRate: Float = 0.1

    @Option(help: "Steps of linear warm-up before the schedule.")
    var warmup = 0

    @Option(help: "Whether the schedule steps after each epoch or after each batch.")
    var scheduleUnit: Recipe.ScheduleUnit = .epoch

    @Option(help: "Batches per epoch (with --schedule-unit batch).")
    var batchesPerEpoch = 100

    @Option(help: "Where the plot goes (PNG).")
    var out = "schedule.png"

    func validate() throws {
        try requireInRange(epochs, "--epochs", 1...100_000)
        try requireInRange(batchesPerEpoch, "--batches-per-epoch", 1...1_000_000)
        if scheduleUnit == .batch && epochs * batchesPerEpoch > 10_000_000 {
            throw ValidationError("--epochs x --batches-per-epoch must be at most 10,000,000 steps to draw.")
        }
        try requireInRange(warmup, "--warmup", 0...100_000_000)
        guard learningRate > 0 && learningRate.isFinite else { throw ValidationError("--lr must be a positive number.") }
        do {
            let (_, plateau) = try ScheduleParser.parse(schedule, warmupEpochs: warmup)
            if plateau != nil { throw ValidationError("plateau follows the training loss, which a plot without a run does not have.") }
        } catch let failure as ScheduleParser.Failure {
            throw ValidationError(failure.description)
        }
    }

    func run() throws {
        try reportingErrors {
            let (parsed, _) = try ScheduleParser.parse(schedule, warmupEpochs: warmup)
            let rates = SchedulePlot.rates(parsed, learningRate: learningRate, unit: scheduleUnit, epochs: epochs, batchesPerEpoch: batchesPerEpoch)
            try SchedulePlot.write(rates, title: "\(parsed)\(scheduleUnit == .batch ? " per batch" : ""), lr \(learningRate.formatted())",
                                   epochs: epochs, to: out)
            let shown = rates.count <= 12 ? rates : Array(rates.prefix(6)) + Array(rates.suffix(3))
            print(shown.map { String(format: "epoch %.2f: %.6g", $0.epoch, $0.rate) }.joined(separator: "\n"))
            print("plot: \(out)")
        }
    }
}
