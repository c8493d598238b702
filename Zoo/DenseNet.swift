import Engine

/// BN - ReLU - 3x3 convolution: one layer of d2l's dense block.
func denseConvBlock(_ inChannels: Int, _ outChannels: Int) -> Sequential {
    Sequential(BatchNorm2d(inChannels), ReLU(), Conv2d(inChannels, outChannels, kernel: 3, padding: 1))
}

/// d2l's dense block (d2l 8.7): each layer's output is concatenated onto its input, so channels
/// grow by `growth` per layer. Keys net.0.0.weight (first layer's BN) ...
public final class DenseBlock: Module {
    let net: Sequential
    public let outChannels: Int

    public init(convolutions: Int, inChannels: Int, growth: Int) {
        net = Sequential((0..<convolutions).map { denseConvBlock(inChannels + $0 * growth, growth) })
        outChannels = inChannels + convolutions * growth
    }

    public override func forward(_ x: Tensor) -> Tensor {
        net.layers.reduce(x) { x, layer in concatenate([x, layer(x)], axis: 1) }
    }
}

/// BN - ReLU - 1x1 convolution - 2x2 average pool: halves channels and size between dense blocks.
func transitionBlock(_ inChannels: Int, _ outChannels: Int) -> Sequential {
    Sequential(BatchNorm2d(inChannels), ReLU(), Conv2d(inChannels, outChannels, kernel: 1), AvgPool2d(2, stride: 2))
}

/// DenseNet as d2l trains it at 96x96 (d2l 8.7): the ResNet stem, four dense blocks of four layers
/// (growth 32) with transitions halving the channels, BN, ReLU, global pool, linear.
///
/// PyTorch: d2l's `DenseBlock` (its layers in `self.net`) and transition blocks in one `nn.Sequential`
/// after the ResNet stem, then `nn.BatchNorm2d(c), nn.ReLU(), nn.AdaptiveAvgPool2d((1, 1)),
/// nn.Flatten(), nn.Linear(c, 10)`; `scripts/pytorch_models.py` builds it.
public func denseNet(channels: Int = 1, classes: Int = 10, growth: Int = 32, arch: [Int] = [4, 4, 4, 4]) -> Sequential {
    var layers: [Module] = [d2lStem(channels)]
    var width = 64
    for (i, convolutions) in arch.enumerated() {
        let block = DenseBlock(convolutions: convolutions, inChannels: width, growth: growth)
        layers.append(block)
        width = block.outChannels
        if i != arch.count - 1 {
            layers.append(transitionBlock(width, width / 2))
            width /= 2
        }
    }
    return Sequential(layers + [BatchNorm2d(width), ReLU(), AdaptiveAvgPool2d(), Flatten(), Linear(width, classes)])
}

/// torchvision's dense layer: BN - ReLU - 1x1 conv to 4*growth - BN - ReLU - 3x3 conv to growth,
/// without biases, concatenated onto the input. Keys norm1, conv1, norm2, conv2.
public final class DenseLayer: Module {
    let norm1: BatchNorm, conv1: Conv2d, norm2: BatchNorm, conv2: Conv2d

    public init(_ inChannels: Int, growth: Int, bottleneckWidth: Int = 4) {
        norm1 = BatchNorm2d(inChannels)
        conv1 = Conv2d(inChannels, bottleneckWidth * growth, kernel: 1, bias: false)
        norm2 = BatchNorm2d(bottleneckWidth * growth)
        conv2 = Conv2d(bottleneckWidth * growth, growth, kernel: 3, padding: 1, bias: false)
    }

    public override func forward(_ x: Tensor) -> Tensor {
        concatenate([x, conv2(conv1(x, preactivatedBy: norm1, normalizedBy: norm2, relu: true))], axis: 1)
    }
}

/// torchvision's `densenet121()`: features (conv0, norm0, relu0, pool0, denseblock1-4 of 6, 12, 24, 16
/// layers named denselayer1..., transition1-3 with norm/conv/pool, norm5), then classifier.
///
/// PyTorch: `torchvision.models.densenet121(num_classes=10)` with `features.conv0` replaced by
/// `nn.Conv2d(1, 64, 7, 2, 3, bias=False)` for 1-channel inputs.
public func torchvisionDenseNet121(channels: Int = 3, classes: Int = 1000, growth: Int = 32) -> NamedSequential {
    var features: [(String, Module)] = [
        ("conv0", Conv2d(channels, 64, kernel: 7, stride: 2, padding: 3, bias: false)), ("norm0", BatchNorm2d(64)),
        ("relu0", ReLU()), ("pool0", MaxPool2d(3, stride: 2, padding: 1)),
    ]
    var width = 64
    for (i, layers) in [6, 12, 24, 16].enumerated() {
        features.append(("denseblock\(i + 1)", NamedSequential((0..<layers).map { j in
            ("denselayer\(j + 1)", DenseLayer(width + j * growth, growth: growth))
        })))
        width += layers * growth
        if i < 3 {
            features.append(("transition\(i + 1)", NamedSequential([
                ("norm", BatchNorm2d(width)), ("relu", ReLU()),
                ("conv", Conv2d(width, width / 2, kernel: 1, bias: false)), ("pool", AvgPool2d(2, stride: 2)),
            ])))
            width /= 2
        }
    }
    features.append(("norm5", BatchNorm2d(width)))
    return NamedSequential([
        ("features", NamedSequential(features)), ("relu", ReLU()), ("pool", AdaptiveAvgPool2d()), ("flatten", Flatten()),
        ("classifier", Linear(width, classes)),
    ])
}
