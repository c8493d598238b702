import CKernels
import Testing
@testable import Engine

/// Output sizes follow PyTorch's floor((in + 2 padding - kernel) / stride) + 1, and a window larger
/// than the padded input gives no output (truncating -1 / 2 to 0 would have given one).
@Test func outputSizesFollowPyTorch() {
    func rows(_ height: Int, kernel: Int, stride: Int, padding: Int) -> Int {
        ConvGeometry(batch: 1, channels: 1, height: height, width: height, kernelHeight: kernel, kernelWidth: kernel,
                     stride: stride, padding: padding).outHeight
    }
    #expect(rows(1, kernel: 2, stride: 2, padding: 0) == 0)
    #expect(rows(3, kernel: 2, stride: 2, padding: 0) == 1)
    #expect(rows(7, kernel: 3, stride: 2, padding: 1) == 4)
    #expect(rows(1, kernel: 7, stride: 2, padding: 3) == 1)
    #expect(rows(28, kernel: 11, stride: 4, padding: 1) == 5)
}

/// Max pooling on rows wide enough for the eight-lane 2x2 path, and with padding: each output is its
/// window's maximum, and the gradient goes to the first maximal input in (row, column) order.
@Test(arguments: [(2, 2, 0), (3, 2, 1), (3, 1, 1), (3, 2, 0)])
func maxPoolingMatchesItsDefinition(kernel: Int, stride: Int, padding: Int) {
    for ties in [false, true] {
        let x = distinct([2, 3, 7, 37])
        if ties { for i in 0..<x.count { x.data[i] = Float(i / 74) } }  // pairs of equal rows: every window ties
        x.grad = nil
        let y = maxPool2d(x, kernel: kernel, stride: stride, padding: padding)
        y.sum().backward()
        let (oh, ow) = (y.shape[2], y.shape[3])
        var expectedGradient = [Float](repeating: 0, count: x.count)
        for plane in 0..<6 {
            for oy in 0..<oh {
                for ox in 0..<ow {
                    var best = -Float.infinity, winner = -1
                    for iy in max(0, oy * stride - padding)..<min(7, oy * stride - padding + kernel) {
                        for ix in max(0, ox * stride - padding)..<min(37, ox * stride - padding + kernel) {
                            let index = (plane * 7 + iy) * 37 + ix
                            if winner < 0 || x.data[index] > best { (best, winner) = (x.data[index], index) }
                        }
                    }
                    #expect(y.data[(plane * oh + oy) * ow + ox] == best)
                    expectedGradient[winner] += 1
                }
            }
        }
        #expect(x.grad?.scalars == expectedGradient, "ties: \(ties)")
    }
}

/// The max-pooling kernel of every instruction set this CPU runs against the definition, on rows shorter and longer
/// than a vector, with windows that tie in mixed rows and columns (values of four levels), windows holding NaNs, and a
/// plane of -infinity: the maximum, and the winner the first maximal input in row-major order (a NaN counting as
/// maximal). The planes go in two calls, the second starting past the first plane, and nothing past the output is written.
/// Rows up to 1,001 wide (the kernel's column arrays on the heap); maps of up to 256 pixels pooled at stride 1 to their own
/// size (the path across rows and planes: 3x3, 6x6 and 12x12 among them).
@Test(arguments: [(2, 2, 0), (3, 2, 1), (3, 1, 1), (3, 2, 0), (5, 1, 2), (5, 3, 2), (1, 1, 0), (1, 2, 0), (4, 2, 1), (5, 2, 2), (7, 2, 3)])
func maxPoolingKernelsMatchTheDefinitionOnEveryInstructionSet(kernel: Int, stride: Int, padding: Int) throws {
    var generator = RandomGenerator(seed: UInt64(kernel * 10 + stride))
    for (height, width) in [(5, 1), (6, 5), (3, 3), (6, 6), (12, 12), (4, 16), (9, 17), (7, 37), (3, 70), (3, 1001)] where height + 2 * padding >= kernel && width + 2 * padding >= kernel {
        let g = ConvGeometry(batch: 2, channels: 3, height: height, width: width, kernelHeight: kernel, kernelWidth: kernel,
                             stride: stride, padding: padding)
        let area = height * width
        var x = (0..<6 * area).map { _ in Float(Int(generator.nextUniform() * 4)) - 1 }
        for _ in 0..<4 { x[Int(generator.nextUniform() * Float(2 * area - 1))] = .nan }  // in planes 0 and 1
        for i in 4 * area..<5 * area { x[i] = -.infinity }
        for level in ["generic", "avx2", "avx512"] {
            guard let kernels = zoo_kernels_for(level)?.pointee else { continue }
            var lowering = g.lowering
            let count = 6 * g.positions, canary: Float = 12345
            var y = [Float](repeating: canary, count: count + 64), winners = [Int32](repeating: -7, count: count + 64)
            var untracked = y
            for (first, end) in [(0, 2), (2, 6)] {
                y.withUnsafeMutableBufferPointer { y in winners.withUnsafeMutableBufferPointer { winners in
                    kernels.max_pool(x, &lowering, first, end, y.baseAddress!, winners.baseAddress!)
                } }
                kernels.max_pool(x, &lowering, first, end, &untracked, nil)
            }
            #expect(y[count...].allSatisfy { $0 == canary } && untracked[count...].allSatisfy { $0 == canary }
                    && winners[count...].allSatisfy { $0 == -7 }, "\(level) wrote past the output")
            for plane in 0..<6 {
                for oy in 0..<g.outHeight {
                    for ox in 0..<g.outWidth {
                        var best = -Float.infinity, winner = -1
                        for iy in max(0, oy * stride - padding)..<min(height, oy * stride - padding + kernel) {
                            for ix in max(0, ox * stride - padding)..<min(width, ox * stride - padding + kernel) {
                                let value = x[plane * area + iy * width + ix]
                                if winner < 0 || !best.isNaN && (value > best || value.isNaN) { (best, winner) = (value, iy * width + ix) }
                            }
                        }
                        let at = (plane * g.outHeight + oy) * g.outWidth + ox
                        let same = best.isNaN ? y[at].isNaN && untracked[at].isNaN : y[at] == best && untracked[at] == best
                        #expect(same && Int(winners[at]) == winner,
                                "\(level) \(height)x\(width) plane \(plane) (\(oy), \(ox)): \(y[at]) at \(winners[at]), expected \(best) at \(winner)")
                    }
                }
            }
        }
    }
}

/// 2x2 average pooling at stride 2 writes its input's gradient without zeroing it first: a quarter of the output's gradient
/// under each window, and exactly zero on the row and column that odd sizes leave outside every window, whatever the
/// pool's recycled buffers held before (filled with NaN here, then released for the tensors below to take).
@Test(arguments: [[2, 3, 7, 6], [2, 3, 6, 5], [1, 2, 5, 9], [3, 1, 8, 8]])
func averagePoolingOfPairsWritesEveryGradient(shape: [Int]) {
    for _ in 0..<3 {
        do { _ = (0..<4).map { _ in Tensor(shape: shape, repeating: .nan) } }  // back to the pool, for the tensors below
        let x = distinct(shape)
        x.grad = nil
        let y = avgPool2d(x, kernel: 2, stride: 2)
        let dy = distinct(y.shape)
        (y * dy).sum().backward()
        let (height, width, oh, ow) = (shape[2], shape[3], y.shape[2], y.shape[3])
        let dx = x.grad!.scalars
        for plane in 0..<(shape[0] * shape[1]) {
            for row in 0..<height {
                for column in 0..<width {
                    let inside = row < 2 * oh && column < 2 * ow
                    let expected = inside ? dy.scalars[(plane * oh + row / 2) * ow + column / 2] * 0.25 : 0
                    #expect(dx[(plane * height + row) * width + column] == expected, "\(shape) at \(plane), \(row), \(column)")
                }
            }
        }
    }
}
