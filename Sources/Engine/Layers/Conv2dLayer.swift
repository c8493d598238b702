/// 2-D convolution with weight [out, in, k, k] and square kernels, as PyTorch's `nn.Conv2d`.
public final class Conv2d: Module, WeightedLayer {
    public let weight: Tensor
    public let bias: Tensor?
    public let stride: Int, padding: Int

    public init(_ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0, bias: Bool = true) {
        weight = parameter([outChannels, inChannels, kernel, kernel])
        self.bias = bias ? parameter([outChannels]) : nil
        self.stride = stride
        self.padding = padding
        super.init()
        resetToPyTorchDefaults()
    }

    public override func forward(_ x: Tensor) -> Tensor {
        conv2d(x, weight: weight, bias: bias, stride: stride, padding: padding)
    }
}
