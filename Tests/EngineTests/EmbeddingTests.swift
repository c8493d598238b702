import Testing
@testable import Engine

/// Embedding lookups: rows by index forward, gradients added back into the rows they came from.
@Suite struct EmbeddingTests {
    @Test func rowsComeOutInIndexOrder() {
        let table = Tensor(shape: [3, 2], scalars: [0, 1, 10, 11, 20, 21])
        let rows = embedding(table, indices: [2, 0, 2, 1], shape: [2, 2])
        #expect(rows.shape == [2, 2, 2] && rows.scalars == [20, 21, 0, 1, 20, 21, 10, 11])
    }

    /// Index 2 is used twice, so its row's gradient is the sum of both uses; row 3 is unused (zero).
    @Test func gradientsMatchFiniteDifferences() {
        let table = randomTensor([4, 3])
        expectGradientsMatch([table]) { embedding($0[0], indices: [2, 0, 2, 1, 2], shape: [5]) }
        table.grad = nil
        embedding(table, indices: [2, 2], shape: [2]).sum().backward()
        #expect(table.grad?.scalars == [0, 0, 0, 0, 0, 0, 2, 2, 2, 0, 0, 0])
    }

    @Test func theLayerHasPyTorchsKeyAndStart() {
        let layer = Random.withGenerator(seed: 3) { Embedding(1000, 16) }
        #expect(layer.stateDictionary().map(\.0) == ["weight"] && layer.weight.shape == [1000, 16])
        let values = layer.weight.scalars, mean = values.reduce(0, +) / Float(values.count)
        let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(values.count)
        #expect(abs(mean) < 0.05 && abs(variance - 1) < 0.05)  // N(0, 1), as nn.Embedding
        #expect(layer([5, 7], shape: [2]).shape == [2, 16])
    }
}
