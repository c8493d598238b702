/// What a fuzz run does: the flags of `zoo-fuzz`.
public struct FuzzOptions: Sendable {
    public var seed: UInt64 = 1
    /// Inputs per parser.
    public var count = 1000
    /// The first input to run (a worker restarted after a crash continues after it).
    public var from = 0
    /// Seconds one input may take.
    public var timeout = 5.0
    /// The worker's memory bound.
    public var memoryMegabytes = 2048

    public init() {}

    /// The flags that make a worker run the same inputs.
    var arguments: [String] {
        ["--seed", String(seed), "--count", String(count), "--from", String(from), "--timeout", String(timeout), "--memory-mb", String(memoryMegabytes)]
    }
}
