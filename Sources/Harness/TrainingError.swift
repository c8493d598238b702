import Foundation

/// A training run that cannot go on.
public enum TrainingError: Error, CustomStringConvertible {
    case nonFiniteLoss(epoch: Int, batch: Int, learningRate: Float, l1: Float = 0)
    /// A signal (Ctrl-C, SIGTERM) stopped the run after `batch` of epoch `epoch`, its state `saved` in a checkpoint or not.
    case interrupted(signal: Int32, epoch: Int, batch: Int, saved: Bool)

    public var description: String {
        switch self {
        case let .nonFiniteLoss(epoch, batch, learningRate, l1):
            "The training loss became NaN or infinite in epoch \(epoch), batch \(batch), so training stopped. "
                + "The learning rate (\(learningRate))\(l1 > 0 ? " or the L1 penalty (\(l1))" : "") is probably too high for this model: "
                + "try a smaller --lr\(l1 > 0 ? " or --l1" : "")."
        case let .interrupted(_, _, _, saved):
            stopSummary + "; " + (saved ? "its state is saved in its checkpoint"
                                        : "nothing was saved (pass --checkpoint FILE to make a run resumable)")
        }
    }

    /// "stopped by Ctrl-C after batch 12 of epoch 3", for an interruption.
    var stopSummary: String {
        guard case let .interrupted(signal, epoch, batch, _) = self else { return description }
        return "stopped by \(signal == SIGINT ? "Ctrl-C" : "signal \(signal)") after batch \(batch) of epoch \(epoch)"
    }
}
