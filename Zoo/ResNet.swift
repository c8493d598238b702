import Engine

/// d2l's residual block (d2l 8.6): conv3x3(stride) - BN - ReLU - conv3x3 - BN, plus the input, then
/// ReLU. The shortcut is the identity or, when the shape changes, a strided 1x1 convolution (conv3)
/// without batch norm. Convolutions have biases. Keys conv1, conv2, conv3, bn1, bn2.
public final class Residual: Module {
    let conv1: Conv2d, conv2: Conv2d, conv3: Conv2d?
    let bn1: BatchNorm, bn2: BatchNorm

    public init(_ inChannels: Int, _ outChannels: Int, useShortcutConvolution: Bool = false, stride: Int = 1) {
        conv1 = Conv2d(inChannels, outChannels, kernel: 3, stride: stride, padding: 1)
        conv2 = Conv2d(outChannels, outChannels, kernel: 3, padding: 1)
        conv3 = useShortcutConvolution ? Conv2d(inChannels, outChannels, kernel: 1, stride: stride) : nil
        bn1 = BatchNorm2d(outChannels)
        bn2 = BatchNorm2d(outChannels)
    }

    public override func forward(_ x: Tensor) -> Tensor {
        let y = conv2(conv1(x, normalizedBy: bn1, relu: true), normalizedBy: bn2)
        return relu(y + (conv3?(x) ?? x))
    }
}

/// The 7x7/2 convolution, batch norm, ReLU and 3x3/2 max pool that open ResNet and DenseNet in d2l.
func d2lStem(_ channels: Int) -> Sequential {
    Sequential(Conv2d(channels, 64, kernel: 7, stride: 2, padding: 3), BatchNorm2d(64), ReLU(),
               MaxPool2d(3, stride: 2, padding: 1))
}

/// ResNet-18 as d2l trains it on Fashion-MNIST (d2l 8.6): stem, four stages of two residual blocks
/// (64, 128, 256, 512 channels; stages 2-4 halve the size with a 1x1 shortcut), global average pool,
/// linear. Any input size works. Keys 0.* (stem), 1.0.conv1.weight ..., 4.1.bn2.*, 7.weight.
///
/// PyTorch: d2l's `Residual` (conv1, conv2, optional conv3, bn1, bn2) in `nn.Sequential(stem,
/// nn.Sequential(Residual(64, 64), Residual(64, 64)), nn.Sequential(Residual(64, 128, True, 2),
/// Residual(128, 128)), ..., nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(), nn.Linear(512, 10))`, the stem
/// being `nn.Sequential(nn.Conv2d(1, 64, 7, 2, 3), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(3, 2, 1))`;
/// `scripts/pytorch_models.py` builds it.
public func resNet18(channels: Int = 1, classes: Int = 10) -> Sequential {
    func stage(_ inChannels: Int, _ outChannels: Int, first: Bool = false) -> Sequential {
        Sequential(first ? Residual(inChannels, outChannels)
                         : Residual(inChannels, outChannels, useShortcutConvolution: true, stride: 2),
                   Residual(outChannels, outChannels))
    }
    return Sequential(d2lStem(channels), stage(64, 64, first: true), stage(64, 128), stage(128, 256), stage(256, 512),
                      AdaptiveAvgPool2d(), Flatten(), Linear(512, classes))
}

/// torchvision's basic block (ResNet-18/34): convolutions without bias, batch-normed downsample.
/// Keys conv1, bn1, conv2, bn2, downsample.0 (1x1 conv), downsample.1 (BN).
public final class BasicBlock: Module {
    static let expansion = 1
    let conv1: Conv2d, bn1: BatchNorm, conv2: Conv2d, bn2: BatchNorm
    let downsample: Sequential?

    public init(_ inChannels: Int, _ channels: Int, stride: Int = 1) {
        conv1 = Conv2d(inChannels, channels, kernel: 3, stride: stride, padding: 1, bias: false)
        bn1 = BatchNorm2d(channels)
        conv2 = Conv2d(channels, channels, kernel: 3, padding: 1, bias: false)
        bn2 = BatchNorm2d(channels)
        downsample = stride != 1 || inChannels != channels ? shortcut(inChannels, channels, stride: stride) : nil
    }

    public override func forward(_ x: Tensor) -> Tensor {
        let y = conv2(conv1(x, normalizedBy: bn1, relu: true), normalizedBy: bn2)
        return relu(y + (downsample?(x) ?? x))
    }
}

/// torchvision's bottleneck block (ResNet-50): 1x1 reduce, 3x3 (carrying the stride, "v1.5"),
/// 1x1 expand by 4. Keys conv1-3, bn1-3, downsample.0/1.
public final class Bottleneck: Module {
    static let expansion = 4
    let conv1: Conv2d, bn1: BatchNorm, conv2: Conv2d, bn2: BatchNorm, conv3: Conv2d, bn3: BatchNorm
    let downsample: Sequential?

    public init(_ inChannels: Int, _ channels: Int, stride: Int = 1) {
        let out = channels * Bottleneck.expansion
        conv1 = Conv2d(inChannels, channels, kernel: 1, bias: false)
        bn1 = BatchNorm2d(channels)
        conv2 = Conv2d(channels, channels, kernel: 3, stride: stride, padding: 1, bias: false)
        bn2 = BatchNorm2d(channels)
        conv3 = Conv2d(channels, out, kernel: 1, bias: false)
        bn3 = BatchNorm2d(out)
        downsample = stride != 1 || inChannels != out ? shortcut(inChannels, out, stride: stride) : nil
    }

    public override func forward(_ x: Tensor) -> Tensor {
        let y = conv3(conv2(conv1(x, normalizedBy: bn1, relu: true), normalizedBy: bn2, relu: true), normalizedBy: bn3)
        return relu(y + (downsample?(x) ?? x))
    }
}

/// A strided 1x1 convolution without bias and batch norm: torchvision's downsample shortcut.
func shortcut(_ inChannels: Int, _ outChannels: Int, stride: Int) -> Sequential {
    Sequential(Conv2d(inChannels, outChannels, kernel: 1, stride: stride, bias: false), BatchNorm2d(outChannels))
}

/// torchvision's ResNet: conv1/bn1/relu/maxpool, layer1-4, avgpool, fc. `blocks` per stage: ResNet-34
/// [3, 4, 6, 3] with basic blocks, ResNet-50 [3, 4, 6, 3] with bottlenecks.
///
/// PyTorch: `torchvision.models.resnet34(num_classes=10)` (or `resnet50`) with `conv1` replaced by
/// `nn.Conv2d(1, 64, 7, 2, 3, bias=False)` for 1-channel inputs.
public func torchvisionResNet(bottleneck: Bool, blocks: [Int], channels: Int = 3, classes: Int = 1000) -> NamedSequential {
    let expansion = bottleneck ? Bottleneck.expansion : BasicBlock.expansion
    var inChannels = 64
    var layers: [(String, Module)] = [
        ("conv1", Conv2d(channels, 64, kernel: 7, stride: 2, padding: 3, bias: false)), ("bn1", BatchNorm2d(64)),
        ("relu", ReLU()), ("maxpool", MaxPool2d(3, stride: 2, padding: 1)),
    ]
    for (stage, count) in blocks.enumerated() {
        let width = 64 << stage
        let stageBlocks: [Module] = (0..<count).map { i in
            let stride = i == 0 && stage > 0 ? 2 : 1
            defer { inChannels = width * expansion }
            return bottleneck ? Bottleneck(inChannels, width, stride: stride) : BasicBlock(inChannels, width, stride: stride)
        }
        layers.append(("layer\(stage + 1)", Sequential(stageBlocks)))
    }
    layers += [("avgpool", AdaptiveAvgPool2d()), ("flatten", Flatten()), ("fc", Linear(512 * expansion, classes))]
    return NamedSequential(layers)
}
