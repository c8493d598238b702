import Foundation

/// Elementwise functions and their gradients.
extension Tensor {
    /// A new tensor with `vector` applied to every element (no history).
    @inline(__always)
    func mapped(_ vector: (Vector) -> Vector) -> Tensor {
        let result = Tensor(uninitialized: shape)
        mapElements(data, result.data, count: count, vector: vector)
        return result
    }

    /// A new tensor combining this one with `other` (same shape) elementwise (no history).
    @inline(__always)
    func zipped(_ other: Tensor, _ vector: (Vector, Vector) -> Vector) -> Tensor {
        precondition(shape == other.shape, "shapes \(shape) and \(other.shape) differ")
        let result = Tensor(uninitialized: shape)
        zipElements(data, other.data, result.data, count: count, vector: vector)
        return result
    }
}

/// max(x, 0).
public func relu(_ x: Tensor) -> Tensor {
    let zero = Vector(repeating: 0)
    return x.mapped { $0.replacing(with: zero, where: $0 .< zero) }.recording([x]) { g, _ in
        [g.zipped(x) { g, x in g.replacing(with: zero, where: x .<= zero) }]
    }
}

/// 1 / (1 + e^-x).
public func sigmoid(_ x: Tensor) -> Tensor {
    x.mapped { 1 / (1 + vexp(-$0)) }.recording([x]) { g, y in
        [g.zipped(y) { g, y in g * y * (1 - y) }]
    }
}

/// Hyperbolic tangent, computed as 1 - 2 / (e^2x + 1).
public func tanh(_ x: Tensor) -> Tensor {
    x.mapped { 1 - 2 / (vexp($0 + $0) + 1) }.recording([x]) { g, y in
        [g.zipped(y) { g, y in g * (1 - y * y) }]
    }
}

/// e^x.
public func exp(_ x: Tensor) -> Tensor {
    x.mapped { vexp($0) }.recording([x]) { g, y in [g.zipped(y) { $0 * $1 }] }
}

/// Natural logarithm.
public func log(_ x: Tensor) -> Tensor {
    let result = Tensor(uninitialized: x.shape)
    for i in 0..<x.count { result.data[i] = Foundation.log(x.data[i]) }
    return result.recording([x]) { g, _ in [g.zipped(x) { $0 / $1 }] }
}
