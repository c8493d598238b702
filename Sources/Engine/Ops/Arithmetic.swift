/// Elementwise arithmetic with broadcasting, and its gradients.
extension Tensor {
    /// Applies `K` elementwise over the broadcast shape of `a` and `b`.
    @inline(__always)
    static func broadcasting<K: BinaryKernel>(_ a: Tensor, _ b: Tensor, _ kernel: K.Type) -> Tensor {
        if a.shape == b.shape { return a.zipped(b, kernel) }
        let shape = Broadcast.shape(a.shape, b.shape)
        let result = Tensor(uninitialized: shape)
        let pa = a.data, pb = b.data, out = result.data
        Broadcast.forEachRow(shape, Broadcast.strides(of: a.shape, in: shape),
                             Broadcast.strides(of: b.shape, in: shape)) { o, oa, ob, length, sa, sb in
            for i in 0..<length { out[o + i] = K.apply(Vector(repeating: pa[oa + i * sa]), Vector(repeating: pb[ob + i * sb]))[0] }
        }
        return result
    }

    public static func + (a: Tensor, b: Tensor) -> Tensor {
        broadcasting(a, b, AddKernel.self).recording([a, b]) { g, _ in
            [a.requiresGrad ? g.summed(toShape: a.shape) : nil, b.requiresGrad ? g.summed(toShape: b.shape) : nil]
        }
    }

    public static func - (a: Tensor, b: Tensor) -> Tensor {
        broadcasting(a, b, SubtractKernel.self).recording([a, b]) { g, _ in
            [a.requiresGrad ? g.summed(toShape: a.shape) : nil, b.requiresGrad ? (-g).summed(toShape: b.shape) : nil]
        }
    }

    public static func * (a: Tensor, b: Tensor) -> Tensor {
        broadcasting(a, b, MultiplyKernel.self).recording([a, b]) { g, _ in
            [a.requiresGrad ? (g * b).summed(toShape: a.shape) : nil,
             b.requiresGrad ? (g * a).summed(toShape: b.shape) : nil]
        }
    }

    public static func / (a: Tensor, b: Tensor) -> Tensor {
        broadcasting(a, b, DivideKernel.self).recording([a, b]) { g, y in
            [a.requiresGrad ? (g / b).summed(toShape: a.shape) : nil,
             b.requiresGrad ? (-(g * y) / b).summed(toShape: b.shape) : nil]
        }
    }

    public static prefix func - (a: Tensor) -> Tensor {
        a.mapped(NegateKernel.self).recording([a]) { g, _ in [-g] }
    }

    public static func + (a: Tensor, b: Float) -> Tensor { a + Tensor(b) }
    public static func - (a: Tensor, b: Float) -> Tensor { a - Tensor(b) }
    public static func * (a: Tensor, b: Float) -> Tensor { a * Tensor(b) }
    public static func / (a: Tensor, b: Float) -> Tensor { a / Tensor(b) }
    public static func + (a: Float, b: Tensor) -> Tensor { Tensor(a) + b }
    public static func - (a: Float, b: Tensor) -> Tensor { Tensor(a) - b }
    public static func * (a: Float, b: Tensor) -> Tensor { Tensor(a) * b }
    public static func / (a: Float, b: Tensor) -> Tensor { Tensor(a) / b }
}

enum AddKernel: BinaryKernel { static func apply(_ a: Vector, _ b: Vector) -> Vector { a + b } }
enum SubtractKernel: BinaryKernel { static func apply(_ a: Vector, _ b: Vector) -> Vector { a - b } }
enum MultiplyKernel: BinaryKernel { static func apply(_ a: Vector, _ b: Vector) -> Vector { a * b } }
enum DivideKernel: BinaryKernel { static func apply(_ a: Vector, _ b: Vector) -> Vector { a / b } }
