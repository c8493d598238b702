/// Sums, means and maxima, over everything or along one axis.
extension Tensor {
    /// (outer, length, inner) such that this tensor is [outer, length, inner] around `axis`.
    func split(around axis: Int) -> (outer: Int, length: Int, inner: Int) {
        precondition(axis >= 0 && axis < rank, "axis \(axis) out of range for shape \(shape)")
        return (shape[..<axis].reduce(1, *), shape[axis], shape[(axis + 1)...].reduce(1, *))
    }

    func normalized(axis: Int) -> Int { axis < 0 ? axis + rank : axis }

    func reducedShape(axis: Int, keepingDimension: Bool) -> [Int] {
        var result = shape
        if keepingDimension { result[axis] = 1 } else { result.remove(at: axis) }
        return result
    }

    /// The sum of all elements, as a scalar tensor.
    public func sum() -> Tensor {
        let result = Tensor(sumElements(data, count: count))
        return result.recording([self]) { [shape] g in [Tensor(shape: shape, repeating: g.item)] }
    }

    /// The mean of all elements, as a scalar tensor.
    public func mean() -> Tensor { sum() / Float(count) }

    /// Sums along `axis` (negative counts from the end).
    public func sum(axis: Int, keepingDimension: Bool = false) -> Tensor {
        let axis = normalized(axis: axis)
        let (outer, length, inner) = split(around: axis)
        let result = Tensor.zeros(reducedShape(axis: axis, keepingDimension: keepingDimension))
        let src = data, dst = result.data
        if inner == 1 {
            for o in 0..<outer { dst[o] = sumElements(src + o * length, count: length) }
        } else {  // threads take disjoint columns, each summed as on one thread
            parallelColumnBlocks(inner, costPerColumn: outer * length) { columns in
                for o in 0..<outer {
                    for l in 0..<length {
                        addElements(src + (o * length + l) * inner + columns.lowerBound,
                                    into: dst + o * inner + columns.lowerBound, count: columns.count)
                    }
                }
            }
        }
        return result.recording([self]) { [shape] g in
            let expanded = Tensor(uninitialized: shape)
            for o in 0..<outer {
                for l in 0..<length {
                    (expanded.data + (o * length + l) * inner).update(from: g.data + o * inner, count: inner)
                }
            }
            return [expanded]
        }
    }

    /// Means along `axis`.
    public func mean(axis: Int, keepingDimension: Bool = false) -> Tensor {
        sum(axis: axis, keepingDimension: keepingDimension) / Float(shape[normalized(axis: axis)])
    }

    /// Maxima along `axis`; the gradient flows to the first maximal element.
    public func max(axis: Int, keepingDimension: Bool = false) -> Tensor {
        let axis = normalized(axis: axis)
        let (outer, length, inner) = split(around: axis)
        precondition(length > 0, "max over an empty axis")
        let indices = argmaxIndices(outer: outer, length: length, inner: inner)
        let result = Tensor(uninitialized: reducedShape(axis: axis, keepingDimension: keepingDimension))
        for (j, index) in indices.enumerated() { result.data[j] = data[index] }
        return result.recording([self]) { [shape] g in
            let expanded = Tensor.zeros(shape)
            for (j, index) in indices.enumerated() { expanded.data[index] = g.data[j] }
            return [expanded]
        }
    }

    /// The index along `axis` of each maximum (first one on ties); no gradient.
    public func argmax(axis: Int = -1) -> [Int] {
        let axis = normalized(axis: axis)
        let (outer, length, inner) = split(around: axis)
        return argmaxIndices(outer: outer, length: length, inner: inner).map { ($0 / inner) % length }
    }

    /// Flat indices of the maxima of the [outer, length, inner] view, in reduced row-major order.
    private func argmaxIndices(outer: Int, length: Int, inner: Int) -> [Int] {
        var result = [Int]()
        result.reserveCapacity(outer * inner)
        for o in 0..<outer {
            for i in 0..<inner {
                var best = o * length * inner + i
                for l in 1..<Swift.max(length, 1) {
                    let index = (o * length + l) * inner + i
                    if data[index] > data[best] { best = index }
                }
                result.append(best)
            }
        }
        return result
    }
}
