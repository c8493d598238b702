import Engine

/// One way of damaging an input; `Mutator` stacks one to four of them.
public enum Mutation: String, CaseIterable, Sendable {
    case flipBits, overwriteBytes, insertBytes, deleteRange, truncate, duplicateRange, splice, interestingInteger
    /// Text only: a run of digits becomes an interesting number token, or a number or string a JSON value.
    case numberToken, jsonValue

    /// The mutations that make sense for binary inputs, and those only for text (JSON).
    static let binary: [Mutation] = [.flipBits, .overwriteBytes, .insertBytes, .deleteRange, .truncate,
                                     .duplicateRange, .splice, .interestingInteger]
    static let textOnly: [Mutation] = [.numberToken, .jsonValue]

    /// Applies the mutation to `bytes`; `others` are the seed files a splice may draw from.
    func apply(to bytes: inout [UInt8], others: [[UInt8]], rng: inout RandomGenerator) {
        switch self {
        case .flipBits:
            guard !bytes.isEmpty else { return }
            for _ in 0..<rng.within(1...4) { bytes[rng.below(bytes.count)] ^= 1 << UInt8(rng.below(8)) }
        case .overwriteBytes:
            guard !bytes.isEmpty else { return }
            for _ in 0..<rng.within(1...8) { bytes[rng.below(bytes.count)] = rng.byte() }
        case .insertBytes:
            let at = rng.below(bytes.count + 1), count = rng.oneIn(8) ? rng.within(1...4096) : rng.within(1...16)
            let fill: UInt8? = rng.oneIn(2) ? rng.byte() : nil
            bytes.insert(contentsOf: (0..<count).map { _ in fill ?? rng.byte() }, at: at)
        case .deleteRange:
            guard let range = randomRange(in: bytes.count, rng: &rng) else { return }
            bytes.removeSubrange(range)
        case .truncate:
            bytes.removeLast(bytes.count - rng.below(bytes.count + 1))
        case .duplicateRange:
            guard let range = randomRange(in: bytes.count, rng: &rng) else { return }
            bytes.insert(contentsOf: Array(bytes[range]), at: rng.below(bytes.count + 1))
        case .splice:
            let other = rng.pick(others)
            guard !other.isEmpty else { return }
            let cut = rng.below(bytes.count + 1), from = rng.below(other.count)
            bytes = Array(bytes[..<cut]) + other[from...]
        case .interestingInteger:
            let width = rng.pick([1, 2, 4, 8])
            guard bytes.count >= width else { return }
            let value = rng.pick(InterestingValues.integers) &+ (rng.oneIn(4) ? UInt64(bitPattern: Int64(rng.within(-1...1))) : 0)
            let at = rng.below(bytes.count - width + 1), bigEndian = rng.oneIn(2)
            for k in 0..<width {
                bytes[at + k] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(bigEndian ? width - 1 - k : k)))
            }
        case .numberToken:
            replaceToken(in: &bytes, strings: false, with: rng.pick(InterestingValues.numberTokens), rng: &rng)
        case .jsonValue:
            replaceToken(in: &bytes, strings: true, with: rng.pick(InterestingValues.jsonValues), rng: &rng)
        }
    }
}

/// A random non-empty range of at most a quarter of `count` bytes (at least 1), or nil for no bytes.
private func randomRange(in count: Int, rng: inout RandomGenerator) -> Range<Int>? {
    guard count > 0 else { return nil }
    let length = rng.within(1...max(1, count / 4)), start = rng.below(count - length + 1)
    return start..<(start + length)
}

/// Replaces one random number token (a run starting with a digit or '-', with digits, '.', 'e', '+', '-')
/// and, when `strings`, possibly a quoted string, by `replacement`.
private func replaceToken(in bytes: inout [UInt8], strings: Bool, with replacement: String, rng: inout RandomGenerator) {
    let tokens = textTokens(in: bytes, strings: strings)
    guard !tokens.isEmpty else { return }
    bytes.replaceSubrange(rng.pick(tokens), with: Array(replacement.utf8))
}

/// The ranges of number tokens (and quoted strings) in `bytes`.
func textTokens(in bytes: [UInt8], strings: Bool) -> [Range<Int>] {
    func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
    func isLetter(_ b: UInt8) -> Bool { (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A || b == 0x5F }
    func isNumberPart(_ b: UInt8) -> Bool { isDigit(b) || b == 0x2E || b == 0x65 || b == 0x45 || b == 0x2B || b == 0x2D }
    var tokens: [Range<Int>] = [], i = 0
    while i < bytes.count {
        let b = bytes[i]
        if isDigit(b) || (b == 0x2D && i + 1 < bytes.count && isDigit(bytes[i + 1])) {
            var end = i + 1
            while end < bytes.count, isNumberPart(bytes[end]) { end += 1 }
            if i == 0 || !isLetter(bytes[i - 1]) { tokens.append(i..<end) }  // not inside a word ("F32")
            i = end
        } else if strings, b == 0x22, let close = bytes[(i + 1)...].firstIndex(of: 0x22) {
            tokens.append(i..<(close + 1))
            i = close + 1
        } else {
            i += 1
        }
    }
    return tokens
}
