/// The elementwise halves of one time step of the recurrent cells, forward and backward, in PyTorch's
/// gate layout: each row of a pre-activation holds the gates one after another, `hidden` values each
/// (RNN: one; GRU: r, z, n; LSTM: i, f, g, o). The matrix products around them are the caller's
/// (`recurrence`). Rows are independent, so callers split them across threads.
///
/// Values move eight lanes at a time; a hidden size that is not a multiple of eight ends with a
/// partial vector, loaded into and stored from zero-padded lanes.

@inline(__always)
private func load(_ pointer: UnsafePointer<Float>, _ lanes: Int) -> Vector {
    if lanes == 8 { return loadVector(pointer) }
    var vector = Vector(repeating: 0)
    for lane in 0..<lanes { vector[lane] = pointer[lane] }
    return vector
}

@inline(__always)
private func store(_ vector: Vector, _ pointer: UnsafeMutablePointer<Float>, _ lanes: Int) {
    if lanes == 8 { return storeVector(vector, pointer) }
    for lane in 0..<lanes { pointer[lane] = vector[lane] }
}

@inline(__always) private func sigmoid(_ x: Vector) -> Vector { SigmoidKernel.apply(x) }
@inline(__always) private func tanh(_ x: Vector) -> Vector { TanhKernel.apply(x) }

/// Calls `body(offset, lanes)` for the vectors covering `0..<size`: whole vectors with `lanes` the
/// constant 8 (so that the inlined body's loads and stores need no test), then a partial one.
@inline(__always)
private func forEachVector(_ size: Int, _ body: (_ offset: Int, _ lanes: Int) -> Void) {
    var offset = 0
    while offset + 8 <= size {
        body(offset, 8)
        offset += 8
    }
    if offset < size { body(offset, size - offset) }
}

/// The pointers of one time step. `input` is the input projection with its biases (x W_ih^T + b),
/// `recurrent` the hidden projection h W_hh^T without them; `gates` keeps what backward needs.
struct CellStep {
    var input: UnsafePointer<Float>
    var recurrent: UnsafePointer<Float>
    /// GRU: b_hn, the hidden bias of the n gate (the others are folded into `input`).
    var hiddenBias: UnsafePointer<Float>
    var previousHidden: UnsafePointer<Float>
    var previousCell: UnsafePointer<Float>?
    var gates: UnsafeMutablePointer<Float>
    /// GRU: W_hn h + b_hn, which the r gate multiplies. LSTM: tanh(c).
    var extra: UnsafeMutablePointer<Float>?
    var hidden: UnsafeMutablePointer<Float>
    var cell: UnsafeMutablePointer<Float>?
}

/// h = tanh(x W_ih^T + b_ih + h' W_hh^T + b_hh), for rows `rows` of width `size`.
@inline(__always)
func rnnForward(_ s: CellStep, rows: Range<Int>, size: Int) {
    for row in rows {
        let base = row * size
        forEachVector(size) { j, lanes in
            let a = load(s.input + base + j, lanes) + load(s.recurrent + base + j, lanes)
            store(tanh(a), s.hidden + base + j, lanes)
        }
    }
}

/// PyTorch's GRU: r = σ(..), z = σ(..), n = tanh(x W_in^T + b_in + r * (h' W_hn^T + b_hn)),
/// h = (1 - z) * n + z * h'.
@inline(__always)
func gruForward(_ s: CellStep, rows: Range<Int>, size: Int) {
    let extra = s.extra!
    for row in rows {
        let gateBase = row * 3 * size, base = row * size
        forEachVector(size) { j, lanes in
            let r = sigmoid(load(s.input + gateBase + j, lanes) + load(s.recurrent + gateBase + j, lanes))
            let z = sigmoid(load(s.input + gateBase + size + j, lanes) + load(s.recurrent + gateBase + size + j, lanes))
            let hn = load(s.recurrent + gateBase + 2 * size + j, lanes) + load(s.hiddenBias + j, lanes)
            let n = tanh(load(s.input + gateBase + 2 * size + j, lanes) + r * hn)
            let previous = load(s.previousHidden + base + j, lanes)
            store(r, s.gates + gateBase + j, lanes)
            store(z, s.gates + gateBase + size + j, lanes)
            store(n, s.gates + gateBase + 2 * size + j, lanes)
            store(hn, extra + base + j, lanes)
            store(n + z * (previous - n), s.hidden + base + j, lanes)
        }
    }
}

/// PyTorch's LSTM: i, f, o = σ(..), g = tanh(..), c = f * c' + i * g, h = o * tanh(c).
@inline(__always)
func lstmForward(_ s: CellStep, rows: Range<Int>, size: Int) {
    let previousCell = s.previousCell!, cell = s.cell!, tanhCell = s.extra!
    for row in rows {
        let gateBase = row * 4 * size, base = row * size
        forEachVector(size) { j, lanes in
            func pre(_ gate: Int) -> Vector {
                load(s.input + gateBase + gate * size + j, lanes) + load(s.recurrent + gateBase + gate * size + j, lanes)
            }
            let i = sigmoid(pre(0)), f = sigmoid(pre(1)), g = tanh(pre(2)), o = sigmoid(pre(3))
            let c = f * load(previousCell + base + j, lanes) + i * g
            let tc = tanh(c)
            store(i, s.gates + gateBase + j, lanes)
            store(f, s.gates + gateBase + size + j, lanes)
            store(g, s.gates + gateBase + 2 * size + j, lanes)
            store(o, s.gates + gateBase + 3 * size + j, lanes)
            store(c, cell + base + j, lanes)
            store(tc, tanhCell + base + j, lanes)
            store(o * tc, s.hidden + base + j, lanes)
        }
    }
}

/// The pointers of one step backward. On entry `hiddenGradient` holds dL/dh of this step (from the
/// output and from the next step); the kernels write the pre-activation gradients, and the parts of
/// the previous step's gradients that do not go through W_hh.
struct CellGradientStep {
    var hiddenGradient: UnsafePointer<Float>
    /// LSTM: dL/dc arriving from the next step (in), then dL/dc' for the previous step (out, in place).
    var cellGradient: UnsafeMutablePointer<Float>?
    /// Gradient of the input projection's pre-activation (also of b_ih, W_ih).
    var inputGradient: UnsafeMutablePointer<Float>
    /// Gradient of the hidden projection h' W_hh^T (+ b_hh). RNN and LSTM: the same as `inputGradient`.
    var recurrentGradient: UnsafeMutablePointer<Float>
    /// GRU: the part of dL/dh' that flows straight through z * h' (written, not added).
    var directHiddenGradient: UnsafeMutablePointer<Float>?
}

@inline(__always)
func rnnBackward(_ s: CellStep, _ d: CellGradientStep, rows: Range<Int>, size: Int) {
    for row in rows {
        let base = row * size
        forEachVector(size) { j, lanes in
            let h = load(s.hidden + base + j, lanes)
            store(load(d.hiddenGradient + base + j, lanes) * (1 - h * h), d.inputGradient + base + j, lanes)
        }
    }
}

@inline(__always)
func gruBackward(_ s: CellStep, _ d: CellGradientStep, rows: Range<Int>, size: Int) {
    let extra = s.extra!, direct = d.directHiddenGradient!
    for row in rows {
        let gateBase = row * 3 * size, base = row * size
        forEachVector(size) { j, lanes in
            let r = load(s.gates + gateBase + j, lanes), z = load(s.gates + gateBase + size + j, lanes)
            let n = load(s.gates + gateBase + 2 * size + j, lanes)
            let dh = load(d.hiddenGradient + base + j, lanes)
            let previous = load(s.previousHidden + base + j, lanes)
            let dnPre = dh * (1 - z) * (1 - n * n)
            let dzPre = dh * (previous - n) * z * (1 - z)
            let drPre = dnPre * load(extra + base + j, lanes) * r * (1 - r)
            store(drPre, d.inputGradient + gateBase + j, lanes)
            store(dzPre, d.inputGradient + gateBase + size + j, lanes)
            store(dnPre, d.inputGradient + gateBase + 2 * size + j, lanes)
            store(drPre, d.recurrentGradient + gateBase + j, lanes)
            store(dzPre, d.recurrentGradient + gateBase + size + j, lanes)
            store(dnPre * r, d.recurrentGradient + gateBase + 2 * size + j, lanes)
            store(dh * z, direct + base + j, lanes)
        }
    }
}

@inline(__always)
func lstmBackward(_ s: CellStep, _ d: CellGradientStep, rows: Range<Int>, size: Int) {
    let previousCell = s.previousCell!, tanhCell = s.extra!, dcCarry = d.cellGradient!
    for row in rows {
        let gateBase = row * 4 * size, base = row * size
        forEachVector(size) { j, lanes in
            let i = load(s.gates + gateBase + j, lanes), f = load(s.gates + gateBase + size + j, lanes)
            let g = load(s.gates + gateBase + 2 * size + j, lanes), o = load(s.gates + gateBase + 3 * size + j, lanes)
            let tc = load(tanhCell + base + j, lanes)
            let dh = load(d.hiddenGradient + base + j, lanes)
            let dc = load(dcCarry + base + j, lanes) + dh * o * (1 - tc * tc)
            store(dc * g * i * (1 - i), d.inputGradient + gateBase + j, lanes)
            store(dc * load(previousCell + base + j, lanes) * f * (1 - f), d.inputGradient + gateBase + size + j, lanes)
            store(dc * i * (1 - g * g), d.inputGradient + gateBase + 2 * size + j, lanes)
            store(dh * tc * o * (1 - o), d.inputGradient + gateBase + 3 * size + j, lanes)
            store(dc * f, dcCarry + base + j, lanes)
        }
    }
}
