import Testing
@testable import Engine

/// The fused recurrent operation and layers: gradients against finite differences, forward values and
/// gradients against the same cells composed from ordinary operations, and PyTorch's layout.
@Suite struct RecurrentTests {
    /// Inputs of one layer and direction: x [3, 2, 3], h0 (and c0) [2, 5], weights for hidden size 5
    /// (not a multiple of the vector width, so the kernels' partial vectors are covered).
    static func operands(_ kind: RecurrentCell, steps: Int = 3, batch: Int = 2, inputs: Int = 3, size: Int = 5) -> [Tensor] {
        let width = kind.gateCount * size
        var tensors = [randomTensor([steps, batch, inputs], seed: 1), randomTensor([batch, size], seed: 2)]
        if kind == .lstm { tensors.append(randomTensor([batch, size], seed: 3)) }
        tensors += [randomTensor([width, inputs], seed: 4, low: -0.6, high: 0.6), randomTensor([width, size], seed: 5, low: -0.6, high: 0.6),
                    randomTensor([width], seed: 6, low: -0.5, high: 0.5), randomTensor([width], seed: 7, low: -0.5, high: 0.5)]
        return tensors
    }

    static func fused(_ kind: RecurrentCell, reverse: Bool) -> ([Tensor]) -> Tensor {
        { t in
            let c0: Tensor? = kind == .lstm ? t[2] : nil, w = Array(t.suffix(4))
            return recurrence(kind, t[0], hidden: t[1], cell: c0, weightIH: w[0], weightHH: w[1], biasIH: w[2], biasHH: w[3],
                              reverse: reverse)
        }
    }

    /// PyTorch's equations one step at a time with the engine's ordinary operations.
    static func composed(_ kind: RecurrentCell, reverse: Bool) -> ([Tensor]) -> Tensor {
        { t in
            let (x, w) = (t[0], Array(t.suffix(4)))
            let (steps, batch, size) = (x.shape[0], x.shape[1], w[1].shape[1])
            var h = t[1], c: Tensor? = kind == .lstm ? t[2] : nil
            var outputs = [Tensor?](repeating: nil, count: steps)
            for step in reverse ? Array((0..<steps).reversed()) : Array(0..<steps) {
                let xt = x.slice(axis: 0, from: step, count: 1).reshaped([batch, x.shape[2]])
                let gi = linear(xt, weight: w[0], bias: w[2]), gh = linear(h, weight: w[1], bias: w[3])
                func gate(_ m: Tensor, _ k: Int) -> Tensor { m.slice(axis: 1, from: k * size, count: size) }
                switch kind {
                case .rnn: h = tanh(gi + gh)
                case .gru:
                    let r = sigmoid(gate(gi, 0) + gate(gh, 0)), z = sigmoid(gate(gi, 1) + gate(gh, 1))
                    let n = tanh(gate(gi, 2) + r * gate(gh, 2))
                    h = (1 - z) * n + z * h
                case .lstm:
                    let i = sigmoid(gate(gi, 0) + gate(gh, 0)), f = sigmoid(gate(gi, 1) + gate(gh, 1))
                    let g = tanh(gate(gi, 2) + gate(gh, 2)), o = sigmoid(gate(gi, 3) + gate(gh, 3))
                    c = f * c! + i * g
                    h = o * tanh(c!)
                }
                outputs[step] = h.reshaped([1, batch, size])
            }
            return concatenate(outputs.map { $0! } + (c.map { [$0.reshaped([1, batch, size])] } ?? []), axis: 0)
        }
    }

    @Test(arguments: RecurrentCell.allCases, [false, true])
    func gradientsMatchFiniteDifferences(kind: RecurrentCell, reverse: Bool) {
        expectGradientsMatch(Self.operands(kind), Self.fused(kind, reverse: reverse))
    }

    /// Hidden 11 at batch 3 runs on one thread; hidden 32 at batch 61 splits its rows across threads on a
    /// machine with two or more cores (30 and 31 rows: blocks of four and single rows).
    @Test(arguments: RecurrentCell.allCases, [(false, 11, 3), (true, 11, 3), (false, 32, 61), (true, 32, 61)])
    func equalsTheCellComposedFromOperations(kind: RecurrentCell, setting: (reverse: Bool, size: Int, batch: Int)) {
        let (reverse, size, batch) = setting
        let operands = Self.operands(kind, steps: 4, batch: batch, inputs: 6, size: size)
        let projection = randomTensor([4 + (kind == .lstm ? 1 : 0), batch, size], seed: 9, requiresGrad: false)
        func run(_ f: ([Tensor]) -> Tensor) -> (values: [Float], gradients: [[Float]]) {
            operands.forEach { $0.grad = nil }
            let y = f(operands)
            (y * projection).sum().backward()
            return (y.scalars, operands.map { $0.grad!.scalars })
        }
        let fused = run(Self.fused(kind, reverse: reverse)), composed = run(Self.composed(kind, reverse: reverse))
        #expect(maximumDifference(fused.values, composed.values) < 1e-5)
        for (which, (a, b)) in zip(fused.gradients, composed.gradients).enumerated() {
            #expect(maximumDifference(a, b) < 1e-4 * max(1, a.map(abs).max() ?? 0), "gradient of operand \(which)")
        }
    }

    /// Unrecorded, the layer keeps one step of gates and projections and two cell states instead of every step's:
    /// the same states as the recorded pass, for vectors and tokens, both directions, rows split across threads.
    @Test(arguments: RecurrentCell.allCases, [false, true])
    func anUnrecordedPassGivesTheRecordedStates(kind: RecurrentCell, reverse: Bool) {
        let (steps, batch, inputs) = (5, 61, 6)
        let operands = Self.operands(kind, steps: steps, batch: batch, inputs: inputs, size: 32)
        let tokens = (0..<(steps * batch)).map { Int32($0 * 7 % inputs) }
        let (h0, c0, w) = (operands[1], kind == .lstm ? operands[2] : nil, Array(operands.suffix(4)))
        for input in [RecurrentInput.dense(operands[0]), .oneHot(tokens: tokens, steps: steps, batch: batch)] {
            func run() -> Tensor {
                recurrence(kind, input, hidden: h0, cell: c0, weightIH: w[0], weightHH: w[1], biasIH: w[2], biasHH: w[3],
                           reverse: reverse)
            }
            let recorded = run(), unrecorded = withoutGradients(run)
            #expect(recorded.requiresGrad && !unrecorded.requiresGrad)
            #expect(unrecorded.scalars == recorded.scalars, "\(input)")
        }
    }

    @Test func aStackedBidirectionalLayerMatchesFiniteDifferences() {
        let gru = Random.withGenerator(seed: 5) { GRU(3, 4, layers: 2, bidirectional: true) }
        let x = randomTensor([3, 2, 3], seed: 11), h0 = randomTensor([4, 2, 4], seed: 12)
        expectGradientsMatch([x, h0] + gru.parameters) { t in
            let (output, state) = gru(t[0], state: RecurrentState(hidden: t[1]))
            return concatenate([output.reshaped([-1]), state.hidden.reshaped([-1])], axis: 0)
        }
        let lstm = Random.withGenerator(seed: 6) { LSTM(3, 4, layers: 2, bidirectional: true) }
        let c0 = randomTensor([4, 2, 4], seed: 13)
        expectGradientsMatch([x, h0, c0] + lstm.parameters) { t in
            let (output, state) = lstm(t[0], state: RecurrentState(hidden: t[1], cell: t[2]))
            return concatenate([output.reshaped([-1]), state.hidden.reshaped([-1]), state.cell!.reshaped([-1])], axis: 0)
        }
    }

    @Test func layersHavePyTorchsNamesShapesAndStart() {
        let lstm = Random.withGenerator(seed: 1) { LSTM(10, 20, layers: 2, bidirectional: true) }
        let names = lstm.stateDictionary().map(\.0)
        #expect(names.prefix(8) == ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0",
                                    "weight_ih_l0_reverse", "weight_hh_l0_reverse", "bias_ih_l0_reverse", "bias_hh_l0_reverse"])
        let shapes = Dictionary(uniqueKeysWithValues: lstm.stateDictionary().map { ($0.0, $0.1.shape) })
        #expect(shapes["weight_ih_l0"] == [80, 10] && shapes["weight_ih_l1"] == [80, 40] && shapes["weight_hh_l1_reverse"] == [80, 20])
        // nn.LSTM(10, 20, 2, bidirectional=True) has 15,040 parameters; nn.GRU(28, 32) 5,952; nn.RNN(28, 32) 1,984.
        #expect(lstm.parameterCount == 15_040 && GRU(28, 32).parameterCount == 5_952 && RNN(28, 32).parameterCount == 1_984)
        let bound = 1 / Float(20).squareRoot(), values = lstm.parameters.flatMap(\.scalars)
        #expect(values.allSatisfy { abs($0) <= bound } && values.max()! > 0.9 * bound && values.min()! < -0.9 * bound)

        let (output, state) = lstm(randomTensor([7, 3, 10], requiresGrad: false), state: nil)
        #expect(output.shape == [7, 3, 40] && state.hidden.shape == [4, 3, 20] && state.cell?.shape == [4, 3, 20])
    }

    /// The last output of the forward direction is its final state; the first output of the backward direction is its.
    @Test func finalStatesAreTheEndsOfEachDirection() {
        let gru = Random.withGenerator(seed: 2) { GRU(3, 4, bidirectional: true) }
        let (output, state) = gru(randomTensor([5, 2, 3], requiresGrad: false), state: nil)
        #expect(state.hidden.slice(axis: 0, from: 0, count: 1).scalars == output.slice(axis: 0, from: 4, count: 1).slice(axis: 2, from: 0, count: 4).scalars)
        #expect(state.hidden.slice(axis: 0, from: 1, count: 1).scalars == output.slice(axis: 0, from: 0, count: 1).slice(axis: 2, from: 4, count: 4).scalars)
    }

    /// Tokens read as one-hot vectors give what the one-hot tensor gives: outputs and every gradient.
    /// At hidden 48 and 4 rows the threads split the batch backward, each gathering its rows' gradients for W_ih.
    @Test(arguments: RecurrentCell.allCases, [(5, 2), (48, 4)])
    func oneHotInputEqualsTheOneHotTensor(kind: RecurrentCell, sizes: (hidden: Int, batch: Int)) {
        let (hidden, batch) = sizes
        let layer = Random.withGenerator(seed: 8) { RecurrentLayer(kind, 6, hidden, layers: 2, bidirectional: true, dropout: 0) }
        let tokens: [Int32] = (0..<(4 * batch)).map { Int32(($0 * 7 + $0 / 3) % 6) }  // 4 steps of `batch`
        let oneHot = Tensor.zeros([4, batch, 6])
        for (position, token) in tokens.enumerated() { oneHot.data[position * 6 + Int(token)] = 1 }
        let projection = randomTensor([4, batch, 2 * hidden], seed: 9, requiresGrad: false)
        func run(_ input: RecurrentInput) -> (values: [Float], gradients: [[Float]]) {
            layer.parameters.forEach { $0.grad = nil }
            let output = layer(input, state: nil).output
            (output * projection).sum().backward()
            return (output.scalars, layer.parameters.map { $0.grad!.scalars })
        }
        let sparse = run(.oneHot(tokens: tokens, steps: 4, batch: batch)), dense = run(.dense(oneHot))
        #expect(maximumDifference(sparse.values, dense.values) < 1e-6)
        for (a, b) in zip(sparse.gradients, dense.gradients) { #expect(maximumDifference(a, b) < 1e-5) }
    }

    /// Running a sequence in two halves, the second from the first's final state, gives the whole run's outputs.
    @Test func stateCarriesAcrossCalls() {
        let lstm = Random.withGenerator(seed: 3) { LSTM(3, 9, layers: 2) }
        let x = randomTensor([6, 2, 3], requiresGrad: false)
        let whole = lstm(x, state: nil).output
        let first = lstm(x.slice(axis: 0, from: 0, count: 2), state: nil)
        let second = lstm(x.slice(axis: 0, from: 2, count: 4), state: first.state).output
        #expect(maximumDifference(whole.slice(axis: 0, from: 2, count: 4).scalars, second.scalars) < 1e-6)
    }
}

func maximumDifference(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count, "\(a.count) vs \(b.count) values")
    return zip(a, b).map { abs($0 - $1) }.max() ?? 0
}

/// A few rows times a large transposed matrix (decoding) skips OpenBLAS's packing; the result is OpenBLAS's.
@Suite struct FewRowsProductTests {
    @Test(arguments: [1, 3, 8, 9])
    func matchesTheGeneralProduct(rows: Int) {
        let x = randomTensor([rows, 37], seed: 31, requiresGrad: false), weight = randomTensor([300, 37], seed: 32, requiresGrad: false)
        let bias = randomTensor([300], seed: 33, requiresGrad: false)
        let fast = linear(x, weight: weight, bias: bias)  // x W^T: the few-rows path up to 8 rows
        let general = matmul(x, weight.transposed()) + bias  // x (W^T) through OpenBLAS
        #expect(maximumDifference(fast.scalars, general.scalars) < 1e-5)
    }
}
