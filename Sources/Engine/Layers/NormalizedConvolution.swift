extension Conv2d {
    /// `self(x)` between batch norms: `preactivatedBy` normalizes the input and applies a ReLU first (DenseNet's
    /// pre-activation), `normalizedBy` normalizes the output, followed by a ReLU when `relu`. In evaluation, where
    /// nothing records (`folds(before:after:input:)`), the output's norm and ReLU are applied as the convolution writes
    /// its output, and the input's as it lays the input out for a 1x1 kernel's GEMM (at stride 1 without padding; in one
    /// pass of its own otherwise), each saving passes over memory; otherwise the layers run one after another. A ReLU
    /// without norms is applied as the output is written in training too (and its gradient's mask as the backward pass
    /// lays the output's gradient out).
    public func callAsFunction(_ x: Tensor, preactivatedBy before: BatchNorm? = nil, normalizedBy after: BatchNorm? = nil,
                               relu: Bool = false) -> Tensor {
        if before == nil, after == nil {
            guard relu else { return self(x) }
            return Profiler.measure("forward Conv2d") {
                conv2d(x, weight: weight, bias: bias, stride: stride, padding: padding, then: ChannelMap(scale: nil, relu: true))
            }
        }
        guard folds(before: before, after: after, input: x) else {
            let input = before.map { Engine.relu($0(x)) } ?? x
            let y = after.map { $0(self(input)) } ?? self(input)
            return relu ? Engine.relu(y) : y
        }
        return Profiler.measure("forward Conv2d") {
            let output = after.map { $0.affine(after: bias) }
            let preactivation = before.map { norm in
                let (scale, shift) = norm.affine(after: nil)
                return (map: ChannelMap(scale: scale, relu: true), shift: shift)
            }
            return conv2d(x, weight: weight, bias: output?.shift ?? bias, stride: stride, padding: padding,
                          then: ChannelMap(scale: output?.scale, relu: relu), preactivation: preactivation)
        }
    }

    /// Whether `callAsFunction(_:preactivatedBy:normalizedBy:relu:)` folds the norms `before` and `after` (one at least)
    /// into this convolution for the input `x`: all in evaluation, nothing records, and the shapes fit (otherwise the
    /// unfolded layers say what is wrong).
    func folds(before: BatchNorm?, after: BatchNorm?, input x: Tensor) -> Bool {
        let norms = [before, after].compactMap { $0 }
        return !norms.isEmpty && !isTraining && norms.allSatisfy { !$0.isTraining } && x.rank == 4
            && before.map { $0.runningMean.count == x.shape[1] } ?? true
            && after.map { $0.runningMean.count == weight.shape[0] } ?? true
            && !GradientMode.records([x, weight] + (bias.map { [$0] } ?? []) + norms.flatMap { [$0.weight, $0.bias] })
    }
}

extension BatchNorm {
    /// The norm in evaluation of y + bias as y * scale + shift per channel: (y + bias - mean) / sqrt(var + eps) * gamma + beta.
    func affine(after bias: Tensor?) -> (scale: Tensor, shift: Tensor) {
        let channels = runningMean.count
        let scale = Tensor(uninitialized: [channels]), shift = Tensor(uninitialized: [channels])
        for c in 0..<channels {
            let factor = weight.data[c] * (1 / (runningVariance.data[c] + epsilon).squareRoot())
            scale.data[c] = factor
            shift.data[c] = self.bias.data[c] + ((bias?.data[c] ?? 0) - runningMean.data[c]) * factor
        }
        return (scale, shift)
    }
}

/// Runs `modules` one after another, handing each output over to the next; where `Conv2d.folds(before:after:input:)`
/// allows, a convolution followed by a batch norm (and a ReLU) goes as one, and so does a batch norm, ReLU and
/// convolution (a pre-activation); a convolution followed by a ReLU always does.
func runInOrder(_ modules: some Collection<Module>, _ x: consuming Tensor) -> Tensor {
    let modules = Array(modules)
    func module<T>(_ i: Int, as type: T.Type) -> T? { i < modules.count ? modules[i] as? T : nil }
    var i = 0
    while i < modules.count {
        if let conv = module(i, as: Conv2d.self), let norm = module(i + 1, as: BatchNorm.self),
           conv.folds(before: nil, after: norm, input: x) {
            let relu = module(i + 2, as: ReLU.self) != nil
            x = conv(x, normalizedBy: norm, relu: relu)
            i += relu ? 3 : 2
        } else if let conv = module(i, as: Conv2d.self), module(i + 1, as: ReLU.self) != nil {
            x = conv(x, relu: true)
            i += 2
        } else if let norm = module(i, as: BatchNorm.self), module(i + 1, as: ReLU.self) != nil,
                  let conv = module(i + 2, as: Conv2d.self), conv.folds(before: norm, after: nil, input: x) {
            x = conv(x, preactivatedBy: norm)
            i += 3
        } else {
            x = modules[i](consume x)  // handed over, so that a layer may write over a temporary
            i += 1
        }
    }
    return x
}
