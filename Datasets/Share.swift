/// One process's part of every batch when several train one model together (data parallelism): `part`
/// of `parts` contiguous, near-equal slices of the batch, in the batch's order, so that the processes
/// together see exactly the examples, in the order, that one process would.
public struct Share: Sendable, Equatable, CustomStringConvertible {
    public let part: Int, parts: Int

    /// The whole batch (one process).
    public static let whole = Share(part: 0, parts: 1)

    public init(part: Int, parts: Int) {
        precondition(parts >= 1 && (0..<parts).contains(part), "share \(part) of \(parts) does not exist")
        (self.part, self.parts) = (part, parts)
    }

    /// The positions this share takes of `count` examples (empty when there are fewer examples than parts).
    public func slice(of count: Int) -> Range<Int> { count * part / parts ..< count * (part + 1) / parts }

    /// This share's elements of `elements`, or nil when it takes none.
    public func taking<C: RandomAccessCollection>(_ elements: C) -> C.SubSequence? where C.Index == Int {
        let range = slice(of: elements.count)
        return range.isEmpty ? nil : elements[(elements.startIndex + range.lowerBound)..<(elements.startIndex + range.upperBound)]
    }

    public var description: String { "share \(part + 1) of \(parts)" }
}
