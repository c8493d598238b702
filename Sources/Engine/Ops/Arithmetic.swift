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

    /// a + b, broadcast; over `a` or `b` where shapes match and nothing else holds it (`result(overwriting:)`).
    public static func + (a: consuming Tensor, b: consuming Tensor) -> Tensor {
        let (shapeA, shapeB) = (a.requiresGrad ? a.shape : nil, b.requiresGrad ? b.shape : nil)
        let sum: Tensor
        if a.shape == b.shape {
            sum = isOverwritable(&a, others: [copy b]) ? a : result(overwriting: &b, others: [copy a])
            zipElements(AddKernel.self, a.data, b.data, sum.data, count: sum.count)
        } else {
            sum = broadcasting(a, b, AddKernel.self)
        }
        return sum.recording([a, b]) { g in
            [shapeA.map { g.summed(toShape: $0) }, shapeB.map { g.summed(toShape: $0) }]
        }
    }

    public static func - (a: Tensor, b: Tensor) -> Tensor {
        let (shapeA, shapeB) = (a.requiresGrad ? a.shape : nil, b.requiresGrad ? b.shape : nil)
        return broadcasting(a, b, SubtractKernel.self).recording([a, b]) { g in
            [shapeA.map { g.summed(toShape: $0) }, shapeB.map { (-g).summed(toShape: $0) }]
        }
    }

    public static func * (a: Tensor, b: Tensor) -> Tensor {
        // Each factor is kept only if the other one's gradient needs it.
        let (keptB, keptA) = (a.requiresGrad ? b : nil, b.requiresGrad ? a : nil)
        let (shapeA, shapeB) = (a.shape, b.shape)
        return broadcasting(a, b, MultiplyKernel.self).recording([a, b]) { g in
            [keptB.map { (g * $0).summed(toShape: shapeA) }, keptA.map { (g * $0).summed(toShape: shapeB) }]
        }
    }

    public static func / (a: Tensor, b: Tensor) -> Tensor {
        let shapeA = a.requiresGrad ? a.shape : nil
        return broadcasting(a, b, DivideKernel.self).recordingWithOutput([a, b]) { g, y in
            [shapeA.map { (g / b).summed(toShape: $0) },
             b.requiresGrad ? (-(g * y) / b).summed(toShape: b.shape) : nil]
        }
    }

    public static prefix func - (a: Tensor) -> Tensor {
        a.mapped(NegateKernel.self).recording([a]) { g in [-g] }
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
