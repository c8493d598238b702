/// NumPy broadcasting: shapes are aligned at their last dimension, and a dimension of 1 stretches.
enum Broadcast {
    /// The broadcast shape of `a` and `b`, or a precondition failure naming both.
    static func shape(_ a: [Int], _ b: [Int]) -> [Int] {
        let rank = max(a.count, b.count)
        let pa = Array(repeating: 1, count: rank - a.count) + a
        let pb = Array(repeating: 1, count: rank - b.count) + b
        return (0..<rank).map { i in
            precondition(pa[i] == pb[i] || pa[i] == 1 || pb[i] == 1,
                         "shapes \(a) and \(b) cannot be broadcast together")
            return max(pa[i], pb[i])
        }
    }

    /// Strides of `shape` read as if it had `target`'s rank and size (0 along stretched dimensions).
    static func strides(of shape: [Int], in target: [Int]) -> [Int] {
        let padded = Array(repeating: 1, count: target.count - shape.count) + shape
        var strides = Array(repeating: 0, count: target.count)
        var step = 1
        for i in stride(from: target.count - 1, through: 0, by: -1) {
            strides[i] = padded[i] == 1 ? 0 : step
            step *= padded[i]
        }
        return strides
    }

    /// Visits every element of `shape` in row-major order, passing the offsets of its two
    /// broadcast inputs; the innermost dimension is a tight loop of `length` elements.
    @inline(__always)
    static func forEachRow(_ shape: [Int], _ stridesA: [Int], _ stridesB: [Int],
                           _ body: (_ outOffset: Int, _ a: Int, _ b: Int, _ length: Int, _ strideA: Int, _ strideB: Int) -> Void) {
        guard let inner = shape.last else { body(0, 0, 0, 1, 0, 0); return }
        let rank = shape.count
        let rows = shape.dropLast().reduce(1, *)
        var index = Array(repeating: 0, count: rank)
        var offsetA = 0, offsetB = 0
        for row in 0..<rows {
            body(row * inner, offsetA, offsetB, inner, stridesA[rank - 1], stridesB[rank - 1])
            var d = rank - 2
            while d >= 0 {
                index[d] += 1
                offsetA += stridesA[d]; offsetB += stridesB[d]
                if index[d] < shape[d] { break }
                offsetA -= stridesA[d] * shape[d]; offsetB -= stridesB[d] * shape[d]
                index[d] = 0
                d -= 1
            }
        }
    }
}

extension Tensor {
    /// Sums this gradient down to `target` shape, undoing broadcasting.
    func summed(toShape target: [Int]) -> Tensor {
        if shape == target { return self }
        let result = Tensor.zeros(target)
        let targetStrides = Broadcast.strides(of: target, in: shape)
        let zeros = Array(repeating: 0, count: shape.count)
        let src = data, dst = result.data
        Broadcast.forEachRow(shape, targetStrides, zeros) { out, t, _, length, stride, _ in
            if stride == 0 {
                dst[t] += sumElements(src + out, count: length)
            } else {
                for i in 0..<length { dst[t + i * stride] += src[out + i] }
            }
        }
        return result
    }
}
