/// 2-D convolution (cross-correlation, as PyTorch) lowered to batched GEMMs.
///
/// Forward, over groups of images: columns = im2col(x) [C*kh*kw, n*P]; Y' = W [O, C*kh*kw] x columns
/// -> [O, n*P], scattered to NCHW with the bias added. Backward, over the same groups: dW += G' columns^T
/// (columns kept from forward when all images fit one group, recomputed otherwise) and
/// dcolumns = W^T G', folded back by col2im.
public func conv2d(_ x: Tensor, weight: Tensor, bias: Tensor?, stride: Int = 1, padding: Int = 0) -> Tensor {
    conv2d(x, weight: weight, bias: bias, stride: stride, padding: padding, then: .identity)
}

/// conv2d whose output values go through `map` as they are written: with a scale (evaluation only: nothing records),
/// y = scale[o] * conv(x) + bias[o], then ReLU when the map says so; a ReLU alone also where the pass records, its
/// gradient's mask then applied as the backward pass lays the output's gradient out; and with a `preactivation` (a map
/// and its shift; evaluation only), of
/// the input mapped first, x' = relu(x * scale[c] + shift[c]) per input channel, applied as the pointwise kernels read x
/// (a 1x1 kernel at stride 1 without padding, on a map larger than 1x1: DenseNet's bottlenecks and transitions), in a
/// pass of its own otherwise.
func conv2d(_ x: Tensor, weight: Tensor, bias: Tensor?, stride: Int, padding: Int, then map: ChannelMap,
            preactivation: (map: ChannelMap, shift: Tensor)? = nil) -> Tensor {
    precondition(x.rank == 4, "conv2d expects an NCHW batch, got shape \(x.shape)")
    precondition(weight.rank == 4 && weight.shape[1] == x.shape[1],
                 "conv2d weight \(weight.shape) does not take \(x.shape[1]) input channels (input \(x.shape))")
    let g = ConvGeometry(batch: x.shape[0], channels: x.shape[1], height: x.shape[2], width: x.shape[3],
                         kernelHeight: weight.shape[2], kernelWidth: weight.shape[3], stride: stride, padding: padding)
    precondition(g.outHeight > 0 && g.outWidth > 0,
                 "conv2d kernel \(weight.shape[2])x\(weight.shape[3]) is larger than the padded input \(x.shape)")
    let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
    let records = GradientMode.records(inputs)
    precondition(map.scale == nil && preactivation == nil || !records,
                 "conv2d scales its output or maps its input only where nothing records")
    if let preactivation, !(g.pointwise && g.positions > 1) {
        // On a 1x1 map a 1x1 kernel is a linear layer on the tensor as it lies: no transpose to carry the map.
        let mapped = preactivation.map.mapped(x, bias: preactivation.shift, into: Tensor(uninitialized: x.shape))
        return conv2d(mapped, weight: weight, bias: bias, stride: stride, padding: padding, then: map)
    }
    var reluAfter = false  // where a path that writes without a map runs in a pass that records
    let y = Profiler.measureLayer({ path in "conv \(g.channels)->\(weight.shape[0]) \(g.kernelHeight)x\(g.kernelWidth)"
                                     + " stride \(stride) pad \(padding) on \(g.height)x\(g.width) (\(path))" }) { path in
        if let preactivation {
            path = "pointwise, pre-activated"
            return loweredConv2d(x, weight: weight, bias: bias, g, budget: evaluationLoweringBudget, then: map,
                                 preactivation: preactivation)
        }
        let inputGradient = GradientMode.records([x])
        if let (unmapped, name) = unmappedConvolution(x, weight: weight, g, inputGradient: inputGradient) {
            // These paths write their output without a map: it goes over it once more, bias included (where the pass
            // records, a ReLU of its own, below).
            path = name
            reluAfter = records && map.relu
            return map.isIdentity || records ? unmapped(bias) : map.applied(to: unmapped(nil), bias: bias)
        }
        if WinogradConvolution.applies(g, outChannels: weight.shape[0]) {
            let tiling = WinogradConvolution.tiling(for: g)
            path = tiling.side == 4 ? "winograd 4x4" : "winograd 2x2"
            return winogradConv2d(x, weight: weight, bias: bias, g, tiling: tiling, then: map)
        }
        if ImplicitConvolution.applies(g, outChannels: weight.shape[0], inputGradient: inputGradient) {
            path = "implicit"
            return implicitConv2d(x, weight: weight, bias: bias, g, budget: records ? implicitBudget : evaluationImplicitBudget, then: map)
        }
        path = g.pointwise ? "pointwise" : "lowered"
        let budget = records ? loweringBudget : evaluationLoweringBudget
        return loweredConv2d(x, weight: weight, bias: bias, g, budget: budget, then: map)
    }
    return reluAfter ? relu(y) : y
}

/// conv2d by a path for a special geometry, as a function of the bias, and the path's name; nil where the implicit or
/// lowered path is the one to take.
private func unmappedConvolution(_ x: Tensor, weight: Tensor, _ g: ConvGeometry,
                                 inputGradient: Bool) -> ((Tensor?) -> Tensor, StaticString)? {
    if g.outHeight == 1, g.outWidth == 1, g.padding == 0, g.kernelHeight == g.height, g.kernelWidth == g.width {
        // The window covers the whole input once (a 1x1 kernel on a 1x1 map, a 2x2 kernel on a 2x2 map):
        // a fully connected layer, one GEMM on the tensors as they lie, without lowering or transposes.
        let (images, outChannels) = (g.batch, weight.shape[0])
        return ({ bias in
            linear(x.reshaped([images, g.patch]), weight: weight.reshaped([outChannels, g.patch]), bias: bias)
                .reshaped([images, outChannels, 1, 1])
        }, "whole window")
    }
    if SmallMapConvolution.applies(g) {
        // A map smaller than the kernel (ResNet's 2x2 and 1x1 maps at 28x28) in a batch that pays for it: one GEMM
        // without the padding's products.
        return ({ bias in smallMapConv2d(x, weight: weight, bias: bias, g) }, "small map")
    }
    if DirectConvolution.applies(g, outChannels: weight.shape[0], inputGradient: inputGradient) {
        return ({ bias in directConv2d(x, weight: weight, bias: bias, g) }, "direct")
    }
    return nil
}

/// conv2d through im2col and GEMM, in groups of images whose lowered matrix fits `budget` floats; a 1x1 kernel at stride
/// 1 forward by `PointwiseConvolution`, without lowering, and backward as the others.
func loweredConv2d(_ x: Tensor, weight: Tensor, bias: Tensor?, _ g: ConvGeometry, budget: Int = loweringBudget,
                   then map: ChannelMap = .identity, preactivation: (map: ChannelMap, shift: Tensor)? = nil) -> Tensor {
    let (outChannels, positions, patch) = (weight.shape[0], g.positions, g.patch)
    let (inImage, outImage) = (g.channels * g.height * g.width, outChannels * positions)
    let groups = g.imageGroups(budget: budget)
    let widest = groups[0].count * positions
    let result = Tensor(uninitialized: [g.batch, outChannels, g.outHeight, g.outWidth])
    var keptColumns: Tensor?
    // Where the weights' gradient will want the lowered matrix and it fits in one group, lowering now keeps it for then,
    // unless lowering is only a transpose (1x1, stride 1, no padding: DenseNet's bottlenecks), which costs less to redo
    // than a copy of the input to hold (the backward pass holds the input itself anyway).
    let keepsColumns = GradientMode.records([weight]) && groups.count == 1 && !g.pointwise
    if g.pointwise {
        // A 1x1 kernel's lowering is a transpose: the pointwise kernels read the batch as it lies instead.
        PointwiseConvolution.forward(x.data, g, weight: weight.data, outChannels: outChannels, bias: bias?.data, then: map,
                                     preactivation: preactivation, into: result.data)
    } else {
        precondition(preactivation == nil, "a pre-activation goes with a 1x1 kernel's lowering only")
        let columns = Tensor(uninitialized: [patch, widest]), product = Tensor(uninitialized: [outChannels, widest])
        for images in groups {
            im2col(x.data + images.lowerBound * inImage, g.with(batch: images.count), into: columns.data)
            gemm(m: outChannels, n: images.count * positions, k: patch, weight.data, columns.data, product.data)
            channelMajorToBatchMajor(product.data, result.data + images.lowerBound * outImage, batch: images.count,
                                     channels: outChannels, positions: positions, bias: bias?.data, then: map)
        }
        if keepsColumns { keptColumns = columns }
    }

    let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
    return result.recordingConvolution(inputs, holdingOutput: map.relu) { gradient, mask in
        let dw = weight.requiresGrad ? Tensor(uninitialized: weight.shape) : nil
        let dx = x.requiresGrad ? Tensor(uninitialized: x.shape) : nil
        let db = bias?.requiresGrad == true ? Tensor(shape: [outChannels], repeating: 0) : nil
        // The output's gradient laid out channel-major, as the lowered GEMMs take it.
        let gradientByChannel = Tensor(uninitialized: [outChannels, widest])
        let lowered = dw == nil ? nil : keptColumns ?? Tensor(uninitialized: [patch, widest])
        let keptColumns = keptColumns
        // A 1x1 kernel's input gradient without a ReLU's mask is a pointwise convolution of the output's gradient by
        // W^T: the pointwise kernels write it into NCHW, with no lowered product to fold back (col2im).
        let direct = g.pointwise && mask == nil
        if let dx, direct {
            let turned = Tensor(uninitialized: [g.channels, outChannels])
            transpose(weight.data, rows: outChannels, columns: g.channels, into: turned.data)
            PointwiseConvolution.forward(gradient.data, g.with(channels: outChannels), weight: turned.data, outChannels: g.channels,
                                         bias: nil, into: dx.data)
        }
        let dColumns = dx == nil || direct ? nil : Tensor(uninitialized: [patch, widest])
        // The output's gradient laid out channel-major serves the weights', the bias's and the lowered input gradient.
        for images in groups where dw != nil || db != nil || dColumns != nil {
            let (part, width) = (g.with(batch: images.count), images.count * positions)
            batchMajorToChannelMajor(gradient.data + images.lowerBound * outImage, gradientByChannel.data,
                                     batch: images.count, channels: outChannels, positions: positions,
                                     keepingWherePositive: mask.map { $0 + images.lowerBound * outImage })
            if let dw, let lowered {
                if keptColumns == nil { im2col(x.data + images.lowerBound * inImage, part, into: lowered.data) }
                gemm(transposeB: true, m: outChannels, n: patch, k: width, gradientByChannel.data, lowered.data,
                     beta: images.lowerBound == 0 ? 0 : 1, dw.data)
            }
            if let dx, let dColumns {
                gemm(transposeA: true, m: patch, n: width, k: outChannels, weight.data, gradientByChannel.data, dColumns.data)
                col2im(dColumns.data, part, into: dx.data + images.lowerBound * inImage)
            }
            if let db { addChannelSums(gradientByChannel.data, channels: outChannels, count: width, into: db.data) }
        }
        return Array([dx, dw, db].prefix(inputs.count))
    }
}

/// conv2d by `ImplicitConvolution`, without a lowered matrix, over groups of images whose channel-major layouts fit
/// `budget` floats each (`ImplicitConvolution.imageGroups`), as the lowered path works in groups.
func implicitConv2d(_ x: Tensor, weight: Tensor, bias: Tensor?, _ g: ConvGeometry, budget: Int = implicitBudget,
                    then map: ChannelMap) -> Tensor {
    let outChannels = weight.shape[0], groups = ImplicitConvolution.imageGroups(g, outChannels: outChannels, budget: budget)
    let (inImage, outImage) = (g.channels * g.height * g.width, outChannels * g.positions)
    let result = Tensor(uninitialized: [g.batch, outChannels, g.outHeight, g.outWidth])
    let packed = ImplicitConvolution.PackedWeights(weight.data, outChannels: outChannels, channels: g.channels, taps: g.kernelHeight * g.kernelWidth,
                                                   turned: false)
    for images in groups {
        let part = g.with(batch: images.count)
        ImplicitConvolution.forward(.init(channelMajorOf: x.data + images.lowerBound * inImage, part), weight.data, bias?.data, part,
                                    outChannels: outChannels, into: result.data + images.lowerBound * outImage, then: map,
                                    packed: packed)
    }
    let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
    return result.recordingConvolution(inputs, holdingOutput: map.relu) { gradient, mask in
        let dx = x.requiresGrad ? Tensor(uninitialized: x.shape) : nil
        // One group writes the weights' gradient; more add theirs up through a part of their own.
        let dw = weight.requiresGrad ? groups.count == 1 ? Tensor(uninitialized: weight.shape) : Tensor.zeros(weight.shape) : nil
        let dwPart = dw != nil && groups.count > 1 ? Tensor(uninitialized: weight.shape) : nil
        let db = bias?.requiresGrad == true ? Tensor(shape: [outChannels], repeating: 0) : nil
        let turned = dx == nil ? nil
            : ImplicitConvolution.PackedWeights(weight.data, outChannels: g.channels, channels: outChannels,
                                                   taps: g.kernelHeight * g.kernelWidth, turned: true)
        for images in groups {
            let part = g.with(batch: images.count), (inOffset, outOffset) = (images.lowerBound * inImage, images.lowerBound * outImage)
            let byChannel = ImplicitConvolution.GuardedBatch(channelMajorOfOutput: gradient.data + outOffset, part, channels: outChannels,
                                                             keepingWherePositive: mask.map { $0 + outOffset })
            if let dx {
                ImplicitConvolution.inputGradient(byChannel.start, weight.data, part, outChannels: outChannels, into: dx.data + inOffset,
                                                  packed: turned)
            }
            if let dw {
                // Laid out again rather than kept from the forward pass: a transpose costs less than holding a copy of
                // every layer's input until the backward pass reaches it.
                ImplicitConvolution.filterGradient(.init(channelMajorOf: x.data + inOffset, part), byChannel.start, part,
                                                   outChannels: outChannels, into: (dwPart ?? dw).data)
                if let dwPart { addElements(dwPart.data, into: dw.data, count: dw.count) }
            }
            if let db { addChannelSums(byChannel.start, channels: outChannels, count: part.batch * part.positions, into: db.data) }
        }
        return Array([dx, dw, db].prefix(inputs.count))
    }
}

/// Floats of the Winograd path's transformed input and of its products per group of images (16 MB each).
let winogradBudget = 2 * loweringBudget

/// conv2d by Winograd's minimal filtering with `tiling` (`WinogradConvolution`; conv2d takes its `tiling(for:)`), over
/// groups of images whose transforms fit `budget` floats.
func winogradConv2d(_ x: Tensor, weight: Tensor, bias: Tensor?, _ g: ConvGeometry, budget: Int = winogradBudget,
                    tiling: WinogradConvolution.Tiling, then map: ChannelMap) -> Tensor {
    let outChannels = weight.shape[0]
    let groups = WinogradConvolution.imageGroups(g, outChannels: outChannels, tiling: tiling, budget: budget)
    let (inImage, outImage) = (g.channels * g.height * g.width, outChannels * g.positions)
    let result = Tensor(uninitialized: [g.batch, outChannels, g.outHeight, g.outWidth])
    let transformed = WinogradConvolution.transformedWeights(weight.data, outChannels: outChannels, channels: g.channels, turned: false,
                                                             tiling: tiling)
    for images in groups {
        WinogradConvolution.forward(x.data + images.lowerBound * inImage, g.with(batch: images.count), transformed,
                                    outChannels: outChannels, bias: map.isIdentity ? bias?.data : nil,
                                    into: result.data + images.lowerBound * outImage, tiling: tiling)
    }
    if !map.isIdentity { _ = map.applied(to: result, bias: bias) }
    let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
    return result.recordingConvolution(inputs, holdingOutput: map.relu) { gradient, mask in
        let dx = x.requiresGrad ? Tensor(uninitialized: x.shape) : nil, dw = weight.requiresGrad ? Tensor(uninitialized: weight.shape) : nil
        let turned = dx == nil ? nil
            : WinogradConvolution.transformedWeights(weight.data, outChannels: g.channels, channels: outChannels, turned: true, tiling: tiling)
        let filterGradient = dw == nil ? nil : WinogradConvolution.FilterGradient(outChannels: outChannels, channels: g.channels, tiling: tiling)
        for images in groups {
            let part = g.with(batch: images.count), (inOffset, outOffset) = (images.lowerBound * inImage, images.lowerBound * outImage)
            let kept = mask.map { $0 + outOffset }
            if let dx, let turned {
                WinogradConvolution.forward(gradient.data + outOffset, keepingWherePositive: kept, part.with(channels: outChannels),
                                            turned, outChannels: g.channels, bias: nil, into: dx.data + inOffset, tiling: tiling)
            }
            filterGradient?.add(x.data + inOffset, gradient: gradient.data + outOffset, keepingWherePositive: kept, part)
        }
        if let dw { filterGradient?.write(into: dw.data) }
        let db = bias?.requiresGrad == true ? Tensor(shape: [outChannels], repeating: 0) : nil
        if let db { addChannelSums(gradient.data, keepingWherePositive: mask, images: g.batch, channels: outChannels, positions: g.positions, into: db.data) }
        return Array([dx, dw, db].prefix(inputs.count))
    }
}

/// totals[c] += the sum over images of channel c's plane of the NCHW `batch`, its values kept only where `mask` (NCHW) is
/// positive when it is given.
func addChannelSums(_ batch: UnsafePointer<Float>, keepingWherePositive mask: UnsafePointer<Float>?, images: Int, channels: Int,
                            positions: Int, into totals: UnsafeMutablePointer<Float>) {
    parallelChunks(channels, costPerItem: images * positions) { range in
        for c in range {
            for n in 0..<images {
                let offset = (n * channels + c) * positions
                if let mask {
                    var sum: Float = 0
                    for p in 0..<positions { sum += mask[offset + p] > 0 ? batch[offset + p] : 0 }
                    totals[c] += sum
                } else {
                    totals[c] += sumElements(batch + offset, count: positions)
                }
            }
        }
    }
}

extension Tensor {
    /// This convolution's output recorded with `backward`, which gets the output's gradient and, where the convolution
    /// applied a ReLU (`holdingOutput`), the output itself as its gradient's mask (held until then; nil otherwise, and
    /// the output is not held).
    fileprivate func recordingConvolution(_ inputs: [Tensor], holdingOutput: Bool,
                                          backward: @escaping (_ gradient: Tensor, _ mask: UnsafePointer<Float>?) -> [Tensor?]) -> Tensor {
        let operation: StaticString = "conv2d(_:weight:bias:stride:padding:)"
        guard holdingOutput else { return recording(inputs, operation: operation) { gradient in backward(gradient, nil) } }
        return recordingWithOutput(inputs, operation: operation) { gradient, output in backward(gradient, output.data) }
    }
}

/// totals[c] += the sum of the `count` floats of channel c's plane in the channel-major `planes`.
private func addChannelSums(_ planes: UnsafePointer<Float>, channels: Int, count: Int, into totals: UnsafeMutablePointer<Float>) {
    for c in 0..<channels { totals[c] += sumElements(planes + c * count, count: count) }
}

/// conv2d without lowering (see `DirectConvolution`).
private func directConv2d(_ x: Tensor, weight: Tensor, bias: Tensor?, _ g: ConvGeometry) -> Tensor {
    let outChannels = weight.shape[0]
    let result = Tensor(uninitialized: [g.batch, outChannels, g.outHeight, g.outWidth])
    DirectConvolution.forward(x.data, weight.data, bias?.data, g, outChannels: outChannels, into: result.data)
    let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
    return result.recording(inputs) { gradient in
        let dw = Tensor(uninitialized: weight.shape), db = bias.map { Tensor(uninitialized: $0.shape) }
        DirectConvolution.parameterGradients(x.data, gradient.data, g, outChannels: outChannels,
                                             weight: dw.data, bias: db?.data)
        var dx: Tensor?
        if x.requiresGrad {
            dx = Tensor(uninitialized: x.shape)
            DirectConvolution.inputGradient(gradient.data, weight.data, g, outChannels: outChannels, into: dx!.data)
        }
        return Array([dx, weight.requiresGrad ? dw : nil, bias?.requiresGrad == true ? db : nil].prefix(inputs.count))
    }
}

/// [C, N, P] -> [N, C, P], adding `bias[c]` on the way when given, after `map`'s scale and before its ReLU.
func channelMajorToBatchMajor(_ source: UnsafePointer<Float>, _ target: UnsafeMutablePointer<Float>,
                              batch: Int, channels: Int, positions: Int, bias: UnsafePointer<Float>?,
                              then map: ChannelMap = .identity) {
    parallelChunks(batch, costPerItem: channels * positions) { images in
        for n in images {
            for c in 0..<channels {
                let from = source + (c * batch + n) * positions, to = target + (n * channels + c) * positions
                if !map.isIdentity {
                    map.write(from, to, count: positions, channel: c, bias: bias)
                } else if let bias {
                    let b = bias[c]
                    for p in 0..<positions { to[p] = from[p] + b }
                } else {
                    to.update(from: from, count: positions)
                }
            }
        }
    }
}

/// [N, C, P] -> [C, N, P], each value kept only where the value at its place in `mask` ([N, C, P]) is positive (a ReLU's
/// gradient) when that is given.
func batchMajorToChannelMajor(_ source: UnsafePointer<Float>, _ target: UnsafeMutablePointer<Float>, batch: Int,
                              channels: Int, positions: Int, keepingWherePositive mask: UnsafePointer<Float>? = nil) {
    parallelChunks(batch, costPerItem: channels * positions) { images in
        for n in images {
            for c in 0..<channels {
                let offset = (n * channels + c) * positions
                let (from, to) = (source + offset, target + (c * batch + n) * positions)
                if let mask {
                    zipElements(ReLUGradient.self, from, mask + offset, to, range: 0..<positions)
                } else {
                    to.update(from: from, count: positions)
                }
            }
        }
    }
}
