/// Matrix products through OpenBLAS sgemm.

/// The matrix product of [m, k] and [k, n].
public func matmul(_ a: Tensor, _ b: Tensor) -> Tensor {
    precondition(a.rank == 2 && b.rank == 2 && a.shape[1] == b.shape[0],
                 "matmul needs [m, k] x [k, n], got \(a.shape) x \(b.shape)")
    let (m, k, n) = (a.shape[0], a.shape[1], b.shape[1])
    let result = Tensor(uninitialized: [m, n])
    gemm(m: m, n: n, k: k, a.data, b.data, result.data)
    return result.recording([a, b]) { g in
        var grads: [Tensor?] = [nil, nil]
        if a.requiresGrad {  // dA = G B^T
            let da = Tensor(uninitialized: [m, k])
            gemm(transposeB: true, m: m, n: k, k: n, g.data, b.data, da.data)
            grads[0] = da
        }
        if b.requiresGrad {  // dB = A^T G
            let db = Tensor(uninitialized: [k, n])
            gemm(transposeA: true, m: k, n: n, k: m, a.data, g.data, db.data)
            grads[1] = db
        }
        return grads
    }
}

/// x W^T + b for x [batch, in], W [out, in], b [out]: PyTorch's `F.linear`, fused into one GEMM.
public func linear(_ x: Tensor, weight: Tensor, bias: Tensor?) -> Tensor {
    precondition(x.rank == 2 && weight.rank == 2 && x.shape[1] == weight.shape[1],
                 "linear expects input [batch, \(weight.shape.last ?? 0)], got \(x.shape)")
    let (batch, inFeatures, outFeatures) = (x.shape[0], x.shape[1], weight.shape[0])
    let result = Tensor(uninitialized: [batch, outFeatures])
    if let bias {
        for row in 0..<batch { (result.data + row * outFeatures).update(from: bias.data, count: outFeatures) }
    }
    if packedProductSuits(m: batch, n: outFeatures, k: inFeatures) {
        packedProduct(m: batch, n: outFeatures, k: inFeatures, x.data, weight.data, accumulating: bias != nil, result.data)
    } else {
        gemm(transposeB: true, m: batch, n: outFeatures, k: inFeatures, x.data, weight.data, beta: bias == nil ? 0 : 1, result.data)
    }
    let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
    return result.recording(inputs) { g in
        var grads: [Tensor?] = [nil, nil, nil]
        if x.requiresGrad {  // dX = G W
            let dx = Tensor(uninitialized: x.shape)
            gemm(m: batch, n: inFeatures, k: outFeatures, g.data, weight.data, dx.data)
            grads[0] = dx
        }
        if weight.requiresGrad {  // dW = G^T X
            let dw = Tensor(uninitialized: weight.shape)
            gemm(transposeA: true, m: outFeatures, n: inFeatures, k: batch, g.data, x.data, dw.data)
            grads[1] = dw
        }
        if let bias, bias.requiresGrad { grads[2] = g.sum(axis: 0) }
        return Array(grads.prefix(inputs.count))
    }
}
