import CKernels

/// Direct (un-lowered) stride-1 convolution for a network's first layer: an input that needs no
/// gradient and a small patch (LeNet's 1x5x5). im2col would blow such an input up 25-fold in memory
/// and hand OpenBLAS a GEMM only 6 rows tall; here each output row is vector multiply-adds over a
/// zero-padded copy of the image that stays in L1 (`zoo_direct_convolution`, for this CPU's vectors).
enum DirectConvolution {
    /// Whether `conv2d` should take this path.
    static func applies(input: Tensor, patch: Int, stride: Int) -> Bool {
        !input.requiresGrad && stride == 1 && patch <= 75
    }

    /// A zero-padded copy of one image, rows wide enough that every vector load (up to 16 lanes) stays inside.
    struct PaddedImage {
        let channels, height, width: Int
        let pointer: UnsafeMutablePointer<Float>

        init(_ g: ConvGeometry) {
            channels = g.channels
            height = g.height + 2 * g.padding
            width = (g.outWidth + 15) / 16 * 16 + g.kernelWidth - 1
            pointer = .allocate(capacity: channels * height * width)
        }

        func load(image: UnsafePointer<Float>, _ g: ConvGeometry) {
            pointer.update(repeating: 0, count: channels * height * width)
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
                        _ g: ConvGeometry, outChannels: Int, into y: UnsafeMutablePointer<Float>) {
        FLOPCounter.count &+= 2 * g.batch * outChannels * g.positions * g.patch
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
    /// db[o] = sum of dY[n, o, ...]; each thread sums its images, then the partial sums are added in a
    /// fixed order.
    static func parameterGradients(_ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, _ g: ConvGeometry,
                                   outChannels: Int, weight dw: UnsafeMutablePointer<Float>,
                                   bias db: UnsafeMutablePointer<Float>?) {
        let rowWidth = (g.outWidth + 15) / 16 * 16
        // Per chunk: the weight gradient, then the bias gradient.
        let weights = outChannels * g.patch + outChannels
        let chunks = chunkCount(g.batch, costPerItem: weights * g.positions)
        FLOPCounter.count &+= 2 * g.batch * outChannels * g.positions * g.patch
        let partials = UnsafeMutablePointer<Float>.allocate(capacity: chunks * weights)
        defer { partials.deallocate() }
        partials.initialize(repeating: 0, count: chunks * weights)
        parallelChunks(g.batch, costPerItem: weights * g.positions) { chunk, images in
            let image = PaddedImage(g)
            // One output-gradient plane, rows padded with zeros to whole vectors.
            let gradient = UnsafeMutablePointer<Float>.allocate(capacity: g.outHeight * rowWidth)
            defer { image.pointer.deallocate(); gradient.deallocate() }
            gradient.initialize(repeating: 0, count: g.outHeight * rowWidth)
            let sums = partials + chunk * weights
            for n in images {
                image.load(image: x + n * g.channels * g.height * g.width, g)
                for o in 0..<outChannels {
                    let plane = dy + (n * outChannels + o) * g.positions
                    for oy in 0..<g.outHeight {
                        (gradient + oy * rowWidth).update(from: plane + oy * g.outWidth, count: g.outWidth)
                    }
                    sums[outChannels * g.patch + o] += sumElements(plane, count: g.positions)
                    zoo_direct_convolution_filter_gradient(image.pointer, g.channels, image.height, image.width, gradient, rowWidth,
                                                           g.kernelHeight, g.kernelWidth, g.outHeight, sums + o * g.patch)
                }
            }
        }
        for i in 0..<weights {
            var total: Float = 0
            for chunk in 0..<chunks { total += partials[chunk * weights + i] }
            if i < outChannels * g.patch { dw[i] = total } else { db?[i - outChannels * g.patch] = total }
        }
    }
}
