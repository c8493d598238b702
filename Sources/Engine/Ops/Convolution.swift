/// 2-D convolution (cross-correlation, as PyTorch) lowered to one batched GEMM.
///
/// Forward: columns = im2col(x) [C*kh*kw, N*P]; Y' = W [O, C*kh*kw] x columns -> [O, N*P], scattered to
/// NCHW with the bias added. Backward keeps the columns for the weight gradient when they are small
/// and recomputes them otherwise (they are kh*kw times the input), then dW = G' columns^T and
/// dcolumns = W^T G', folded back by col2im.
public func conv2d(_ x: Tensor, weight: Tensor, bias: Tensor?, stride: Int = 1, padding: Int = 0) -> Tensor {
    precondition(x.rank == 4, "conv2d expects an NCHW batch, got shape \(x.shape)")
    precondition(weight.rank == 4 && weight.shape[1] == x.shape[1],
                 "conv2d weight \(weight.shape) does not take \(x.shape[1]) input channels (input \(x.shape))")
    let outChannels = weight.shape[0]
    let g = ConvGeometry(batch: x.shape[0], channels: x.shape[1], height: x.shape[2], width: x.shape[3],
                         kernelHeight: weight.shape[2], kernelWidth: weight.shape[3], stride: stride, padding: padding)
    precondition(g.outHeight > 0 && g.outWidth > 0,
                 "conv2d kernel \(weight.shape[2])x\(weight.shape[3]) is larger than the padded input \(x.shape)")
    if let taps = g.usefulTaps(), taps.count < g.kernelHeight {
        // Kernel rows and columns that only ever meet padding (a 3x3 convolution on a 1x1 map, as in
        // ResNet's last stage at 28x28) are cut off: 9x less work there, the same result and gradients.
        let trimmed = weight.slice(axis: 2, from: taps.lowerBound, count: taps.count)
            .slice(axis: 3, from: taps.lowerBound, count: taps.count)
        return conv2d(x, weight: trimmed, bias: bias, stride: stride, padding: padding - taps.lowerBound)
    }
    let columnCount = g.batch * g.positions
    if DirectConvolution.applies(input: x, patch: g.patch, stride: stride) {
        return directConv2d(x, weight: weight, bias: bias, g)
    }

    let columns = Tensor(uninitialized: [g.patch, columnCount])
    im2col(x.data, g, into: columns.data)
    let product = Tensor(uninitialized: [outChannels, columnCount])
    gemm(m: outChannels, n: columnCount, k: g.patch, weight.data, columns.data, product.data)
    let result = Tensor(uninitialized: [g.batch, outChannels, g.outHeight, g.outWidth])
    channelMajorToBatchMajor(product.data, result.data, batch: g.batch, channels: outChannels,
                             positions: g.positions, bias: bias?.data)

    let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
    let keptColumns = columns.count <= maximumKeptColumns ? columns : nil
    return result.recording(inputs) { gradient, _ in
        let gradientByChannel = Tensor(uninitialized: [outChannels, columnCount])
        batchMajorToChannelMajor(gradient.data, gradientByChannel.data, batch: g.batch,
                                 channels: outChannels, positions: g.positions)
        var grads: [Tensor?] = [nil, nil, nil]
        if weight.requiresGrad {
            let columns = keptColumns ?? {
                let columns = Tensor(uninitialized: [g.patch, columnCount])
                im2col(x.data, g, into: columns.data)
                return columns
            }()
            let dw = Tensor(uninitialized: weight.shape)
            gemm(transposeB: true, m: outChannels, n: g.patch, k: columnCount,
                 gradientByChannel.data, columns.data, dw.data)
            grads[1] = dw
        }
        if x.requiresGrad {
            let dColumns = Tensor(uninitialized: [g.patch, columnCount])
            gemm(transposeA: true, m: g.patch, n: columnCount, k: outChannels,
                 weight.data, gradientByChannel.data, dColumns.data)
            let dx = Tensor(uninitialized: x.shape)
            col2im(dColumns.data, g, into: dx.data)
            grads[0] = dx
        }
        if let bias, bias.requiresGrad {
            let db = Tensor(uninitialized: bias.shape)
            for o in 0..<outChannels { db.data[o] = sumElements(gradientByChannel.data + o * columnCount, count: columnCount) }
            grads[2] = db
        }
        return Array(grads.prefix(inputs.count))
    }
}

/// conv2d of an input that needs no gradient, without lowering (see `DirectConvolution`).
private func directConv2d(_ x: Tensor, weight: Tensor, bias: Tensor?, _ g: ConvGeometry) -> Tensor {
    let outChannels = weight.shape[0]
    let result = Tensor(uninitialized: [g.batch, outChannels, g.outHeight, g.outWidth])
    DirectConvolution.forward(x.data, weight.data, bias?.data, g, outChannels: outChannels, into: result.data)
    let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
    return result.recording(inputs) { gradient, _ in
        let dw = Tensor(uninitialized: weight.shape), db = bias.map { Tensor(uninitialized: $0.shape) }
        DirectConvolution.parameterGradients(x.data, gradient.data, g, outChannels: outChannels,
                                             weight: dw.data, bias: db?.data)
        return Array([nil, weight.requiresGrad ? dw : nil, bias?.requiresGrad == true ? db : nil].prefix(inputs.count))
    }
}

/// Lowered inputs up to this many floats (64 MB) are kept from forward for backward; larger ones are
/// recomputed, trading an im2col pass for memory.
let maximumKeptColumns = 16 << 20

/// [C, N, P] -> [N, C, P], adding `bias[c]` on the way when given.
func channelMajorToBatchMajor(_ source: UnsafePointer<Float>, _ target: UnsafeMutablePointer<Float>,
                              batch: Int, channels: Int, positions: Int, bias: UnsafePointer<Float>?) {
    parallelChunks(batch, costPerItem: channels * positions) { images in
        for n in images {
            for c in 0..<channels {
                let from = source + (c * batch + n) * positions, to = target + (n * channels + c) * positions
                if let bias {
                    let b = bias[c]
                    for p in 0..<positions { to[p] = from[p] + b }
                } else {
                    to.update(from: from, count: positions)
                }
            }
        }
    }
}

/// [N, C, P] -> [C, N, P].
func batchMajorToChannelMajor(_ source: UnsafePointer<Float>, _ target: UnsafeMutablePointer<Float>,
                              batch: Int, channels: Int, positions: Int) {
    parallelChunks(batch, costPerItem: channels * positions) { images in
        for n in images {
            for c in 0..<channels {
                (target + (c * batch + n) * positions).update(from: source + (n * channels + c) * positions, count: positions)
            }
        }
    }
}
