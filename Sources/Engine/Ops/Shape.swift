/// Views and rearrangements: reshape, flatten, 2-D transpose.
extension Tensor {
    /// The same elements under a new shape (a view); one dimension may be -1 to be inferred.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var resolved = newShape
        if let unknown = newShape.firstIndex(of: -1) {
            let known = newShape.enumerated().filter { $0.offset != unknown }.map(\.element).reduce(1, *)
            precondition(known > 0 && count % known == 0, "cannot reshape \(shape) to \(newShape)")
            resolved[unknown] = count / known
        }
        precondition(resolved.reduce(1, *) == count, "cannot reshape \(shape) (\(count) elements) to \(newShape)")
        let result = Tensor(shape: resolved, storage: storage)
        return result.recording([self]) { [shape] g in [g.reshaped(shape)] }
    }

    /// Keeps the first dimension and flattens the rest: [N, ...] -> [N, rest].
    public func flattened() -> Tensor {
        precondition(rank >= 1, "flatten needs at least one dimension")
        return reshaped([shape[0], count / Swift.max(shape[0], 1)])
    }

    /// The transpose of a matrix.
    public func transposed() -> Tensor {
        precondition(rank == 2, "transposed() needs a matrix, got shape \(shape)")
        let result = Tensor(uninitialized: [shape[1], shape[0]])
        transpose(data, rows: shape[0], columns: shape[1], into: result.data)
        return result.recording([self]) { g in [g.transposed()] }
    }
}

/// Writes the transpose of a rows x columns matrix, in cache-sized tiles.
func transpose(_ source: UnsafePointer<Float>, rows: Int, columns: Int, into target: UnsafeMutablePointer<Float>) {
    let tile = 32
    for r0 in stride(from: 0, to: rows, by: tile) {
        for c0 in stride(from: 0, to: columns, by: tile) {
            for r in r0..<min(r0 + tile, rows) {
                for c in c0..<min(c0 + tile, columns) { target[c * rows + r] = source[r * columns + c] }
            }
        }
    }
}
