extension Conv2d {
    /// `norm(self(x))`, then ReLU when `relu`. In evaluation, where nothing records, the norm's per-channel scale and
    /// shift and the ReLU are applied as the convolution writes its output (`folds(into:input:)`), so that the output
    /// is written once instead of two or three times; otherwise the layers run one after another.
    public func callAsFunction(_ x: Tensor, normalizedBy norm: BatchNorm, relu: Bool = false) -> Tensor {
        guard folds(into: norm, input: x) else {
            let y = norm(self(x))
            return relu ? Engine.relu(y) : y
        }
        return Profiler.measure("forward Conv2d") {
            // norm(y) = (y - mean) / sqrt(var + eps) * gamma + beta = y * scale + shift per channel, y = conv + bias.
            let channels = weight.shape[0]
            let scale = Tensor(uninitialized: [channels]), shift = Tensor(uninitialized: [channels])
            for c in 0..<channels {
                let factor = norm.weight.data[c] * (1 / (norm.runningVariance.data[c] + norm.epsilon).squareRoot())
                scale.data[c] = factor
                shift.data[c] = norm.bias.data[c] + ((bias?.data[c] ?? 0) - norm.runningMean.data[c]) * factor
            }
            return conv2d(x, weight: weight, bias: shift, stride: stride, padding: padding,
                          then: OutputMap(scale: scale, relu: relu))
        }
    }

    /// Whether `callAsFunction(_:normalizedBy:relu:)` folds `norm` into this convolution for the input `x`: both in
    /// evaluation, nothing records, and the shapes fit (otherwise the unfolded layers say what is wrong).
    func folds(into norm: BatchNorm, input x: Tensor) -> Bool {
        !isTraining && !norm.isTraining && x.rank == 4 && weight.shape[0] == norm.runningMean.count
            && !GradientMode.records([x, weight, norm.weight, norm.bias] + (bias.map { [$0] } ?? []))
    }
}

/// Runs `modules` one after another, handing each output over to the next; a convolution followed by a batch norm
/// (and a ReLU) goes as one where `Conv2d.folds(into:input:)` allows.
func runInOrder(_ modules: some Collection<Module>, _ x: consuming Tensor) -> Tensor {
    let modules = Array(modules)
    var i = 0
    while i < modules.count {
        if let conv = modules[i] as? Conv2d, i + 1 < modules.count, let norm = modules[i + 1] as? BatchNorm,
           conv.folds(into: norm, input: x) {
            let relu = i + 2 < modules.count && modules[i + 2] is ReLU
            x = conv(x, normalizedBy: norm, relu: relu)
            i += relu ? 3 : 2
        } else {
            x = modules[i](consume x)  // handed over, so that a layer may write over a temporary
            i += 1
        }
    }
    return x
}
