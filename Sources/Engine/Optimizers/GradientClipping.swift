/// Scales all gradients down together so that their global L2 norm is at most `maximumNorm`
/// (PyTorch's `clip_grad_norm_`); returns the norm before clipping.
@discardableResult
public func clipGradientNorm(_ parameters: [Tensor], maximumNorm: Float) -> Float {
    var squares: Double = 0
    for p in parameters {
        guard let g = p.grad else { continue }
        // Vectorised, per tensor in Float; where that overflows (an exploding gradient, the case clipping is for), in Double.
        let inFloat = sumOfSquaredDeviations(g.data, count: g.count, from: 0)
        squares += inFloat.isFinite ? Double(inFloat) : g.buffer.reduce(0.0) { $0 + Double($1) * Double($1) }
    }
    let norm = Float(squares.squareRoot())
    if norm > maximumNorm {
        let scale = maximumNorm / (norm + 1e-6)
        for p in parameters {
            guard let g = p.grad else { continue }
            p.grad = g * scale  // a new tensor: gradients may be shared between parameters
        }
    }
    return norm
}
