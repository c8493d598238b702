import CKernels
import Foundation

/// Elementwise functions and their gradients.
extension Tensor {
    /// A new tensor with `K` applied to every element (no history).
    @inline(__always)
    func mapped<K: UnaryKernel>(_ kernel: K.Type) -> Tensor {
        let result = Tensor(uninitialized: shape)
        mapElements(kernel, data, result.data, count: count)
        return result
    }

    /// A new tensor combining this one with `other` (same shape) elementwise by `K` (no history).
    @inline(__always)
    func zipped<K: BinaryKernel>(_ other: Tensor, _ kernel: K.Type) -> Tensor {
        precondition(shape == other.shape, "shapes \(shape) and \(other.shape) differ")
        let result = Tensor(uninitialized: shape)
        zipElements(kernel, data, other.data, result.data, count: count)
        return result
    }
}

/// max(x, 0); over `x` itself where nothing else holds it and nothing records (`Tensor.result(overwriting:)`).
public func relu(_ x: consuming Tensor) -> Tensor {
    let result = Tensor.result(overwriting: &x)
    mapElements(ReLUKernel.self, x.data, result.data, count: x.count)
    return result.recordingWithOutput([x]) { g, y in [g.zipped(y, ReLUGradient.self)] }
}

/// 1 / (1 + e^-x); over `x` itself where nothing else holds it and nothing records (`Tensor.result(overwriting:)`),
/// as `relu`; so are `tanh` and `exp`.
public func sigmoid(_ x: consuming Tensor) -> Tensor { mappedOverwriting(x, zoo_sigmoid, gradient: SigmoidGradient.self) }

/// Hyperbolic tangent, computed as 1 - 2 / (e^2x + 1).
public func tanh(_ x: consuming Tensor) -> Tensor { mappedOverwriting(x, zoo_tanh, gradient: TanhGradient.self) }

/// e^x.
public func exp(_ x: consuming Tensor) -> Tensor { mappedOverwriting(x, zoo_exp, gradient: MultiplyKernel.self) }

/// The C kernel `apply` (input, output, count) over every element of x in parallel, written over `x` itself where nothing
/// else holds it and nothing records (`Tensor.result(overwriting:)`); recorded as `operation` with the gradient
/// `K(g, y)` of the output's gradient g and the output y.
private func mappedOverwriting<K: BinaryKernel>(_ x: consuming Tensor,
                                                _ apply: (UnsafePointer<Float>?, UnsafeMutablePointer<Float>?, Int) -> Void,
                                                gradient: K.Type, operation: StaticString = #function) -> Tensor {
    let result = Tensor.result(overwriting: &x)
    let (input, output) = (x.data, result.data)
    parallelChunks(x.count, costPerItem: 8) { range in apply(input + range.lowerBound, output + range.lowerBound, range.count) }
    return result.recordingWithOutput([x], operation: operation) { g, y in [g.zipped(y, K.self)] }
}

/// Natural logarithm.
public func log(_ x: Tensor) -> Tensor {
    let result = Tensor(uninitialized: x.shape)
    for i in 0..<x.count { result.data[i] = Foundation.log(x.data[i]) }
    return result.recording([x]) { g in [g.zipped(x, DivideKernel.self)] }
}

enum ReLUKernel: UnaryKernel {
    @inline(__always) static func apply(_ x: Vector) -> Vector { x.replacing(with: 0, where: x .< 0) }
}

/// g where the input (equally, the output) was positive, else 0.
enum ReLUGradient: BinaryKernel {
    @inline(__always) static func apply(_ g: Vector, _ x: Vector) -> Vector { g.replacing(with: 0, where: x .<= 0) }
}

/// g * y * (1 - y) from the output y.
enum SigmoidGradient: BinaryKernel {
    @inline(__always) static func apply(_ g: Vector, _ y: Vector) -> Vector { g * y * (1 - y) }
}

/// g * (1 - y^2) from the output y.
enum TanhGradient: BinaryKernel {
    @inline(__always) static func apply(_ g: Vector, _ y: Vector) -> Vector { g * (1 - y * y) }
}

enum NegateKernel: UnaryKernel {
    @inline(__always) static func apply(_ x: Vector) -> Vector { -x }
}
