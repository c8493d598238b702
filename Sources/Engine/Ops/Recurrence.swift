import CKernels

/// A recurrent layer over a whole sequence as one operation of the tape: the input projections of all
/// steps in one GEMM, then per step one product with W_hh (packed once, `PackedMatrix`) and one fused
/// pass over the gates (the cell kernels of `zoo_kernels.h`), each thread taking its rows of the batch through all
/// the steps; backward through time the same way, with the weight gradients of all steps as one GEMM each.

/// The recurrent cells, with PyTorch's equations and gate order.
public enum RecurrentCell: String, Sendable, CaseIterable {
    /// h = tanh(W_ih x + b_ih + W_hh h' + b_hh): `nn.RNN`.
    case rnn
    /// Gates r, z, n: `nn.GRU`.
    case gru
    /// Gates i, f, g, o and a cell state: `nn.LSTM`.
    case lstm

    /// Rows of W_ih and W_hh per hidden unit.
    public var gateCount: Int {
        switch self {
        case .rnn: 1
        case .gru: 3
        case .lstm: 4
        }
    }
}

/// What a recurrent layer reads at each step: vectors, or tokens that stand for their one-hot vectors.
public enum RecurrentInput {
    /// [steps, batch, features], time-major.
    case dense(Tensor)
    /// Token ids laid out time-major ([steps, batch]), read as one-hot vectors over W_ih's columns: the
    /// same results as `.dense` of the one-hot tensor, without building it (at a vocabulary of 4,580 words,
    /// d2l's batch would be 600 MB of one-hot floats) and without its GEMM (a column of W_ih per token).
    case oneHot(tokens: [Int32], steps: Int, batch: Int)
}

/// One recurrent layer in one direction over `x` [steps, batch, inputs] (time-major, as PyTorch's default),
/// from `hidden` [batch, size] (and, for the LSTM, `cell` [batch, size]), with PyTorch's weights:
/// W_ih [gates * size, inputs], W_hh [gates * size, size], biases [gates * size].
///
/// Returns [steps, batch, size]: the hidden state at every position, where for `reverse` position t holds
/// the state after reading positions steps-1 down to t (PyTorch's backward direction). The LSTM's result
/// has one more row, [steps], holding the final cell state.
public func recurrence(_ kind: RecurrentCell, _ x: Tensor, hidden h0: Tensor, cell c0: Tensor? = nil,
                       weightIH: Tensor, weightHH: Tensor, biasIH: Tensor, biasHH: Tensor,
                       reverse: Bool = false) -> Tensor {
    recurrence(kind, .dense(x), hidden: h0, cell: c0, weightIH: weightIH, weightHH: weightHH, biasIH: biasIH, biasHH: biasHH,
               reverse: reverse)
}

/// `recurrence` over dense or one-hot input.
public func recurrence(_ kind: RecurrentCell, _ input: RecurrentInput, hidden h0: Tensor, cell c0: Tensor? = nil,
                       weightIH: Tensor, weightHH: Tensor, biasIH: Tensor, biasHH: Tensor,
                       reverse: Bool = false) -> Tensor {
    let x: Tensor?, steps: Int, batch: Int, tokens: [Int32]?
    switch input {
    case let .dense(tensor):
        precondition(tensor.rank == 3, "a recurrent layer takes [steps, batch, features], got \(tensor.shape)")
        (x, steps, batch, tokens) = (tensor, tensor.shape[0], tensor.shape[1], nil)
    case let .oneHot(ids, length, count):
        precondition(ids.count == length * count, "\(ids.count) tokens for \(length) steps of \(count)")
        (x, steps, batch, tokens) = (nil, length, count, ids)
    }
    let inputs = weightIH.shape.last ?? 0
    if let x { precondition(x.shape[2] == inputs, "\(kind) expects \(inputs) features, got \(x.shape)") }
    if let tokens { precondition(tokens.allSatisfy { $0 >= 0 && Int($0) < inputs }, "a token lies outside 0..<\(inputs)") }
    let size = weightHH.shape[1], width = kind.gateCount * size
    precondition(weightIH.shape == [width, inputs] && weightHH.shape == [width, size]
                    && biasIH.shape == [width] && biasHH.shape == [width],
                 "\(kind) weights for \(inputs) inputs: W_ih \(weightIH.shape), W_hh \(weightHH.shape)")
    precondition(h0.shape == [batch, size], "initial hidden state must be [\(batch), \(size)], got \(h0.shape)")
    precondition((kind == .lstm) == (c0 != nil), "an initial cell state is the LSTM's, and the LSTM needs one")
    if let c0 { precondition(c0.shape == [batch, size], "initial cell state must be [\(batch), \(size)], got \(c0.shape)") }
    precondition(steps > 0, "a recurrent layer needs at least one step")

    let stepElements = batch * size, gateElements = batch * width
    let result = Tensor(uninitialized: [steps + (kind == .lstm ? 1 : 0), batch, size])
    let operands = (x.map { [$0] } ?? []) + [h0] + (c0.map { [$0] } ?? []) + [weightIH, weightHH, biasIH, biasHH]
    // What the backward pass reads is kept for every step; unrecorded (evaluation, generation), a step's gates, a
    // token's projection and the cell state before are dead once the step's state is computed (the cell step reads
    // each element of the state before writing it): one step of them instead of all.
    let recorded = GradientMode.records(operands)
    let kept = recorded ? steps : 1, projectedSteps = recorded || x != nil ? steps : 1
    /// Where step t's gates (and GRU or LSTM extras) and cell state are, and its projection.
    func slot(_ t: Int) -> Int { recorded ? t : 0 }
    func projectedSlot(_ t: Int) -> Int { projectedSteps == steps ? t : 0 }

    // x W_ih^T plus every bias that is added outside a gate product (all but the GRU's b_hn). For vectors,
    // one GEMM over all steps; for tokens, the token's column of W_ih (a row of W_ih^T) plus the biases,
    // added by the thread that takes the row through the steps, just before it reads it.
    let projected = Tensor(uninitialized: [projectedSteps * batch, width])
    let bias = Tensor(shape: [width], scalars: biasIH.scalars)
    for j in 0..<(kind == .gru ? 2 * size : width) { bias.data[j] += biasHH.data[j] }
    let columns = tokens.map { _ in Tensor(uninitialized: [inputs, width]) }
    if let x {
        let (target, biases) = (projected.data, bias.data)  // not through the tensors from both threads for every row
        parallelChunks(steps * batch, costPerItem: width) { rows in
            for row in rows { (target + row * width).update(from: biases, count: width) }
        }
        gemm(transposeB: true, m: steps * batch, n: width, k: inputs, x.data, weightIH.data, beta: 1, projected.data)
    } else if let columns {
        transpose(weightIH.data, rows: width, columns: inputs, into: columns.data)
    }
    /// Builds the rows of step `t`'s projection, for tokens.
    func projectTokens(_ t: Int, rows: Range<Int>) {
        guard let tokens, let columns else { return }
        for row in rows {
            zipElements(AddKernel.self, bias.data, columns.data + Int(tokens[t * batch + row]) * width,
                        projected.data + (projectedSlot(t) * batch + row) * width, count: width)
        }
    }

    let gates = Tensor(uninitialized: [kept, batch, width])
    let extra = kind == .rnn ? nil : Tensor(uninitialized: [kept, batch, size])
    let cells = kind == .lstm ? Tensor(uninitialized: [kept, batch, size]) : nil
    let order = reverse ? Array((0..<steps).reversed()) : Array(0..<steps)
    /// The position whose state a step starts from, nil for the initial state.
    func previous(_ t: Int) -> Int? { reverse ? (t + 1 < steps ? t + 1 : nil) : (t > 0 ? t - 1 : nil) }
    /// Step `t`'s pointers into `states` (the result: backward gets it as its output, so that the
    /// recorded closure does not hold the result it belongs to).
    func step(_ t: Int, states: Tensor, recurrent: UnsafePointer<Float>) -> zoo_cell_step {
        let before = previous(t)
        return zoo_cell_step(input: projected.data + projectedSlot(t) * gateElements, recurrent: recurrent,
                             hidden_bias: biasHH.data + 2 * size,
                             previous_hidden: before.map { states.data + $0 * stepElements } ?? h0.data,
                             previous_cell: cells.map { cells in before.map { cells.data + slot($0) * stepElements } ?? c0!.data },
                             gates: gates.data + slot(t) * gateElements, extra: extra.map { $0.data + slot(t) * stepElements },
                             hidden: states.data + t * stepElements, cell: cells.map { $0.data + slot(t) * stepElements })
    }
    let cost = width * (8 + 2 * size)  // the gates' pass and a row of the hidden product, per step
    let recurrent = Tensor(uninitialized: [batch, width])
    if steps == 1 && batch <= 8 {  // decoding: a single step of a few rows reads W_hh once anyway
        let s = step(order[0], states: result, recurrent: recurrent.data)
        projectTokens(order[0], rows: 0..<batch)
        gemm(transposeB: true, m: batch, n: width, k: size, s.previous_hidden, weightHH.data, recurrent.data)
        cellForward(kind, s, rows: 0..<batch, size: size)
    } else {
        // W_hh^T laid out once for the steps' small products (see PackedMatrix). A row of the batch
        // depends only on the same row of the step before, so each thread takes its rows through all
        // the steps in one parallel region: no thread waits for another between steps.
        let packedTransposed = PackedMatrix(weightHH.data, k: size, n: width, transposed: true)
        FLOPCounter.count &+= steps * 2 * batch * width * size  // the packed products
        parallelChunks(batch, costPerItem: cost * steps) { rows in
            for t in order {
                let s = step(t, states: result, recurrent: recurrent.data)
                projectTokens(t, rows: rows)
                packedTransposed.multiply(s.previous_hidden + rows.lowerBound * size, m: rows.count,
                                          into: recurrent.data + rows.lowerBound * width)
                cellForward(kind, s, rows: rows, size: size)
            }
        }
    }
    if let cells {
        (result.data + steps * stepElements).update(from: cells.data + slot(order.last!) * stepElements, count: stepElements)
    }

    return result.recordingWithOutput(operands) { g, y in
        let dPre = Tensor(uninitialized: [steps * batch, width])
        let dRecurrent = kind == .gru ? Tensor(uninitialized: [steps * batch, width]) : dPre
        let dHidden = Tensor.zeros([batch, size]), dStep = Tensor(uninitialized: [batch, size])
        let dCell = kind == .lstm ? Tensor(uninitialized: [batch, size]) : nil
        if let dCell { dCell.data.update(from: g.data + steps * stepElements, count: stepElements) }
        let direct = kind == .gru ? Tensor(uninitialized: [batch, size]) : nil
        let packed = PackedMatrix(weightHH.data, k: width, n: size, transposed: false)
        FLOPCounter.count &+= steps * 2 * batch * size * width  // dL/dh' from the packed W_hh, below
        parallelChunks(batch, costPerItem: cost * steps) { rows in  // rows are independent through time, as forward
            let offset = rows.lowerBound * size, count = rows.count * size
            for t in order.reversed() {
                zipElements(AddKernel.self, g.data + t * stepElements + offset, dHidden.data + offset, dStep.data + offset,
                            count: count)
                let s = step(t, states: y, recurrent: recurrent.data)  // `recurrent` is not read backward
                var d = zoo_cell_gradient_step(hidden_gradient: dStep.data, cell_gradient: dCell?.data,
                                               input_gradient: dPre.data + t * gateElements,
                                               recurrent_gradient: dRecurrent.data + t * gateElements,
                                               direct_hidden_gradient: direct?.data)
                withUnsafePointer(to: s) { s in
                    let (first, end) = (rows.lowerBound, rows.upperBound)
                    switch kind {
                    case .rnn: zoo_rnn_backward(s, &d, first, end, size)
                    case .gru: zoo_gru_backward(s, &d, first, end, size)
                    case .lstm: zoo_lstm_backward(s, &d, first, end, size)
                    }
                }
                // dL/dh' = dRecurrent W_hh (+ the GRU's z * dL/dh), for these rows.
                if let direct { (dHidden.data + offset).update(from: direct.data + offset, count: count) }
                packed.multiply(dRecurrent.data + t * gateElements + rows.lowerBound * width, m: rows.count, into: dHidden.data + offset,
                                accumulating: kind == .gru)
            }
        }

        var grads: [Tensor?] = []
        if let x {  // dX = dPre W_ih
            let dx = x.requiresGrad ? Tensor(uninitialized: x.shape) : nil
            if let dx { gemm(m: steps * batch, n: inputs, k: width, dPre.data, weightIH.data, dx.data) }
            grads.append(dx)
        }
        grads.append(h0.requiresGrad ? dHidden : nil)
        if kind == .lstm { grads.append(c0!.requiresGrad ? dCell : nil) }
        let dWeightIH = Tensor(uninitialized: weightIH.shape)
        var dBiasFromTokens: Tensor? = nil  // dPre's column sums; for tokens, those of `columns` below (a row per token, not per step)
        if let x {
            gemm(transposeA: true, m: width, n: inputs, k: steps * batch, dPre.data, x.data, dWeightIH.data)
        } else if let tokens {  // each token's column gathers the gradients of the rows that read it
            let columns = Tensor.zeros([inputs, width])
            parallelColumnBlocks(width, costPerColumn: tokens.count) { part in  // threads take disjoint columns
                for (row, token) in tokens.enumerated() {
                    addElements(dPre.data + row * width + part.lowerBound,
                                into: columns.data + Int(token) * width + part.lowerBound, count: part.count)
                }
            }
            transpose(columns.data, rows: inputs, columns: width, into: dWeightIH.data)
            dBiasFromTokens = columns.sum(axis: 0)
        }
        // dW_hh = sum over steps of dRecurrent_t^T h'_t: the steps whose h' is an output row in one GEMM,
        // the first step (from the initial state) in another.
        let dWeightHH = Tensor(uninitialized: weightHH.shape)
        let first = order[0], rest = steps - 1
        let restGradients = dRecurrent.data + (reverse ? 0 : gateElements)
        let restStates = y.data + (reverse ? stepElements : 0)
        gemm(transposeA: true, m: width, n: size, k: rest * batch, restGradients, restStates, dWeightHH.data)
        gemm(transposeA: true, m: width, n: size, k: batch, dRecurrent.data + first * gateElements, h0.data,
             beta: 1, dWeightHH.data)
        // The biases' gradients: for the RNN and LSTM both are dPre's column sums (one sum, two tensors).
        let dBiasIH = dBiasFromTokens ?? dPre.sum(axis: 0)
        let dBiasHH = kind == .gru ? dRecurrent.sum(axis: 0) : Tensor(shape: [width], scalars: dBiasIH.scalars)
        grads += [dWeightIH, dWeightHH, dBiasIH, dBiasHH]
        return grads
    }
}

/// The forward kernel of `kind` over `rows` (`zoo_rnn_forward` and its kin, for this CPU's vectors).
@inline(__always)
private func cellForward(_ kind: RecurrentCell, _ s: zoo_cell_step, rows: Range<Int>, size: Int) {
    withUnsafePointer(to: s) { s in
        switch kind {
        case .rnn: zoo_rnn_forward(s, rows.lowerBound, rows.upperBound, size)
        case .gru: zoo_gru_forward(s, rows.lowerBound, rows.upperBound, size)
        case .lstm: zoo_lstm_forward(s, rows.lowerBound, rows.upperBound, size)
        }
    }
}
