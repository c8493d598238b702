/// 2-D convolution (cross-correlation, as PyTorch) lowered to batched GEMMs.
///
/// Forward, over groups of images: columns = im2col(x) [C*kh*kw, n*P]; Y' = W [O, C*kh*kw] x columns
/// -> [O, n*P], scattered to NCHW with the bias added. Backward, over the same groups: dW += G' columns^T
/// (columns kept from forward when all images fit one group, recomputed otherwise) and
/// dcolumns = W^T G', folded back by col2im.
public func conv2d(_ x: Tensor, weight: Tensor, bias: Tensor?, stride: Int = 1, padding: Int = 0) -> Tensor {
    precondition(x.rank == 4, "conv2d expects an NCHW batch, got shape \(x.shape)")
    precondition(weight.rank == 4 && weight.shape[1] == x.shape[1],
                 "conv2d weight \(weight.shape) does not take \(x.shape[1]) input channels (input \(x.shape))")
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
    if DirectConvolution.applies(input: x, patch: g.patch, stride: stride) {
        return directConv2d(x, weight: weight, bias: bias, g)
    }
    return loweredConv2d(x, weight: weight, bias: bias, g)
}

/// conv2d through im2col and GEMM, in groups of images whose lowered matrix fits `budget` floats.
func loweredConv2d(_ x: Tensor, weight: Tensor, bias: Tensor?, _ g: ConvGeometry, budget: Int = loweringBudget) -> Tensor {
    let (outChannels, positions, patch) = (weight.shape[0], g.positions, g.patch)
    let (inImage, outImage) = (g.channels * g.height * g.width, outChannels * positions)
    let groups = g.imageGroups(budget: budget)
    let widest = groups[0].count * positions
    let result = Tensor(uninitialized: [g.batch, outChannels, g.outHeight, g.outWidth])
    var keptColumns: Tensor?
    // Where the weights' gradient will want the lowered matrix and it fits in one group, lowering now keeps it for then.
    let keepsColumns = GradientMode.isEnabled && weight.requiresGrad && groups.count == 1
    if ImplicitConvolution.applies(g, outChannels: outChannels), !keepsColumns {
        ImplicitConvolution.forward(x.data, weight.data, bias?.data, g, outChannels: outChannels, into: result.data)
    } else {
        let columns = Tensor(uninitialized: [patch, widest]), product = Tensor(uninitialized: [outChannels, widest])
        for images in groups {
            let part = g.with(batch: images.count)
            im2col(x.data + images.lowerBound * inImage, part, into: columns.data)
            gemm(m: outChannels, n: images.count * positions, k: patch, weight.data, columns.data, product.data)
            channelMajorToBatchMajor(product.data, result.data + images.lowerBound * outImage, batch: images.count,
                                     channels: outChannels, positions: positions, bias: bias?.data)
        }
        if groups.count == 1 { keptColumns = columns }
    }

    let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
    return result.recording(inputs, operation: "conv2d(_:weight:bias:stride:padding:)") { gradient in
        let dw = weight.requiresGrad ? Tensor(uninitialized: weight.shape) : nil
        let dx = x.requiresGrad ? Tensor(uninitialized: x.shape) : nil
        let db = bias?.requiresGrad == true ? Tensor(shape: [outChannels], repeating: 0) : nil
        // The output's gradient laid out channel-major, with the guards the implicit input gradient reads.
        let gradientByChannel = ImplicitConvolution.GuardedBatch(channels: outChannels, positions: widest, width: g.width)
        defer { gradientByChannel.release() }
        let lowered = dw == nil ? nil : keptColumns ?? Tensor(uninitialized: [patch, widest])
        let keptColumns = keptColumns
        let implicitInputGradient = groups.allSatisfy {
            ImplicitConvolution.appliesToInputGradient(g.with(batch: $0.count), outChannels: outChannels)
        }
        let dColumns = dx == nil || implicitInputGradient ? nil : Tensor(uninitialized: [patch, widest])
        for images in groups {
            let (part, width) = (g.with(batch: images.count), images.count * positions)
            batchMajorToChannelMajor(gradient.data + images.lowerBound * outImage, gradientByChannel.start,
                                     batch: images.count, channels: outChannels, positions: positions)
            // The tail guard sits after the widest group's planes: a narrower last group needs its own zeros there.
            if width < widest { (gradientByChannel.start + outChannels * width).update(repeating: 0, count: ImplicitConvolution.guardSize(width: g.width)) }
            if let dw, let lowered {
                if keptColumns == nil { im2col(x.data + images.lowerBound * inImage, part, into: lowered.data) }
                gemm(transposeB: true, m: outChannels, n: patch, k: width, gradientByChannel.start, lowered.data,
                     beta: images.lowerBound == 0 ? 0 : 1, dw.data)
            }
            if let dx {
                if let dColumns {
                    gemm(transposeA: true, m: patch, n: width, k: outChannels, weight.data, gradientByChannel.start, dColumns.data)
                    col2im(dColumns.data, part, into: dx.data + images.lowerBound * inImage)
                } else {
                    ImplicitConvolution.inputGradient(gradientByChannel.start, weight.data, part, outChannels: outChannels,
                                                      into: dx.data + images.lowerBound * inImage)
                }
            }
            if let db {
                for o in 0..<outChannels { db.data[o] += sumElements(gradientByChannel.start + o * width, count: width) }
            }
        }
        return Array([dx, dw, db].prefix(inputs.count))
    }
}

/// conv2d of an input that needs no gradient, without lowering (see `DirectConvolution`).
private func directConv2d(_ x: Tensor, weight: Tensor, bias: Tensor?, _ g: ConvGeometry) -> Tensor {
    let outChannels = weight.shape[0]
    let result = Tensor(uninitialized: [g.batch, outChannels, g.outHeight, g.outWidth])
    DirectConvolution.forward(x.data, weight.data, bias?.data, g, outChannels: outChannels, into: result.data)
    let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
    return result.recording(inputs) { gradient in
        let dw = Tensor(uninitialized: weight.shape), db = bias.map { Tensor(uninitialized: $0.shape) }
        DirectConvolution.parameterGradients(x.data, gradient.data, g, outChannels: outChannels,
                                             weight: dw.data, bias: db?.data)
        return Array([nil, weight.requiresGrad ? dw : nil, bias?.requiresGrad == true ? db : nil].prefix(inputs.count))
    }
}


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
