import CKernels
import Foundation
import Testing
@testable import Engine

/// Every instruction set's kernels that this CPU runs (the baseline everywhere; AVX2 and AVX-512 where the
/// CPU has them) against plain references, whichever set the engine chose: a machine with AVX-512 checks
/// all three. The operations' own tests check the set in use.
@Suite struct KernelLevelTests {
    static let levels: [String] = ["generic", "avx2", "avx512"].filter { zoo_kernels_for($0) != nil }
    static func kernels(_ level: String) -> zoo_kernel_table { zoo_kernels_for(level)!.pointee }

    /// Values in [low, high) from a seed.
    static func values(_ count: Int, seed: UInt64, low: Float = -1, high: Float = 1) -> [Float] {
        var generator = RandomGenerator(seed: seed)
        return (0..<count).map { _ in low + (high - low) * Float(generator.next() % 1_000_000) / 1_000_000 }
    }

    @Test func theWidestSetIsInUse() {
        #expect(Self.levels.first == "generic")
        let chosen = String(cString: zoo_kernels_level())
        if ProcessInfo.processInfo.environment["ZOO_KERNELS"] == nil { #expect(chosen == Self.levels.last) }
    }

    @Test(arguments: levels)
    func expAndTheActivationsAreAccurate(level: String) {
        let k = Self.kernels(level)
        let xs = stride(from: -87.0, through: 88.0, by: 0.01).map { Float($0) }
        var ys = [Float](repeating: 0, count: xs.count)
        k.exp(xs, &ys, xs.count)
        #expect(zip(xs, ys).map { abs($1 - Foundation.exp($0)) / Foundation.exp($0) }.max()! < 4e-7)
        // Past the range: 0 and the largest float, not infinity; NaN stays NaN; odd counts end in a partial vector.
        let extremes: [Float] = [-200, -88, 100, 0, 1, -1, 88.5, 50, .nan, 2, -3]
        var out = [Float](repeating: 0, count: extremes.count)
        k.exp(extremes, &out, extremes.count)
        #expect(out[0] >= 0 && out[0] < 1e-37 && out[2].isFinite && out[2] > 3e38 && out[3] == 1 && out[8].isNaN)
        #expect(abs(out[10] - Foundation.exp(-3)) < 1e-7)
        let inputs = Self.values(1_001, seed: 3, low: -20, high: 20)
        var sigmoid = [Float](repeating: 0, count: inputs.count), tanh = sigmoid
        k.sigmoid(inputs, &sigmoid, inputs.count)
        k.tanh(inputs, &tanh, inputs.count)
        #expect(zip(inputs, sigmoid).map { abs($1 - 1 / (1 + Foundation.exp(-$0))) }.max()! < 2e-7)
        #expect(zip(inputs, tanh).map { abs($1 - Foundation.tanh($0)) }.max()! < 5e-7)
        var scaled = [Float](repeating: 0, count: 37)
        let sum = k.exp_shifted(Array(inputs.prefix(37)), &scaled, 37, 3, 0.5)
        let exact = inputs.prefix(37).map { Foundation.exp(Double($0) - 3) }
        #expect(abs(Double(sum) - exact.reduce(0, +)) < 1e-5 * exact.reduce(0, +))
        #expect(zip(scaled, exact).allSatisfy { abs(Double($0) - $1 / 2) <= 1e-6 * $1 })
        #expect(k.exp_shifted(Array(inputs.prefix(37)), nil, 37, 3, 0.5) == sum)  // softmax's sum alone, nothing written
    }

    /// Row counts through every block size (tall 8 or 6, 4, 1; for columns that fit one vector 12, 4, 1; AVX-512's wide
    /// blocks of 64 columns 6, 4, 1, with 8 rows left as two blocks of 4), columns ending mid-panel and mid-vector, wide
    /// blocks followed by tall ones, C += A B, and B packed from itself or from its transpose (as the recurrent layers
    /// pack W_hh^T).
    @Test(arguments: levels)
    func packedProductsEqualThePlainProduct(level: String) {
        let k = Self.kernels(level)
        for (m, depth, n) in [(1, 7, 5), (13, 33, 37), (6, 16, 64), (17, 64, 48), (11, 5, 100), (29, 9, 10), (40, 70, 16),
                              (32, 20, 128), (14, 8, 192), (10, 3, 64), (9, 12, 160)] {
            let a = Self.values(m * depth, seed: 1), b = Self.values(depth * n, seed: 2), start = Self.values(m * n, seed: 3)
            for transposed in [false, true] {
                // B [depth x n], given as itself, or as S [n x depth] with B = S^T.
                func element(_ row: Int, _ column: Int) -> Float { transposed ? b[column * depth + row] : b[row * n + column] }
                let packed = b.withUnsafeBufferPointer { PackedMatrix($0.baseAddress!, k: depth, n: n, transposed: transposed) }
                for accumulating in [false, true] {
                    var c = start
                    k.packed_multiply(a, m, depth, n, packed.storage, &c, n, accumulating ? 1 : 0)
                    for i in 0..<m {
                        for j in 0..<n {
                            let exact = (0..<depth).reduce(Double(accumulating ? start[i * n + j] : 0)) { $0 + Double(a[i * depth + $1] * element($1, j)) }
                            #expect(abs(Double(c[i * n + j]) - exact) < 1e-5, "\(level) \(m)x\(depth)x\(n) transposed \(transposed) at (\(i), \(j))")
                        }
                    }
                }
            }
        }
    }

    /// A panel of S^T from rows of S, exactly: depths through whole 16 x 16 blocks (AVX-512's transposes in registers)
    /// and past them, full panels and partial ones (zeros past the rows), rows not at the start.
    @Test(arguments: levels)
    func transposedPanelsHoldTheTranspose(level: String) {
        let k = Self.kernels(level)
        for (rows, depth) in [(16, 16), (37, 784), (40, 33), (5, 7), (19, 48)] {
            let s = Self.values(rows * depth, seed: 4)
            for first in stride(from: 0, to: rows, by: 16) {
                let width = min(16, rows - first)
                var panel = [Float](repeating: .nan, count: depth * 16)
                k.pack_transposed(s, depth, first, width, &panel)
                let expected = (0..<depth).flatMap { p in (0..<16).map { j in j < width ? s[(first + j) * depth + p] : 0 } }
                #expect(panel == expected, "\(level) \(rows) rows of \(depth), panel from row \(first)")
            }
        }
    }

    /// A B^T for 1 to 12 rows of B: row counts odd and even (two at a time and one), depths ending mid-vector, and
    /// C += A B^T.
    @Test(arguments: levels)
    func narrowDotsEqualThePlainProduct(level: String) {
        let k = Self.kernels(level)
        for n in 1...12 {
            for (m, depth) in [(1, 7), (2, 16), (5, 33), (8, 100), (3, 784)] {
                let a = Self.values(m * depth, seed: 1), b = Self.values(n * depth, seed: 2), start = Self.values(m * n, seed: 3)
                for accumulating in [false, true] {
                    var c = start
                    k.narrow_dots(a, m, depth, b, n, &c, accumulating ? 1 : 0)
                    for i in 0..<m {
                        for j in 0..<n {
                            let exact = (0..<depth).reduce(Double(accumulating ? start[i * n + j] : 0)) { $0 + Double(a[i * depth + $1] * b[j * depth + $1]) }
                            #expect(abs(Double(c[i * n + j]) - exact) < 1e-5 * max(1, Double(depth) / 16), "\(level) \(m)x\(depth)x\(n) at (\(i), \(j))")
                        }
                    }
                }
            }
        }
    }

    /// The sums behind batch norm and the reductions, and batch norm's row kernels, against their formulas
    /// (counts that end in a partial vector for every set).
    @Test(arguments: levels)
    func sumsAndBatchNormRowsEqualTheirFormulas(level: String) {
        let k = Self.kernels(level)
        for count in [1, 7, 37, 100] {
            let x = Self.values(count, seed: 1, low: -2, high: 3), g = Self.values(count, seed: 2)
            let (center, scale, shift) = (Float(0.3), Float(1.7), Float(-0.4))
            func close(_ a: Float, _ b: Double) -> Bool { abs(Double(a) - b) <= 1e-5 * max(1, abs(b)) }
            #expect(close(k.sum(x, count), x.reduce(0.0) { $0 + Double($1) }))
            #expect(close(k.dot(g, x, count), zip(g, x).reduce(0.0) { $0 + Double($1.0 * $1.1) }))
            #expect(close(k.sum_of_squared_deviations(x, count, center), x.reduce(0.0) { $0 + Double(($1 - center) * ($1 - center)) }))
            var (sum, product): (Float, Float) = (0, 0)
            k.sum_and_centered_product(g, x, count, center, &sum, &product)
            #expect(close(sum, g.reduce(0.0) { $0 + Double($1) }))
            #expect(close(product, zip(g, x).reduce(0.0) { $0 + Double($1.0 * ($1.1 - center)) }))
            var y = [Float](repeating: .nan, count: count)
            k.scale_shift(x, &y, count, scale, shift)
            #expect(zip(x, y).allSatisfy { close($1, Double($0 * scale + shift)) })
            let (m, sg, sgx, factor) = (Float(count), Float(0.2), Float(-0.7), Float(0.05))
            k.batch_norm_input_gradient(x, g, &y, count, center, scale, factor, m, sg, sgx)
            #expect(zip(zip(x, g), y).allSatisfy { pair, dx in
                close(dx, Double(factor * (m * pair.1 - sg - (pair.0 - center) * scale * sgx)))
            })
        }
    }

    /// Direct convolution and its filter gradient against the sums that define them, at output widths that
    /// end mid-vector for every set (5, 21 and 40 columns: one, two and three vectors on AVX-512), in blocks of
    /// 8, 4, 2 and 1 filters.
    @Test(arguments: levels)
    func directConvolutionEqualsItsDefinition(level: String) {
        let k = Self.kernels(level)
        for (channels, side, kernel, filters) in [(1, 9, 5, 15), (3, 23, 3, 6), (2, 44, 5, 3)] {
            let out = side - kernel + 1, paddedWidth = (out + 31) / 32 * 32 + kernel - 1, gradientWidth = (out + 15) / 16 * 16
            let image = Self.values(channels * side * side, seed: 1), weights = Self.values(filters * channels * kernel * kernel, seed: 2)
            let bias = Self.values(filters, seed: 3), gradient = Self.values(out * out, seed: 4)
            var padded = [Float](repeating: 0, count: channels * side * paddedWidth + 4)
            for c in 0..<channels { for y in 0..<side { for x in 0..<side { padded[(c * side + y) * paddedWidth + x] = image[(c * side + y) * side + x] } } }
            var result = [Float](repeating: .nan, count: filters * out * out)
            k.direct_convolution(padded, channels, side, paddedWidth, weights, bias, filters, kernel, kernel, out, out, &result)
            var paddedGradient = [Float](repeating: 0, count: out * gradientWidth)
            for y in 0..<out { for x in 0..<out { paddedGradient[y * gradientWidth + x] = gradient[y * out + x] } }
            var partials = [Float](repeating: 1.0 / 16, count: channels * kernel * kernel * 16)
            k.direct_convolution_filter_gradient(padded, channels, side, paddedWidth, paddedGradient, gradientWidth, kernel, kernel, out, &partials)
            let sums = (0..<(channels * kernel * kernel)).map { partials[($0 * 16)..<($0 * 16 + 16)].reduce(0, +) }
            func pixel(_ c: Int, _ y: Int, _ x: Int) -> Double { Double(image[(c * side + y) * side + x]) }
            for o in 0..<filters {
                for y in 0..<out {
                    for x in 0..<out {
                        var exact = Double(bias[o])
                        for c in 0..<channels { for i in 0..<kernel { for j in 0..<kernel {
                            exact += Double(weights[((o * channels + c) * kernel + i) * kernel + j]) * pixel(c, y + i, x + j)
                        } } }
                        #expect(abs(Double(result[(o * out + y) * out + x]) - exact) < 1e-5, "\(level) output (\(o), \(y), \(x))")
                    }
                }
            }
            for c in 0..<channels { for i in 0..<kernel { for j in 0..<kernel {
                let exact = 1 + (0..<out).reduce(0.0) { total, y in (0..<out).reduce(total) { $0 + Double(gradient[y * out + $1]) * pixel(c, y + i, $1 + j) } }
                #expect(abs(Double(sums[(c * kernel + i) * kernel + j]) - exact) < 1e-4, "\(level) gradient (\(c), \(i), \(j))")
            } } }
        }
    }

    /// The filter gradient vectorised over filters against its definition: LeNet's second layer (6 channels, 5x5, 10x10
    /// outputs, 16 filters), a 3x3 kernel with 20 filters (two vectors of 16, the second mostly zeros) and a 2x3 kernel.
    @Test(arguments: levels)
    func filterGradientByChannelEqualsItsDefinition(level: String) {
        let k = Self.kernels(level)
        for (channels, kh, kw, outHeight, outWidth, filters) in [(6, 5, 5, 10, 10, 16), (3, 3, 3, 4, 5, 20), (2, 2, 3, 3, 7, 8)] {
            let (height, width) = (outHeight + kh - 1, outWidth + kw - 1), stride = (filters + 15) / 16 * 16
            let image = Self.values(channels * height * width, seed: 5), gradient = Self.values(outHeight * outWidth * filters, seed: 6)
            var pixelMajor = [Float](repeating: 0, count: outHeight * outWidth * stride)
            for p in 0..<(outHeight * outWidth) { for o in 0..<filters { pixelMajor[p * stride + o] = gradient[o * outHeight * outWidth + p] } }
            var partials = [Float](repeating: 0.5, count: channels * kh * kw * stride)
            k.direct_convolution_filter_gradient_by_channel(image, channels, height, width, pixelMajor, stride, outHeight, outWidth, kh, kw, &partials)
            for o in 0..<filters { for c in 0..<channels { for i in 0..<kh { for j in 0..<kw {
                var exact = 0.5
                for y in 0..<outHeight { for x in 0..<outWidth {
                    exact += Double(gradient[(o * outHeight + y) * outWidth + x]) * Double(image[(c * height + y + i) * width + x + j])
                } }
                let got = partials[((c * kh + i) * kw + j) * stride + o]
                #expect(abs(Double(got) - exact) < 1e-4, "\(level) (\(o), \(c), \(i), \(j))")
            } } } }
        }
    }

    /// The cells of each set give what the set in use gives (which `RecurrentTests` checks against the
    /// cells composed from operations), forward and backward, at a size that ends in a partial vector.
    @Test(arguments: levels)
    func cellsAgreeWithTheSetInUse(level: String) {
        let k = Self.kernels(level)
        let (rows, size) = (5, 37)  // two whole vectors and a partial one for every set
        for (gates, forward, backward, ownForward, ownBackward) in [
            (1, k.rnn_forward!, k.rnn_backward!, zoo_rnn_forward, zoo_rnn_backward),
            (3, k.gru_forward!, k.gru_backward!, zoo_gru_forward, zoo_gru_backward),
            (4, k.lstm_forward!, k.lstm_backward!, zoo_lstm_forward, zoo_lstm_backward),
        ] {
            let width = gates * size
            let inputs = [Self.values(rows * width, seed: 1, low: -3, high: 3), Self.values(rows * width, seed: 2, low: -3, high: 3),
                          Self.values(size, seed: 3), Self.values(rows * size, seed: 4), Self.values(rows * size, seed: 5)]
            /// Runs the cell forward, then backward, on fresh copies; returns every array it wrote.
            func run(_ forward: (UnsafePointer<zoo_cell_step>?, Int, Int, Int) -> Void,
                     _ backward: (UnsafePointer<zoo_cell_step>?, UnsafePointer<zoo_cell_gradient_step>?, Int, Int, Int) -> Void) -> [[Float]] {
                let starts = inputs + [[Float](repeating: 0, count: rows * width)] + (0..<3).map { _ in [Float](repeating: 0, count: rows * size) }
                    + [Self.values(rows * size, seed: 6), Self.values(rows * size, seed: 7)]
                    + [[Float](repeating: 0, count: rows * width), [Float](repeating: 0, count: rows * width), [Float](repeating: 0, count: rows * size)]
                let p = starts.map { values in
                    let buffer = UnsafeMutablePointer<Float>.allocate(capacity: values.count)
                    buffer.initialize(from: values, count: values.count)
                    return buffer
                }
                defer { p.forEach { $0.deallocate() } }
                var step = zoo_cell_step(input: p[0], recurrent: p[1], hidden_bias: p[2], previous_hidden: p[3], previous_cell: p[4],
                                         gates: p[5], extra: p[6], hidden: p[7], cell: p[8])
                var gradient = zoo_cell_gradient_step(hidden_gradient: p[9], cell_gradient: p[10], input_gradient: p[11],
                                                      recurrent_gradient: gates == 3 ? p[12] : p[11], direct_hidden_gradient: p[13])
                forward(&step, 0, rows, size)
                backward(&step, &gradient, 0, rows, size)
                return zip(starts, p).dropFirst(5).map { Array(UnsafeBufferPointer(start: $1, count: $0.count)) }
            }
            let (theirs, ours) = (run(forward, backward), run(ownForward, ownBackward))
            for (index, (x, y)) in zip(theirs, ours).enumerated() {
                #expect(maximumDifference(x, y) < 2e-6, "\(level), \(gates) gate(s), array \(index)")
            }
        }
    }

    /// The C lowerings (gathered through a table, shifted planes, row by row) of every set give exactly the set in
    /// use's im2col, whose definition LoweringTests checks, and the same col2im; also when called channel by
    /// channel, as threads call them.
    @Test(arguments: levels)
    func loweringsEqualTheSetInUse(level: String) {
        let k = Self.kernels(level)
        for shape in LoweringTests.geometries {
            let g = LoweringTests.geometry(shape)
            let x = Self.values(g.batch * g.channels * g.height * g.width, seed: 5)
            let c = Self.values(g.patch * g.batch * g.positions, seed: 6)
            var lowering = g.lowering
            var expected = [Float](repeating: .nan, count: c.count), lowered = expected
            var expectedFolded = [Float](repeating: .nan, count: x.count), folded = expectedFolded
            var scratch = c, expectedScratch = c
            im2col(x, g, into: &expected)
            col2im(&expectedScratch, g, into: &expectedFolded)
            for channels in [[0..<g.channels], (0..<g.channels).map { $0..<($0 + 1) }] {
                lowered = [Float](repeating: .nan, count: c.count)
                folded = [Float](repeating: .nan, count: x.count)
                scratch = c
                for range in channels {
                    switch g.loweringPath {
                    case .gathered:
                        let table = g.gatherTable()
                        k.im2col_gathered(x, &lowering, table, range.lowerBound, range.upperBound, &lowered)
                        k.col2im_gathered(scratch, &lowering, table, range.lowerBound, range.upperBound, &folded)
                    case .shifted:
                        k.im2col_shifted(x, &lowering, range.lowerBound, range.upperBound, &lowered)
                        k.col2im_shifted(&scratch, &lowering, range.lowerBound, range.upperBound, &folded)
                    case .rows:
                        k.im2col_rows(x, &lowering, range.lowerBound, range.upperBound, &lowered)
                        k.col2im_rows(scratch, &lowering, range.lowerBound, range.upperBound, &folded)
                    }
                }
                #expect(lowered == expected, "\(level) im2col \(shape), \(channels.count) calls")
                #expect(folded == expectedFolded, "\(level) col2im \(shape), \(channels.count) calls")
            }
        }
    }
}
