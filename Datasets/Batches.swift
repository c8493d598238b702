import Dispatch

/// The batches of one epoch, made one at a time by `make(number)` for `number` in `first..<count`. With
/// `ahead`, the next batch is made on another thread while the caller trains on the one it has (images
/// streamed from files decode while the model steps). A batch that cannot be made is an error from `next()`.
public final class Batches<Element> {
    private let make: (Int) throws -> Element
    private let count: Int
    private let ahead: Bool
    private var position: Int
    private var pending: Pending?

    /// A batch being made on another thread.
    private final class Pending: @unchecked Sendable {
        let done = DispatchSemaphore(value: 0)
        var result: Result<Element, Error>?
    }

    public init(from first: Int = 0, to count: Int, ahead: Bool = false, make: @escaping (Int) throws -> Element) {
        (self.position, self.count, self.ahead, self.make) = (max(0, first), count, ahead, make)
    }

    /// The next batch, or nil after the last.
    public func next() throws -> Element? {
        guard position < count else { return nil }
        let result: Result<Element, Error>
        if let pending {
            pending.done.wait()
            result = pending.result!
            self.pending = nil
        } else {
            result = Result { try make(position) }
        }
        position += 1
        if ahead, position < count, case .success = result { start(position) }
        return try result.get()
    }

    /// These batches, each passed through `transform` as it is made (mapped before the first `next()`).
    public func map<T>(_ transform: @escaping (Element) throws -> T) -> Batches<T> {
        let make = make
        return Batches<T>(from: position, to: count, ahead: ahead) { try transform(make($0)) }
    }

    /// Every remaining batch (tests and small sets).
    public func all() throws -> [Element] {
        var batches: [Element] = []
        while let batch = try next() { batches.append(batch) }
        return batches
    }

    private func start(_ number: Int) {
        let pending = Pending(), make = make
        self.pending = pending
        DispatchQueue.global().async {
            pending.result = Result { try make(number) }
            pending.done.signal()
        }
    }

    // A batch still being made when the caller stops early (an error, a signal) finishes before its
    // inputs go away.
    deinit { pending?.done.wait() }
}
