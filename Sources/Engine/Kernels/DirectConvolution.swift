import CKernels

/// Direct (un-lowered) stride-1 convolution for small layers: a network's first layer (an input that needs no
/// gradient and a small patch, LeNet's 1x5x5), and in inference or training layers with few filters (LeNet's
/// second, 6 -> 16 channels). im2col would blow such an input up 25-fold in memory and hand OpenBLAS a GEMM
/// only 6-16 rows tall; here each output row is vector multiply-adds over a zero-padded copy of the image that
/// stays in L1 (`zoo_direct_convolution`, for this CPU's vectors), 8 filters x 2 vectors at a time. The input's
/// gradient is the same kernel on the output's gradient, padded by the kernel's size less one less the padding,
/// with the filters turned around and transposed.
enum DirectConvolution {
    /// Whether `conv2d` should take this path for `g` with `outChannels` filters, and with the input's gradient if
    /// `inputGradient` (square kernels, at most 16 filters, padding less than the kernel, so that the input's gradient
    /// pads the output's gradient by a size of zero or more; measured on LeNet's second layer, 2.3x the lowered path
    /// in inference). Never a 1x1 kernel: that is a GEMM over channels, where this path ran at 30-60 GFLOP/s against
    /// the lowered path's 130-190 (ResNet-50's and DenseNet's 1x1 layers with at most 150 input channels).
    static func applies(_ g: ConvGeometry, outChannels: Int, inputGradient: Bool) -> Bool {
        g.stride == 1 && g.patch <= 150 && g.kernelHeight * g.kernelWidth > 1
            && (!inputGradient || (outChannels <= 16 && g.kernelHeight == g.kernelWidth && g.padding < g.kernelHeight))
    }

    /// dx = the input's gradient of conv(x, w) from the output's gradient `dy`: the full convolution of dy with w
    /// turned around, in and out channels exchanged.
    static func inputGradient(_ dy: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ g: ConvGeometry, outChannels: Int,
                              into dx: UnsafeMutablePointer<Float>) {
        let (kh, kw) = (g.kernelHeight, g.kernelWidth)
        let turned = UnsafeMutablePointer<Float>.allocate(capacity: outChannels * g.patch)
        defer { turned.deallocate() }
        for o in 0..<outChannels {
            for c in 0..<g.channels {
                for i in 0..<kh {
                    for j in 0..<kw {
                        turned[((c * outChannels + o) * kh + i) * kw + j] = w[((o * g.channels + c) * kh + kh - 1 - i) * kw + kw - 1 - j]
                    }
                }
            }
        }
        let onGradient = ConvGeometry(batch: g.batch, channels: outChannels, height: g.outHeight, width: g.outWidth,
                                      kernelHeight: kh, kernelWidth: kw, stride: 1, padding: kh - 1 - g.padding)
        // Counted as the lowered path's GEMM: the products with the padding's zeros are not work the layer needs.
        FLOPCounter.count &+= 2 * g.batch * outChannels * g.positions * g.patch
        forward(dy, turned, nil, onGradient, outChannels: g.channels, into: dx, countingFLOPs: false)
    }

    /// A zero-padded copy of one image, rows wide enough that every load of two vectors (up to 16 lanes) stays
    /// inside, and 4 floats of slack past the end for the filter gradient's shifted loads.
    struct PaddedImage {
        let channels, height, width: Int
        let pointer: UnsafeMutablePointer<Float>

        init(_ g: ConvGeometry) {
            channels = g.channels
            height = g.height + 2 * g.padding
            width = (g.outWidth + 31) / 32 * 32 + g.kernelWidth - 1
            pointer = .allocate(capacity: channels * height * width + 4)
        }

        func load(image: UnsafePointer<Float>, _ g: ConvGeometry) {
            pointer.update(repeating: 0, count: channels * height * width + 4)
            for c in 0..<channels {
                for y in 0..<g.height {
                    (pointer + (c * height + y + g.padding) * width + g.padding)
                        .update(from: image + (c * g.height + y) * g.width, count: g.width)
                }
            }
        }
    }

    /// y = conv(x, w) + b over the batch.
    static func forward(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ bias: UnsafePointer<Float>?,
                        _ g: ConvGeometry, outChannels: Int, into y: UnsafeMutablePointer<Float>, countingFLOPs: Bool = true) {
        if countingFLOPs { FLOPCounter.count &+= 2 * g.batch * outChannels * g.positions * g.patch }
        parallelChunks(g.batch, costPerItem: outChannels * g.positions * g.patch) { images in
            let image = PaddedImage(g)
            defer { image.pointer.deallocate() }
            for n in images {
                image.load(image: x + n * g.channels * g.height * g.width, g)
                zoo_direct_convolution(image.pointer, g.channels, image.height, image.width, w, bias, outChannels,
                                       g.kernelHeight, g.kernelWidth, g.outHeight, g.outWidth, y + n * outChannels * g.positions)
            }
        }
    }

    /// dW[o, c, ki, kj] = sum over images and positions of dY[n, o, y, x] * x[n, c, y + ki, x + kj], and
    /// db[o] = sum of dY[n, o, ...]; each thread sums its images in vectors, then the vectors' lanes and the
    /// threads' sums are added in a fixed order. Maps narrower than a vector with 8 or more filters (LeNet's second
    /// layer: 10 columns, 16 filters) are summed in vectors over the filters from a pixel-major copy of the gradient,
    /// the others in vectors along each row.
    static func parameterGradients(_ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, _ g: ConvGeometry,
                                   outChannels: Int, weight dw: UnsafeMutablePointer<Float>,
                                   bias db: UnsafeMutablePointer<Float>?) {
        let byChannel = g.outWidth < 16 && outChannels >= 8 && g.kernelHeight * g.kernelWidth <= 25
        let rowWidth = (g.outWidth + 15) / 16 * 16, outStride = (outChannels + 15) / 16 * 16, lanes = 16
        // Per chunk: the weight gradient's vector sums ([patch][outStride] by channel, else [outChannels * patch][16]),
        // then the bias gradient.
        let weights = outChannels * g.patch, slots = byChannel ? g.patch * outStride : weights * lanes
        let perChunk = slots + outChannels
        let chunks = chunkCount(g.batch, costPerItem: weights * g.positions)
        FLOPCounter.count &+= 2 * g.batch * outChannels * g.positions * g.patch
        let partials = UnsafeMutablePointer<Float>.allocate(capacity: chunks * perChunk)
        defer { partials.deallocate() }
        partials.initialize(repeating: 0, count: chunks * perChunk)
        parallelChunks(g.batch, costPerItem: weights * g.positions) { chunk, images in
            let image = PaddedImage(g)
            // One image's output gradient: pixel-major with zeros past the filters, or one plane in rows padded with
            // zeros to whole vectors.
            let gradientCount = byChannel ? g.positions * outStride : g.outHeight * rowWidth
            let gradient = UnsafeMutablePointer<Float>.allocate(capacity: gradientCount)
            defer { image.pointer.deallocate(); gradient.deallocate() }
            gradient.initialize(repeating: 0, count: gradientCount)
            let sums = partials + chunk * perChunk
            for n in images {
                image.load(image: x + n * g.channels * g.height * g.width, g)
                for o in 0..<outChannels {
                    let plane = dy + (n * outChannels + o) * g.positions
                    sums[slots + o] += sumElements(plane, count: g.positions)
                    if byChannel {
                        for p in 0..<g.positions { gradient[p * outStride + o] = plane[p] }
                        continue
                    }
                    for oy in 0..<g.outHeight {
                        (gradient + oy * rowWidth).update(from: plane + oy * g.outWidth, count: g.outWidth)
                    }
                    zoo_direct_convolution_filter_gradient(image.pointer, g.channels, image.height, image.width, gradient, rowWidth,
                                                           g.kernelHeight, g.kernelWidth, g.outHeight, sums + o * g.patch * lanes)
                }
                if byChannel {
                    zoo_direct_convolution_filter_gradient_by_channel(image.pointer, g.channels, image.height, image.width, gradient,
                                                                      outStride, g.outHeight, g.outWidth, g.kernelHeight,
                                                                      g.kernelWidth, sums)
                }
            }
        }
        for o in 0..<outChannels {
            for k in 0..<g.patch {
                var total: Float = 0
                for chunk in 0..<chunks {
                    let base = partials + chunk * perChunk
                    if byChannel {
                        total += base[k * outStride + o]
                    } else {
                        for lane in 0..<lanes { total += base[(o * g.patch + k) * lanes + lane] }
                    }
                }
                dw[o * g.patch + k] = total
            }
            var bias: Float = 0
            for chunk in 0..<chunks { bias += partials[chunk * perChunk + slots + o] }
            db?[o] = bias
        }
    }
}
