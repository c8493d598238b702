import Foundation

/// A training run that cannot go on.
public enum TrainingError: Error, CustomStringConvertible {
    case nonFiniteLoss(epoch: Int, batch: Int, learningRate: Float, l1: Float = 0)
    /// The loss grew a millionfold over the run's first: training diverged though every number stayed finite.
    case explodingLoss(first: Double, now: Double, epoch: Int, batch: Int, learningRate: Float, l1: Float = 0)
    /// A signal (Ctrl-C, SIGTERM) stopped the run after `batch` of epoch `epoch`, its state `saved` in a checkpoint or not.
    case interrupted(signal: Int32, epoch: Int, batch: Int, saved: Bool)
    /// Data that could not be read mid-run (an image file broken or gone) stopped it after `batch` of
    /// epoch `epoch`, its state `saved` in a checkpoint or not.
    case unreadableData(Error, epoch: Int, batch: Int, saved: Bool)

    public var description: String {
        switch self {
        case let .nonFiniteLoss(epoch, batch, learningRate, l1):
            "The training loss became NaN or infinite in epoch \(epoch), batch \(batch), so training stopped. "
                + Self.advice(learningRate, l1)
        case let .explodingLoss(first, now, epoch, batch, learningRate, l1):
            "The training loss grew from \(String(format: "%.3g", first)) to \(String(format: "%.3g", now)) by epoch \(epoch), "
                + "batch \(batch): training diverged, so it stopped. "
                + Self.advice(learningRate, l1)
        case let .interrupted(_, _, _, saved), let .unreadableData(_, _, _, saved):
            stopSummary + "; " + (saved ? "its state is saved in its checkpoint"
                                        : "nothing was saved (pass --checkpoint FILE to make a run resumable)")
        }
    }

    private static func advice(_ learningRate: Float, _ l1: Float) -> String {
        "The learning rate (\(learningRate))\(l1 > 0 ? " or the L1 penalty (\(l1))" : "") is probably too high for this model: "
            + "try a smaller --lr\(l1 > 0 ? " or --l1" : "")."
    }

    /// "stopped by Ctrl-C after batch 12 of epoch 3", for an interruption or unreadable data.
    var stopSummary: String {
        switch self {
        case let .interrupted(signal, epoch, batch, _):
            "stopped by \(signal == SIGINT ? "Ctrl-C" : "signal \(signal)") after batch \(batch) of epoch \(epoch)"
        case let .unreadableData(error, epoch, batch, _):
            "\(error)\n(training stopped after batch \(batch) of epoch \(epoch); mend or remove the file)"
        case .nonFiniteLoss, .explodingLoss: description
        }
    }
}
