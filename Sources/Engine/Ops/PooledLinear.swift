import CKernels

/// `linear(adaptiveAvgPool2d(x, outputSize: size).flattened(), weight:, bias:)`, torchvision's VGG head, with the
/// pooling folded into the weight where that saves work (`foldsPooling`). Pooling is a linear map P from a channel's
/// H*W pixels to its oh*ow cells, so the layer is x [N, C*H*W] (W P)^T + b with W P [out, C*H*W]
/// (`foldedThroughPooling`). At 32 px VGG's last map is 1x1, the pool copies each value into 49 cells, and the fold
/// makes the first linear layer's products 49 times fewer (205 of VGG-11's 542 MFLOP per image in a forward pass, 1
/// channel in and 10 classes), for one pass over W forward (the fold) and one over dW backward. Elsewhere the three
/// operations run in turn. FLOPs are counted as the definition's (`FLOPCounter`), whichever gradients are taken.
public func pooledLinear(_ x: Tensor, pooledTo size: (height: Int, width: Int), weight: Tensor, bias: Tensor?) -> Tensor {
    precondition(x.rank == 4, "pooledLinear expects an NCHW batch, got shape \(x.shape)")
    let (images, channels, pixels) = (x.shape[0], x.shape[1], x.shape[2] * x.shape[3]), cells = size.height * size.width
    guard foldsPooling(images: images, pixels: pixels, cells: cells), weight.rank == 2, weight.shape[1] == channels * cells else {
        return linear(adaptiveAvgPool2d(x, outputSize: size).flattened(), weight: weight, bias: bias)
    }
    let pooling = PoolingMatrix(AdaptiveWindows(height: x.shape[2], width: x.shape[3], oh: size.height, ow: size.width))
    let outFeatures = weight.shape[0], savedFLOPs = 2 * images * outFeatures * channels * (cells - pixels)
    // Each gradient's GEMM is the folded one; the products it leaves out of the definition are counted where that
    // gradient passes (so a frozen weight or an input without a gradient counts what the unfolded layer would).
    let folded = weight.foldedThroughPooling(pooling).countingInBackward(savedFLOPs)
    return FLOPCounter.counting(2 * images * outFeatures * channels * cells) {
        linear(x.flattened().countingInBackward(savedFLOPs), weight: folded, bias: bias)
    }
}

/// Whether `pooledLinear` folds the pool into the weight for a batch of `images` maps of `pixels` pooled to `cells`:
/// where the fold's own multiply-adds, pixels * cells for each channel and output in each pass, are fewer than the
/// products it saves, cells - pixels for each of them and each image. From 2 images on a 1x1 map pooled to 7x7 (VGG
/// at 32 px), 5 on 2x2, 136 on 6x6 (VGG at 192 px); never where the map has as many pixels as cells.
func foldsPooling(images: Int, pixels: Int, cells: Int) -> Bool { pixels * cells < images * (cells - pixels) }

/// Adaptive average pooling of one channel as a matrix, stored as P^T [pixels x cells]: row p holds, for each cell,
/// the share pixel p has in it (1 / the pixels the cell averages, or 0).
struct PoolingMatrix {
    let pixels: Int, cells: Int
    let transposed: [Float]

    init(_ windows: AdaptiveWindows) {
        (pixels, cells) = (windows.height * windows.width, windows.oh * windows.ow)
        var transposed = [Float](repeating: 0, count: pixels * cells)
        for i in 0..<windows.oh {
            for j in 0..<windows.ow {
                for y in windows.rows(i) {
                    for x in windows.columns(j) { transposed[(y * windows.width + x) * cells + i * windows.ow + j] = 1 / windows.pixels(i, j) }
                }
            }
        }
        self.transposed = transposed
    }
}

extension Tensor {
    /// W P for this weight W [out, C * cells] read as out * C rows of cells: [out, C * pixels], each row's segment of
    /// cells taken to its pixels (a dot product per pixel). The gradient goes back as dW = dW' P^T. The products here
    /// are not the layer's and are not counted.
    func foldedThroughPooling(_ pooling: PoolingMatrix) -> Tensor {
        let segments = count / pooling.cells, (pixels, cells) = (pooling.pixels, pooling.cells)
        let result = Tensor(uninitialized: [shape[0], segments / shape[0] * pixels])
        pooling.transposed.withUnsafeBufferPointer { p in
            let (source, folded, p) = (data, result.data, p.baseAddress!)
            parallelChunks(segments, costPerItem: cells * pixels) { range in
                for segment in range {
                    for pixel in 0..<pixels {
                        folded[segment * pixels + pixel] = zoo_dot(source + segment * cells, p + pixel * cells, cells)
                    }
                }
            }
        }
        return result.recording([self], operation: "pooledLinear(_:pooledTo:weight:bias:)") { [shape] g in
            let dw = Tensor(uninitialized: shape)
            pooling.transposed.withUnsafeBufferPointer { p in
                let (gradient, unfolded, p) = (g.data, dw.data, p.baseAddress!)
                parallelChunks(segments, costPerItem: cells * pixels) { range in
                    for segment in range {
                        let to = unfolded + segment * cells
                        to.update(repeating: 0, count: cells)
                        for pixel in 0..<pixels {
                            let (share, row) = (gradient[segment * pixels + pixel], p + pixel * cells)
                            for cell in 0..<cells { to[cell] += share * row[cell] }
                        }
                    }
                }
            }
            return [dw]
        }
    }

    /// This tensor, with `flops` added to `FLOPCounter` when its gradient passes back through it.
    func countingInBackward(_ flops: Int) -> Tensor {
        Tensor(shape: shape, storage: storage).recording([self], operation: "pooledLinear(_:pooledTo:weight:bias:)") { g in
            FLOPCounter.count &+= flops
            return [g]
        }
    }
}
