import Engine
import Foundation
import Zoo

/// `zoo schedule`: a learning-rate schedule's rate over a run, drawn as the notes draw their schedules.
public enum SchedulePlot {
    /// The rate at every step of `epochs` epochs of `batchesPerEpoch` batches (one step per epoch unless
    /// `unit` is batch), as (epoch position, rate) pairs.
    public static func rates(_ schedule: LearningRateSchedule, learningRate: Float, unit: Recipe.ScheduleUnit, epochs: Int,
                             batchesPerEpoch: Int) -> [(epoch: Double, rate: Double)] {
        let perEpoch = unit == .batch ? batchesPerEpoch : 1, total = epochs * perEpoch
        return (0..<total).map { step in
            ((Double(step) + 1) / Double(perEpoch), Double(learningRate * schedule.factor(step: step, of: total)))
        }
    }

    /// Writes the plot of `rates` to `path`.
    public static func write(_ rates: [(epoch: Double, rate: Double)], title: String, epochs: Int, to path: String) throws {
        let series = CurvePlot.Series(name: "learning rate", color: Canvas.Color(red: 31, green: 119, blue: 180),
                                      values: rates.map(\.rate), positions: rates.map(\.epoch))
        try PNGFile.write(CurvePlot(series: [series], epochs: epochs).draw(title: title), to: path)
    }
}
