import Foundation

/// An n-dimensional array of Float32, contiguous and row-major (images are NCHW).
///
/// Operations return new tensors and, while gradients are recorded, remember how they were made,
/// so that `backward()` can compute the gradient of a scalar with respect to every tensor that
/// `requiresGrad`. A reshape is a view sharing memory with its source.
public final class Tensor: @unchecked Sendable {
    public let shape: [Int]
    /// The memory. A variable only so that `result(overwriting:)` can ask whether this tensor is its sole holder;
    /// nothing assigns it after `init`, so its reads skip the exclusive-access check.
    @exclusivity(unchecked) private(set) var storage: Storage
    /// Whether gradients flow to this tensor (true for parameters and for results computed from them).
    public var requiresGrad: Bool
    /// The accumulated gradient after `backward()`; `nil` until then or after `zeroGrad()`.
    public var grad: Tensor?
    /// How this tensor was computed; nil for leaves (inputs and parameters).
    var node: Node?

    init(shape: [Int], storage: Storage, requiresGrad: Bool = false) {
        precondition(shape.reduce(1, *) == storage.count, "shape \(shape) does not match \(storage.count) elements")
        self.shape = shape
        self.storage = storage
        self.requiresGrad = requiresGrad
    }

    /// A tensor whose contents are unspecified: every element must be written before it is read.
    init(uninitialized shape: [Int]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in shape \(shape)")
        self.shape = shape
        storage = Storage(count: shape.reduce(1, *))
        requiresGrad = false
    }

    /// A tensor filled with `value`.
    public convenience init(shape: [Int], repeating value: Float) {
        self.init(uninitialized: shape)
        if value.bitPattern == 0 {
            memset(data, 0, count * MemoryLayout<Float>.stride)  // zeros, the common case, as one vectorized fill
        } else {
            data.update(repeating: value, count: count)
        }
    }

    /// A tensor of zeros.
    public static func zeros(_ shape: [Int]) -> Tensor { Tensor(shape: shape, repeating: 0) }

    /// A tensor holding `scalars` in row-major order.
    public convenience init(shape: [Int], scalars: [Float]) {
        precondition(shape.reduce(1, *) == scalars.count,
                     "\(scalars.count) values do not fill shape \(shape)")
        self.init(uninitialized: shape)
        scalars.withUnsafeBufferPointer { data.update(from: $0.baseAddress!, count: count) }
    }

    /// A scalar (rank-0) tensor.
    public convenience init(_ value: Float) { self.init(shape: [], scalars: [value]) }

    /// The number of elements.
    public var count: Int { storage.count }
    public var rank: Int { shape.count }
    /// The raw elements; mutate only tensors you just created or parameters in an optimizer step.
    public var data: UnsafeMutablePointer<Float> { storage.pointer }
    /// A copy of the elements in row-major order.
    public var scalars: [Float] { Array(UnsafeBufferPointer(start: data, count: count)) }
    /// The single element of a one-element tensor.
    public var item: Float {
        precondition(count == 1, "item needs a one-element tensor, got shape \(shape)")
        return data[0]
    }
    /// The elements' read-only buffer.
    public var buffer: UnsafeBufferPointer<Float> { UnsafeBufferPointer(start: data, count: count) }

    /// An independent copy of the elements (no history).
    public func copy() -> Tensor {
        let result = Tensor(uninitialized: shape)
        result.data.update(from: data, count: count)
        return result
    }
}

extension Tensor {
    /// Where an operation writes a result of `x`'s shape: over `x` itself when nothing records the operation (`others`
    /// are its other inputs) and nothing else holds `x` or its memory, as the temporaries of an evaluation pass
    /// (`relu(conv(x))`: a buffer fewer per layer); else a new tensor. Callers take `x` as a `consuming` parameter.
    static func result(overwriting x: inout Tensor, others: [Tensor] = []) -> Tensor {
        isOverwritable(&x, others: others) ? x : Tensor(uninitialized: x.shape)
    }

    /// Whether `result(overwriting: &x, others:)` would return `x` itself.
    static func isOverwritable(_ x: inout Tensor, others: [Tensor] = []) -> Bool {
        return !GradientMode.records(others) && !x.requiresGrad && isKnownUniquelyReferenced(&x) && isKnownUniquelyReferenced(&x.storage)
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let shown = scalars.prefix(8).map { String($0) }.joined(separator: ", ")
        return "Tensor(shape: \(shape), [\(shown)\(count > 8 ? ", ..." : "")])"
    }
}
