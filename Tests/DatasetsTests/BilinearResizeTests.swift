import Datasets
import Testing

/// Resizing agrees with PyTorch's `F.interpolate(x, size, mode="bilinear", align_corners=False)`;
/// the expected values were printed by PyTorch 2.15 for x = arange(12).reshape(3, 4) ** 1.5.
@Suite struct BilinearResizeTests {
    let input: [Float] = (0..<12).map { Float($0) }.map { $0 * $0.squareRoot() }

    func resized(to size: (Int, Int)) -> [Float] {
        var output = [Float](repeating: .nan, count: size.0 * size.1)
        input.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                BilinearResize(from: (3, 4), to: size).apply(source.baseAddress!, into: target.baseAddress!)
            }
        }
        return output
    }

    @Test func enlargingMatchesPyTorch() {
        let expected: [Float] = [
            0.0, 0.35714, 0.92857, 1.91421, 2.99755, 4.35054, 5.19615,
            3.2, 3.86862, 4.93841, 6.32398, 7.78654, 9.47224, 10.5258,
            8.0, 9.13584, 10.95317, 12.93864, 14.97003, 17.15479, 18.52026,
            16.77645, 18.16777, 20.39388, 22.76229, 25.16997, 27.71019, 29.29783,
            22.62742, 24.18905, 26.68767, 29.31139, 31.96992, 34.74712, 36.48287,
        ]
        for (a, b) in zip(resized(to: (5, 7)), expected) { #expect(abs(a - b) < 1e-4) }
    }

    @Test func shrinkingMatchesPyTorch() {
        for (a, b) in zip(resized(to: (2, 2)), [2.77254, 7.16137, 21.00782, 29.69177] as [Float]) { #expect(abs(a - b) < 1e-4) }
    }

    @Test func theSameSizeIsTheIdentity() {
        #expect(resized(to: (3, 4)) == input)
    }
}
