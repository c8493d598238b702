/// Joining tensors along an axis and taking slices of one (Inception branches, DenseNet growth).

/// The tensors joined along `axis`; all other dimensions must agree.
public func concatenate(_ tensors: [Tensor], axis: Int = 1) -> Tensor {
    precondition(!tensors.isEmpty, "concatenate needs at least one tensor")
    let first = tensors[0]
    let axis = first.normalized(axis: axis)
    for t in tensors {
        precondition(t.rank == first.rank && t.shape.enumerated().allSatisfy { $0.offset == axis || $0.element == first.shape[$0.offset] },
                     "concatenate along axis \(axis): shapes \(tensors.map(\.shape)) differ off that axis")
    }
    let lengths = tensors.map { $0.shape[axis] }
    var shape = first.shape
    shape[axis] = lengths.reduce(0, +)
    let result = Tensor(uninitialized: shape)
    let outer = first.shape[..<axis].reduce(1, *), inner = first.shape[(axis + 1)...].reduce(1, *)
    let total = shape[axis] * inner
    var offset = 0
    for (t, length) in zip(tensors, lengths) {
        let block = length * inner
        for o in 0..<outer { (result.data + o * total + offset).update(from: t.data + o * block, count: block) }
        offset += block
    }
    let needsGradient = tensors.map(\.requiresGrad)
    return result.recording(tensors) { g in
        var start = 0
        return zip(needsGradient, lengths).map { needed, length in
            defer { start += length }
            return needed ? g.slice(axis: axis, from: start, count: length) : nil
        }
    }
}

extension Tensor {
    /// Elements `from..<from + count` along `axis` (a copy).
    public func slice(axis: Int, from start: Int, count length: Int) -> Tensor {
        let axis = normalized(axis: axis)
        precondition(start >= 0 && length >= 0 && start + length <= shape[axis],
                     "slice \(start)..<\(start + length) out of range for axis \(axis) of \(shape)")
        var newShape = shape
        newShape[axis] = length
        let result = Tensor(uninitialized: newShape)
        let (outer, full, inner) = split(around: axis)
        for o in 0..<outer {
            (result.data + o * length * inner).update(from: data + (o * full + start) * inner, count: length * inner)
        }
        return result.recording([self]) { [shape] g in
            let dx = Tensor.zeros(shape)
            for o in 0..<outer {
                (dx.data + (o * full + start) * inner).update(from: g.data + o * length * inner, count: length * inner)
            }
            return [dx]
        }
    }
}
