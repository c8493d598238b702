import Testing
@testable import Engine

/// im2col against its definition and col2im as its adjoint, over the geometries the models use:
/// row-width-keeping kernels (the shifted-plane path) and the rest (row by row).
@Suite struct LoweringTests {
    static let geometries: [(height: Int, width: Int, kernel: Int, stride: Int, padding: Int)] = [
        (7, 7, 3, 1, 1), (6, 5, 3, 1, 1), (4, 9, 1, 1, 0), (5, 3, 5, 1, 2), (1, 1, 5, 1, 2), (2, 3, 3, 1, 1),
        (1, 4, 3, 1, 1), (6, 5, 3, 1, 0), (7, 6, 3, 2, 1), (9, 9, 7, 2, 3), (5, 5, 1, 2, 0), (8, 9, 3, 1, 0),
        (11, 10, 3, 2, 1), (1, 20, 5, 1, 2), (8, 40, 5, 1, 0), (40, 1, 3, 2, 1), (14, 14, 5, 1, 0),
    ]

    @Test func theGeometriesCoverEveryPath() {
        let paths = Self.geometries.map { Self.geometry($0).loweringPath }
        for path in [ConvGeometry.LoweringPath.gathered, .shifted, .rows] {
            #expect(paths.filter { $0 == path }.count >= 3, "\(path)")
        }
    }

    static func geometry(_ case: (height: Int, width: Int, kernel: Int, stride: Int, padding: Int)) -> ConvGeometry {
        ConvGeometry(batch: 3, channels: 2, height: `case`.height, width: `case`.width, kernelHeight: `case`.kernel,
                     kernelWidth: `case`.kernel, stride: `case`.stride, padding: `case`.padding)
    }

    @Test(arguments: geometries)
    func im2colMatchesItsDefinition(_ shape: (height: Int, width: Int, kernel: Int, stride: Int, padding: Int)) {
        let g = Self.geometry(shape)
        let x = randomTensor([g.batch, g.channels, g.height, g.width], seed: 40, requiresGrad: false)
        let columns = Tensor(shape: [g.patch, g.batch * g.positions], repeating: .nan)
        im2col(x.data, g, into: columns.data)
        for row in 0..<g.patch {
            let (c, ki, kj) = (row / (g.kernelHeight * g.kernelWidth), (row / g.kernelWidth) % g.kernelHeight, row % g.kernelWidth)
            for n in 0..<g.batch {
                for oy in 0..<g.outHeight {
                    for ox in 0..<g.outWidth {
                        let (iy, ix) = (oy * g.stride - g.padding + ki, ox * g.stride - g.padding + kj)
                        let inside = (0..<g.height).contains(iy) && (0..<g.width).contains(ix)
                        let expected = inside ? x.data[((n * g.channels + c) * g.height + iy) * g.width + ix] : 0
                        let got = columns.data[row * g.batch * g.positions + n * g.positions + oy * g.outWidth + ox]
                        #expect(got == expected, "row \(row) image \(n) at (\(oy), \(ox))")
                    }
                }
            }
        }
    }

    /// <im2col(x), C> == <x, col2im(C)> for random x and C.
    @Test(arguments: geometries)
    func col2imIsTheAdjointOfIm2col(_ shape: (height: Int, width: Int, kernel: Int, stride: Int, padding: Int)) {
        let g = Self.geometry(shape)
        let x = randomTensor([g.batch, g.channels, g.height, g.width], seed: 41, requiresGrad: false)
        let c = randomTensor([g.patch, g.batch * g.positions], seed: 42, requiresGrad: false)
        let lowered = Tensor(uninitialized: c.shape), folded = Tensor(shape: x.shape, repeating: .nan)
        im2col(x.data, g, into: lowered.data)
        let left = zip(lowered.scalars, c.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        col2im(c.copy().data, g, into: folded.data)
        let right = zip(x.scalars, folded.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        #expect(abs(left - right) < 1e-4 * max(1, abs(left)), "\(left) vs \(right)")
    }
}

/// A convolution lowered a few images at a time (as large layers are) gives the result and gradients
/// of one lowered in a single pass.
@Test(arguments: [(1, 1), (2, 0), (1, 0)])
func loweringInGroupsOfImages(stride: Int, padding: Int) throws {
    let x = randomTensor([5, 3, 6, 7], seed: 43), w = randomTensor([4, 3, 3, 3], seed: 44), bias = randomTensor([4], seed: 45)
    let g = ConvGeometry(batch: 5, channels: 3, height: 6, width: 7, kernelHeight: 3, kernelWidth: 3, stride: stride, padding: padding)
    var results: [[[Float]]] = []
    for budget in [Int.max, 2 * g.patch * g.positions] {
        #expect(g.imageGroups(budget: budget).count == (budget == .max ? 1 : 3))
        for tensor in [x, w, bias] { tensor.grad = nil }
        let y = loweredConv2d(x, weight: w, bias: bias, g, budget: budget)
        (y * y).sum().backward()
        results.append([y.scalars] + [x, w, bias].map { $0.grad!.scalars })
    }
    for (whole, grouped) in zip(results[0], results[1]) {
        #expect(whole.count == grouped.count)
        for (a, b) in zip(whole, grouped) { #expect(abs(a - b) <= 1e-4 * max(1, abs(a))) }
    }
}
