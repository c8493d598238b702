import Foundation

/// Shows training progress: a live, rewritten line on a terminal; plain lines (one per epoch) otherwise.
final class ProgressDisplay {
    private let live: Bool
    private var lastDraw = Stopwatch()
    private let totalEpochs: Int
    private let kind: TaskKind

    init(totalEpochs: Int, kind: TaskKind = .classification, live: Bool = isatty(fileno(stdout)) != 0) {
        self.totalEpochs = totalEpochs
        self.kind = kind
        self.live = live
    }

    func batch(epoch: Int, batch: Int, batches: Int, loss: Double, accuracy: Double, examplesPerSecond: Double) {
        guard live, batch == batches || lastDraw.seconds > 0.1 else { return }
        lastDraw.restart()
        let width = 24, filled = width * batch / max(batches, 1)
        let bar = String(repeating: "=", count: filled) + String(repeating: " ", count: width - filled)
        let line = "epoch \(epoch)/\(totalEpochs) [\(bar)] \(batch)/\(batches)  "
            + "\(kind.trainingMetric(loss: loss, accuracy: accuracy))  \(whole(examplesPerSecond)) \(kind.unit)"
        print("\r\u{1B}[2K" + line, terminator: "")
        fflush(stdout)
    }

    func epoch(_ m: EpochMetrics) {
        if live { print("\r\u{1B}[2K", terminator: "") }
        print("epoch \(m.epoch)/\(totalEpochs)  \(kind.trainingMetric(loss: m.trainLoss, accuracy: m.trainAccuracy))  "
            + "\(kind.heldOutMetric(m))  \(whole(m.trainExamplesPerSecond)) \(kind.unit) train  "
            + "\(whole(m.evalExamplesPerSecond)) \(kind.unit) eval  \(fixed(m.wallSeconds, 1)) s")
        fflush(stdout)
    }
}

/// `value` with `digits` decimals.
func fixed(_ value: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", value) }

/// `value` truncated to a whole number and grouped ("12,345"); a value no Int holds (huge, or not a
/// number) as "%.3g", so a damaged record prints as what it is instead of trapping.
func whole(_ value: Double) -> String {
    value.isFinite && abs(value) < 9e18 ? Int(value).formatted() : String(format: "%.3g", value)
}

/// A byte count in MiB, whole ("1,234"); "" when unknown.
func mebibytes(_ bytes: Int?) -> String { bytes.map { whole(Double($0) / 1_048_576) } ?? "" }
