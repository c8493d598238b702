/// Why a training run stopped early.
public enum TrainingError: Error, CustomStringConvertible {
    case nonFiniteLoss(epoch: Int, batch: Int, learningRate: Float)

    public var description: String {
        switch self {
        case let .nonFiniteLoss(epoch, batch, learningRate):
            "The training loss became NaN or infinite in epoch \(epoch), batch \(batch), so training stopped. "
                + "The learning rate (\(learningRate)) is probably too high for this model: try a smaller --lr."
        }
    }
}
