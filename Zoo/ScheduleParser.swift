import Engine

/// Reads the `--schedule` mini-language: `constant`, `step:EVERY:GAMMA`, `multistep:E1,E2,...:GAMMA`,
/// `exponential:GAMMA`, `natural-exponential:RATE`, `inverse-time:RATE`, `piecewise:B1,B2:F1,F2,F3`
/// (factors of the base rate), `cosine` or `cosine:MIN_FACTOR`, `poly:POWER`, `noam:WARMUP`,
/// `plateau:FACTOR:PATIENCE`; `warmupEpochs` > 0 puts a linear warm-up in front. Counts are in the
/// schedule's unit (epochs, or batches with `--schedule-unit batch`).
public enum ScheduleParser {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public static let syntax = "constant, step:EVERY:GAMMA, multistep:E1,E2:GAMMA, exponential:GAMMA, natural-exponential:RATE, "
        + "inverse-time:RATE, piecewise:B1,B2:F1,F2,F3, cosine[:MIN_FACTOR], poly:POWER, noam:WARMUP, plateau:FACTOR:PATIENCE"

    /// The schedule and plateau reducer `text` names; cosine and polynomial decay span the run.
    public static func parse(_ text: String, warmupEpochs: Int = 0) throws -> (LearningRateSchedule, PlateauReducer?) {
        let parts = text.lowercased().split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        /// Part `index` as a number that `isValid` accepts; otherwise an error saying `requirement`.
        func number(_ index: Int, _ requirement: String, _ isValid: (Float) -> Bool) throws -> Float {
            let value = try number(index)
            guard isValid(value) else { throw Failure(description: "--schedule \(text): \(requirement). Forms: \(syntax)") }
            return value
        }
        func gamma(_ index: Int) throws -> Float { try number(index, "gamma must be positive") { $0 > 0 } }
        func number(_ index: Int) throws -> Float {
            guard index < parts.count, let value = Float(parts[index]), value.isFinite else {
                throw Failure(description: "--schedule \(text): expected a number in part \(index + 1). Forms: \(syntax)")
            }
            return value
        }
        /// A whole number of epochs, at least `minimum`.
        func epochs(_ part: String, minimum: Int) throws -> Int {
            guard let value = Int(part), value >= minimum else {
                throw Failure(description: "--schedule \(text): '\(part)' is not a whole number of steps (epochs or batches) of at least "
                                  + "\(minimum). Forms: \(syntax)")
            }
            return value
        }
        func expectParts(_ count: Int) throws {
            guard parts.count == count else {
                throw Failure(description: "--schedule \(text): '\(parts[0])' takes \(count - 1) value(s). Forms: \(syntax)")
            }
        }
        var plateau: PlateauReducer?
        var schedule: LearningRateSchedule
        switch parts[0] {
        case "constant": try expectParts(1); schedule = .constant
        case "step": try expectParts(3); schedule = .step(every: try epochs(parts[1], minimum: 1), gamma: try gamma(2))
        case "multistep":
            try expectParts(3)
            let milestones = try parts[1].split(separator: ",", omittingEmptySubsequences: false).map { try epochs(String($0), minimum: 1) }
            schedule = .multiStep(milestones: milestones, gamma: try gamma(2))
        case "exponential": try expectParts(2); schedule = .exponential(gamma: try gamma(1))
        case "natural-exponential": try expectParts(2); schedule = .naturalExponential(rate: try number(1, "the rate must be positive") { $0 > 0 })
        case "inverse-time": try expectParts(2); schedule = .inverseTime(rate: try number(1, "the rate must be positive") { $0 > 0 })
        case "piecewise":
            try expectParts(3)
            let boundaries = try parts[1].split(separator: ",", omittingEmptySubsequences: false).map { try epochs(String($0), minimum: 1) }
            let factors = parts[2].split(separator: ",", omittingEmptySubsequences: false).map { Float($0) }
            guard boundaries == boundaries.sorted(), Set(boundaries).count == boundaries.count, factors.count == boundaries.count + 1,
                  factors.allSatisfy({ ($0 ?? -1) > 0 && $0!.isFinite }) else {
                throw Failure(description: "--schedule \(text): piecewise takes increasing boundaries and one positive factor more than "
                                  + "boundaries, e.g. piecewise:5,10:1,0.1,0.01. Forms: \(syntax)")
            }
            schedule = .piecewise(boundaries: boundaries, factors: factors.map { $0! })
        case "noam": try expectParts(2); schedule = .noam(warmup: try epochs(parts[1], minimum: 1))
        case "cosine":
            guard parts.count <= 2 else {
                throw Failure(description: "--schedule \(text): 'cosine' takes at most 1 value. Forms: \(syntax)")
            }
            schedule = .cosine(minimumFactor: parts.count > 1 ? try number(1, "the minimum factor must be in [0, 1]") { (0...1).contains($0) } : 0)
        case "poly": try expectParts(2); schedule = .polynomial(power: try number(1, "the power must be positive") { $0 > 0 })
        case "plateau":
            try expectParts(3)
            schedule = .constant
            let factor = try number(1, "the plateau factor must be between 0 and 1") { $0 > 0 && $0 < 1 }
            plateau = PlateauReducer(factor: factor, patience: try epochs(parts[2], minimum: 0))
        default:
            throw Failure(description: "unknown --schedule '\(parts[0])'. Forms: \(syntax)")
        }
        if warmupEpochs > 0 { schedule = .warmup(epochs: warmupEpochs, then: schedule) }
        return (schedule, plateau)
    }
}

extension LearningRateSchedule: CustomStringConvertible {
    public var description: String {
        switch self {
        case .constant: "constant"
        case let .step(every, gamma): "step(every \(every), gamma \(gamma.formatted()))"
        case let .multiStep(milestones, gamma): "multistep(\(milestones.map(String.init).joined(separator: ",")), gamma \(gamma.formatted()))"
        case let .exponential(gamma): "exponential(gamma \(gamma.formatted()))"
        case let .naturalExponential(rate): "natural-exponential(rate \(rate.formatted()))"
        case let .inverseTime(rate): "inverse-time(rate \(rate.formatted()))"
        case let .piecewise(boundaries, factors):
            "piecewise(\(boundaries.map(String.init).joined(separator: ",")): \(factors.map { $0.formatted() }.joined(separator: ",")))"
        case let .noam(warmup): "noam(warm-up \(warmup))"
        case let .cosine(epochs, minimum):
            "cosine" + (epochs.map { "(\($0) epochs)" } ?? "") + (minimum == 0 ? "" : " to \(minimum.formatted())")
        case let .polynomial(epochs, power): "poly(power \(power.formatted())\(epochs.map { ", \($0) epochs" } ?? ""))"
        case let .warmup(epochs, _, then): "warm-up \(epochs) + \(then)"
        }
    }
}
