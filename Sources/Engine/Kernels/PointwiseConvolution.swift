import CKernels

/// 1x1 convolutions at stride 1 without padding (ResNet's bottlenecks, DenseNet's bottlenecks and transitions, GoogLeNet's
/// reductions) computed on the NCHW batch as it lies: the lowered path transposed the input to [C, N*P], multiplied it
/// in OpenBLAS (which copies it once more into its own panels) and transposed the product back to NCHW, three passes
/// over memory besides the GEMM; here 32 columns (image, position) at a time are copied into a panel the cache holds
/// (applying a pre-activation on the way), multiplied by W in registers and written through the output's map straight
/// into NCHW. Measured on one core of an Emerald Rapids (Results/bench/pointwise-conv): 1.1-1.6x the lowered path on
/// ResNet-50's and DenseNet-121's layers. Backward, the input's gradient is the same kernel by W^T where no ReLU's
/// mask applies to the output's gradient (conv2d's backward); the weights' gradient stays lowered.
enum PointwiseConvolution {
    /// y [N, O, P] = relu?(scale[o] * (W x')[o] + bias[o]) by `map` (scale nil for 1, no ReLU unless the map has one),
    /// x' = x or, with a pre-activation, relu?(x * scale[c] + shift[c]) per input channel. Split across threads by
    /// 32 columns, and also by blocks of output channels where the columns are fewer than the threads (one image's).
    static func forward(_ x: UnsafePointer<Float>, _ g: ConvGeometry, weight: UnsafePointer<Float>, outChannels: Int,
                        bias: UnsafePointer<Float>?, then map: ChannelMap = .identity,
                        preactivation: (map: ChannelMap, shift: Tensor)? = nil, into y: UnsafeMutablePointer<Float>,
                        kernels: zoo_kernel_table = KernelLevel.kernels) {
        precondition(g.pointwise, "the pointwise path takes 1x1 kernels at stride 1 without padding")
        let columns = g.batch * g.positions, panelColumns = 32
        FLOPCounter.count &+= 2 * outChannels * g.channels * columns
        let units = (columns + panelColumns - 1) / panelColumns, tall = kernels.tall_rows, rowBlocks = (outChannels + tall - 1) / tall
        let rowGroups = units >= Parallelism.threads ? 1 : max(1, min(rowBlocks, Parallelism.threads / units))
        withExtendedLifetime((map, preactivation)) {
            var step = zoo_pointwise(
                x: x, channels: g.channels, positions: g.positions, out_channels: outChannels, weights: weight,
                in_scale: preactivation.flatMap { $0.map.scale.map { UnsafePointer($0.data) } },
                in_shift: preactivation.map { UnsafePointer($0.shift.data) }, in_relu: preactivation?.map.relu == true ? 1 : 0,
                scale: map.scale.map { UnsafePointer($0.data) }, bias: bias, relu: map.relu ? 1 : 0, y: y)
            // Item i: columns of unit i / rowGroups, output channels of group i % rowGroups (in the kernel's tall blocks).
            parallelChunks(units * rowGroups, costPerItem: panelColumns * g.channels * outChannels / rowGroups) { items in
                let (panel, capacity) = BufferPool.shared.allocate(g.channels * panelColumns)
                defer { BufferPool.shared.release(panel, capacity: capacity) }
                if rowGroups == 1 {
                    kernels.pointwise_convolution(&step, items.lowerBound * panelColumns, min(columns, items.upperBound * panelColumns),
                                                  0, outChannels, panel)
                    return
                }
                for item in items {
                    let (unit, group) = (item / rowGroups, item % rowGroups)
                    kernels.pointwise_convolution(&step, unit * panelColumns, min(columns, (unit + 1) * panelColumns),
                                                  min(outChannels, rowBlocks * group / rowGroups * tall),
                                                  min(outChannels, rowBlocks * (group + 1) / rowGroups * tall), panel)
                }
            }
        }
    }
}
