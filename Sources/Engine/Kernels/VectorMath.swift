import CKernels

/// Vectorized elementwise math over raw buffers: the memory-bound kernels behind the arithmetic ops.
/// (The compute-bound ones, exp and the activations built on it, are C kernels chosen for the CPU at run
/// time: `zoo_kernels.h`.)
typealias Vector = SIMD8<Float>

/// An elementwise function of one vector, as a type so that generic kernels specialize and inline
/// it (a closure would be an opaque call per eight elements inside the parallel loop).
protocol UnaryKernel { static func apply(_ x: Vector) -> Vector }

/// An elementwise function of two vectors.
protocol BinaryKernel { static func apply(_ a: Vector, _ b: Vector) -> Vector }

/// output[i] = K(input[i]), eight lanes at a time, in parallel for large inputs.
@inline(__always)
func mapElements<K: UnaryKernel>(_: K.Type, _ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, count: Int) {
    parallelChunks(count) { range in
        var i = range.lowerBound
        while i + 8 <= range.upperBound {
            let v = UnsafeRawPointer(input + i).loadUnaligned(as: Vector.self)
            UnsafeMutableRawPointer(output + i).storeBytes(of: K.apply(v), as: Vector.self)
            i += 8
        }
        if i < range.upperBound {
            var tail = Vector(repeating: 0)
            for j in i..<range.upperBound { tail[j - i] = input[j] }
            let result = K.apply(tail)
            for j in i..<range.upperBound { output[j] = result[j - i] }
        }
    }
}

/// output[i] = K(a[i], b[i]), eight lanes at a time, in parallel for large inputs.
@inline(__always)
func zipElements<K: BinaryKernel>(_ kernel: K.Type, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                                  _ output: UnsafeMutablePointer<Float>, count: Int) {
    parallelChunks(count) { range in zipElements(kernel, a, b, output, range: range) }
}

/// output[i] = K(a[i], b[i]) for i in `range`, eight lanes at a time, on the calling thread.
@inline(__always)
func zipElements<K: BinaryKernel>(_: K.Type, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                                  _ output: UnsafeMutablePointer<Float>, range: Range<Int>) {
    var i = range.lowerBound
    while i + 8 <= range.upperBound {
        storeVector(K.apply(loadVector(a + i), loadVector(b + i)), output + i)
        i += 8
    }
    if i < range.upperBound {
        var ta = Vector(repeating: 0), tb = Vector(repeating: 0)
        for j in i..<range.upperBound { ta[j - i] = a[j]; tb[j - i] = b[j] }
        let result = K.apply(ta, tb)
        for j in i..<range.upperBound { output[j] = result[j - i] }
    }
}

/// Sum of `count` floats, a vector of partial sums at a time (`zoo_sum`).
@inline(__always)
func sumElements(_ x: UnsafePointer<Float>, count: Int) -> Float { zoo_sum(x, count) }

/// Sum of (x[i] - center)^2 over `count` floats.
@inline(__always)
func sumOfSquaredDeviations(_ x: UnsafePointer<Float>, count: Int, from center: Float) -> Float {
    zoo_sum_of_squared_deviations(x, count, center)
}

/// (sum of g[i], sum of g[i] * (x[i] - center)) over `count` floats.
@inline(__always)
func sumAndCenteredProduct(_ g: UnsafePointer<Float>, _ x: UnsafePointer<Float>, count: Int,
                           center: Float) -> (sum: Float, product: Float) {
    var (sum, product): (Float, Float) = (0, 0)
    zoo_sum_and_centered_product(g, x, count, center, &sum, &product)
    return (sum, product)
}

/// target[i] += source[i] for i < count, eight lanes at a time.
@inline(__always)
func addElements(_ source: UnsafePointer<Float>, into target: UnsafeMutablePointer<Float>, count: Int) {
    var i = 0
    while i + 8 <= count {
        storeVector(loadVector(target + i) + loadVector(source + i), target + i)
        i += 8
    }
    while i < count { target[i] += source[i]; i += 1 }
}

/// Eight floats from `pointer` (any alignment).
@inline(__always)
func loadVector(_ pointer: UnsafePointer<Float>) -> Vector { UnsafeRawPointer(pointer).loadUnaligned(as: Vector.self) }

/// Writes eight floats to `pointer` (any alignment).
@inline(__always)
func storeVector(_ vector: Vector, _ pointer: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(pointer).storeBytes(of: vector, as: Vector.self)
}
