/// Rows of a table by index (PyTorch's `F.embedding`): the backward pass adds each row's gradient
/// into the table row it came from (a scatter-add; an index used twice gets both).

/// The rows `indices` of `table` [count, features], as a tensor of shape `shape + [features]`
/// (`shape` multiplies to `indices.count`). Indices must lie in `0..<count`: the loaders check token ids.
public func embedding(_ table: Tensor, indices: [Int32], shape: [Int]) -> Tensor {
    precondition(table.rank == 2, "an embedding table is [count, features], got \(table.shape)")
    precondition(shape.reduce(1, *) == indices.count, "shape \(shape) does not hold \(indices.count) indices")
    let (count, features) = (table.shape[0], table.shape[1])
    precondition(indices.allSatisfy { $0 >= 0 && Int($0) < count }, "an embedding index lies outside 0..<\(count)")
    let result = Tensor(uninitialized: shape + [features])
    for (row, index) in indices.enumerated() {
        (result.data + row * features).update(from: table.data + Int(index) * features, count: features)
    }
    return result.recording([table]) { [shape = table.shape] g in
        let dTable = Tensor.zeros(shape)
        for (row, index) in indices.enumerated() {
            addElements(g.data + row * features, into: dTable.data + Int(index) * features, count: features)
        }
        return [dTable]
    }
}
