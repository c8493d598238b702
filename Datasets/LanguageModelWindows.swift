/// d2l v1.0's language-model examples over a token corpus: window i is `corpus[i ..< i + steps]` and its
/// target the same shifted by one, at every offset; the first `trainCount` windows train, the next
/// `heldOutCount` are held out.
public struct LanguageModelWindows: Sendable {
    public let tokens: [Int32]
    public let steps: Int
    public let trainCount: Int, heldOutCount: Int

    /// Windows of `steps` over `tokens` (d2l: 32 steps, 10,000 training and 5,000 held-out windows);
    /// `source` names the corpus in errors.
    public init(tokens: [Int32], steps: Int = 32, trainCount: Int = 10_000, heldOutCount: Int = 5_000,
                source: String) throws {
        let available = tokens.count - steps
        guard steps > 0, trainCount > 0, heldOutCount >= 0, available >= trainCount + heldOutCount else {
            throw DatasetError.badLine(path: source, line: 1, reason: "\(tokens.count) tokens make \(max(0, available)) windows of "
                                       + "\(steps), fewer than the \(trainCount) training and \(heldOutCount) held-out ones asked for")
        }
        self.tokens = tokens
        self.steps = steps
        self.trainCount = trainCount
        self.heldOutCount = heldOutCount
    }

    /// Window `index` (training windows first, then held-out ones): its input and target tokens.
    public func window(_ index: Int) -> (input: ArraySlice<Int32>, target: ArraySlice<Int32>) {
        (tokens[index..<(index + steps)], tokens[(index + 1)..<(index + steps + 1)])
    }

    /// The indices of the training windows and of the held-out windows.
    public var trainIndices: Range<Int> { 0..<trainCount }
    public var heldOutIndices: Range<Int> { trainCount..<(trainCount + heldOutCount) }
}
