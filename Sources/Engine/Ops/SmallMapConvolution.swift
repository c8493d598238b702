/// A convolution over a map smaller than its kernel (a 3x3 kernel on ResNet's 2x2 and 1x1 maps at 28x28, 5x5 on
/// GoogLeNet's 3x3 maps at 96x96) as one GEMM on the tensors as they lie: every output pixel's window covers most of the
/// input, so the convolution is a dense linear map from [C, H, W] to [O, H', W'] (NCHW rows are already [N, C*H*W]),
/// whose matrix E[(o, p), (c, q)] holds w[o, c, tap] where the kernel's tap lays output pixel p on input pixel q, and 0
/// where no tap does. That skips the products with padding that the lowered and implicit paths make: of the 36
/// tap-pixel products per channel pair of 3x3 on 2x2 only 16 meet the image, of 3x3 on 1x1 only one. E is laid out for
/// each pass and not kept (it is as large as the weights times the output's pixels); its gradient folds back onto the taps.
enum SmallMapConvolution {
    /// Whether `g` is done this way: where E's products (P per output pixel and channel pair) are fewer than the
    /// lowered path's (a tap each, k), and the batch is large enough for the saved products to outweigh laying out E
    /// and folding its gradient (`pays`).
    static func applies(_ g: ConvGeometry) -> Bool {
        g.height * g.width < g.kernelHeight * g.kernelWidth && pays(g)
    }

    /// Whether the batch pays for E: each of E's segments (an output pixel and a channel pair, P entries) costs about
    /// as much to lay out, read back and fold as 96 P images' products with one entry, and saves k - P products per
    /// image. Fitted to one-process timings against the lowered path (Results/bench/small-maps/by-batch): batch 16 and
    /// up for a 3x3 kernel on a 1x1 map, 64 and up for 5x5 on 3x3, 128 and up for 3x3 on 2x2; on a 3x3 map a 3x3
    /// kernel never pays (E has all 81 products the lowered path makes).
    static func pays(_ g: ConvGeometry) -> Bool {
        let (pixels, taps) = (g.height * g.width, g.kernelHeight * g.kernelWidth)
        return g.batch * (taps - pixels) >= 96 * pixels
    }

    /// For output pixel p and input pixel q, the tap (ky * kernelWidth + kx) that lays p on q, or -1: [P' * P].
    static func taps(_ g: ConvGeometry) -> [Int] {
        var taps = [Int](repeating: -1, count: g.positions * g.height * g.width)
        for p in 0..<g.positions {
            let (oy, ox) = (p / g.outWidth, p % g.outWidth)
            for q in 0..<g.height * g.width {
                let (ky, kx) = (q / g.width - oy * g.stride + g.padding, q % g.width - ox * g.stride + g.padding)
                if ky >= 0 && ky < g.kernelHeight && kx >= 0 && kx < g.kernelWidth { taps[p * g.height * g.width + q] = ky * g.kernelWidth + kx }
            }
        }
        return taps
    }

    /// E [O * P', C * P] from w [O, C, kh, kw] by `taps`.
    static func expand(_ w: UnsafePointer<Float>, _ g: ConvGeometry, outChannels: Int, taps: [Int], into e: UnsafeMutablePointer<Float>) {
        let (kernel, channels) = (g.kernelHeight * g.kernelWidth, g.channels)
        forEachRow(g, outChannels: outChannels, taps: taps) { row, weights, pixelTaps, inPixels in
            for c in 0..<channels {
                let (to, from) = (e + row + c * inPixels, w + weights + c * kernel)
                for q in 0..<inPixels {
                    let t = pixelTaps[q]
                    to[q] = t < 0 ? 0 : from[t]
                }
            }
        }
    }

    /// dw [O, C, kh, kw] = the sum of dE's entries over the pixel pairs that each tap lays on each other (overwriting dw).
    static func fold(_ de: UnsafePointer<Float>, _ g: ConvGeometry, outChannels: Int, taps: [Int], into dw: UnsafeMutablePointer<Float>) {
        let (kernel, channels) = (g.kernelHeight * g.kernelWidth, g.channels)
        dw.update(repeating: 0, count: outChannels * channels * kernel)
        forEachRow(g, outChannels: outChannels, taps: taps) { row, weights, pixelTaps, inPixels in
            for c in 0..<channels {
                let (from, to) = (de + row + c * inPixels, dw + weights + c * kernel)
                for q in 0..<inPixels where pixelTaps[q] >= 0 { to[pixelTaps[q]] += from[q] }
            }
        }
    }

    /// Calls `body` for each output channel o and output pixel p (in parallel over o, so that each call touches only o's
    /// weights) with where E's row (o, p) starts, where w[o] starts (input channel c's taps `kernel` floats further on
    /// each), p's taps by input pixel, and the input pixels: one call per row, the channels looped inside, where a call
    /// per channel cost ResNet-34's 2x2 layers as much as their GEMM.
    private static func forEachRow(_ g: ConvGeometry, outChannels: Int, taps: [Int],
                                   _ body: (_ row: Int, _ weights: Int, _ pixelTaps: UnsafePointer<Int>, _ inPixels: Int) -> Void) {
        let (inPixels, outPixels, kernel) = (g.height * g.width, g.positions, g.kernelHeight * g.kernelWidth)
        let rowLength = g.channels * inPixels
        taps.withUnsafeBufferPointer { taps in
            parallelChunks(outChannels, costPerItem: outPixels * rowLength) { outs in
                for o in outs {
                    for p in 0..<outPixels {
                        body((o * outPixels + p) * rowLength, o * g.channels * kernel, taps.baseAddress! + p * inPixels, inPixels)
                    }
                }
            }
        }
    }
}

/// conv2d by `SmallMapConvolution`: y [N, O * P'] = x [N, C * P] E^T + b (each channel's bias over its pixels);
/// backward dx = G E, dE = G^T x folded onto the taps, db the sums of G over images and each channel's pixels.
func smallMapConv2d(_ x: Tensor, weight: Tensor, bias: Tensor?, _ g: ConvGeometry) -> Tensor {
    let (images, outChannels, outPixels) = (g.batch, weight.shape[0], g.positions)
    let (inFeatures, outFeatures) = (g.channels * g.height * g.width, outChannels * outPixels)
    let taps = SmallMapConvolution.taps(g)
    // Each pass counts the definition's FLOPs, not the fewer products of E (`FLOPCounter`).
    let definitionFLOPs = 2 * outChannels * g.patch * images * outPixels
    let result = Tensor(uninitialized: [images, outChannels, g.outHeight, g.outWidth])
    do {
        let e = Tensor(uninitialized: [outFeatures, inFeatures])
        SmallMapConvolution.expand(weight.data, g, outChannels: outChannels, taps: taps, into: e.data)
        if let bias {
            for n in 0..<images {
                for o in 0..<outChannels { (result.data + (n * outChannels + o) * outPixels).update(repeating: bias.data[o], count: outPixels) }
            }
        }
        FLOPCounter.counting(definitionFLOPs) {
            gemm(transposeB: true, m: images, n: outFeatures, k: inFeatures, x.data, e.data, beta: bias == nil ? 0 : 1, result.data)
        }
    }
    let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
    return result.recording(inputs, operation: "conv2d(_:weight:bias:stride:padding:)") { gradient in
        var dx: Tensor?, dw: Tensor?, db: Tensor?
        if x.requiresGrad {
            let e = Tensor(uninitialized: [outFeatures, inFeatures])
            SmallMapConvolution.expand(weight.data, g, outChannels: outChannels, taps: taps, into: e.data)
            dx = Tensor(uninitialized: x.shape)
            FLOPCounter.counting(definitionFLOPs) { gemm(m: images, n: inFeatures, k: outFeatures, gradient.data, e.data, dx!.data) }
        }
        if weight.requiresGrad {
            let de = Tensor(uninitialized: [outFeatures, inFeatures])
            FLOPCounter.counting(definitionFLOPs) {
                gemm(transposeA: true, m: outFeatures, n: inFeatures, k: images, gradient.data, x.data, de.data)
            }
            dw = Tensor(uninitialized: weight.shape)
            SmallMapConvolution.fold(de.data, g, outChannels: outChannels, taps: taps, into: dw!.data)
        }
        if let bias, bias.requiresGrad {
            db = Tensor(shape: [outChannels], repeating: 0)
            addChannelSums(gradient.data, keepingWherePositive: nil, images: images, channels: outChannels, positions: outPixels,
                           into: db!.data)
        }
        return Array([dx, dw, db].prefix(inputs.count))
    }
}
