/// Weight penalties added to a loss.

/// Σ |w| over every element of `tensors` (the L1 penalty, before its coefficient); the gradient is
/// sign(w), 0 at 0.
public func l1Norm(_ tensors: [Tensor]) -> Tensor {
    var total: Double = 0
    for tensor in tensors { for i in 0..<tensor.count { total += Double(abs(tensor.data[i])) } }
    return Tensor(Float(total)).recording(tensors) { g in
        tensors.map { tensor in
            let gradient = Tensor(uninitialized: tensor.shape)
            for i in 0..<tensor.count { gradient.data[i] = tensor.data[i] > 0 ? g.data[0] : tensor.data[i] < 0 ? -g.data[0] : 0 }
            return gradient
        }
    }
}
