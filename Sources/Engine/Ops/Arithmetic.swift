/// Elementwise arithmetic with broadcasting, and its gradients.
extension Tensor {
    /// Applies `op` elementwise over the broadcast shape of `a` and `b`.
    @inline(__always)
    static func broadcasting(_ a: Tensor, _ b: Tensor, vector: (Vector, Vector) -> Vector,
                             scalar: (Float, Float) -> Float) -> Tensor {
        if a.shape == b.shape {
            let result = Tensor(uninitialized: a.shape)
            zipElements(a.data, b.data, result.data, count: a.count, vector: vector)
            return result
        }
        let shape = Broadcast.shape(a.shape, b.shape)
        let result = Tensor(uninitialized: shape)
        let pa = a.data, pb = b.data, out = result.data
        Broadcast.forEachRow(shape, Broadcast.strides(of: a.shape, in: shape),
                             Broadcast.strides(of: b.shape, in: shape)) { o, oa, ob, length, sa, sb in
            for i in 0..<length { out[o + i] = scalar(pa[oa + i * sa], pb[ob + i * sb]) }
        }
        return result
    }

    public static func + (a: Tensor, b: Tensor) -> Tensor {
        broadcasting(a, b, vector: { $0 + $1 }, scalar: { $0 + $1 }).recording([a, b]) { g, _ in
            [a.requiresGrad ? g.summed(toShape: a.shape) : nil, b.requiresGrad ? g.summed(toShape: b.shape) : nil]
        }
    }

    public static func - (a: Tensor, b: Tensor) -> Tensor {
        broadcasting(a, b, vector: { $0 - $1 }, scalar: { $0 - $1 }).recording([a, b]) { g, _ in
            [a.requiresGrad ? g.summed(toShape: a.shape) : nil, b.requiresGrad ? (-g).summed(toShape: b.shape) : nil]
        }
    }

    public static func * (a: Tensor, b: Tensor) -> Tensor {
        broadcasting(a, b, vector: { $0 * $1 }, scalar: { $0 * $1 }).recording([a, b]) { g, _ in
            [a.requiresGrad ? (g * b).summed(toShape: a.shape) : nil,
             b.requiresGrad ? (g * a).summed(toShape: b.shape) : nil]
        }
    }

    public static func / (a: Tensor, b: Tensor) -> Tensor {
        broadcasting(a, b, vector: { $0 / $1 }, scalar: { $0 / $1 }).recording([a, b]) { g, y in
            [a.requiresGrad ? (g / b).summed(toShape: a.shape) : nil,
             b.requiresGrad ? (-(g * y) / b).summed(toShape: b.shape) : nil]
        }
    }

    public static prefix func - (a: Tensor) -> Tensor {
        let result = Tensor(uninitialized: a.shape)
        mapElements(a.data, result.data, count: a.count) { -$0 }
        return result.recording([a]) { g, _ in [-g] }
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
