import Engine

/// `convolutions` 3x3 convolutions with ReLU, then 2x2 max pooling (d2l's `vgg_block`).
func vggBlock(_ convolutions: Int, _ inChannels: Int, _ outChannels: Int) -> [Module] {
    (0..<convolutions).flatMap { i in
        [Conv2d(i == 0 ? inChannels : outChannels, outChannels, kernel: 3, padding: 1), ReLU()] as [Module]
    } + [MaxPool2d(2, stride: 2)]
}

/// d2l's VGG for 224x224 Fashion-MNIST (d2l 8.2): blocks of (convolutions, channels), then a
/// 4096-4096 head; `arch` ((1,64),(1,128),(2,256),(2,512),(2,512)) is VGG-11, and d2l trains it with
/// every width divided by `ratio` 4 (the head stays 4096 wide). Keys: 0.0.weight (first block's
/// convolution) ... 6.weight, 9.weight, 12.weight for the head.
///
/// PyTorch: `nn.Sequential(*[nn.Sequential(*vgg_block(n, c_in, c)) for ...], nn.Flatten(),
///  nn.Linear(c * 7 * 7, 4096), nn.ReLU(), nn.Dropout(0.5), nn.Linear(4096, 4096), nn.ReLU(),
///  nn.Dropout(0.5), nn.Linear(4096, 10))`
public func vgg(arch: [(convolutions: Int, channels: Int)] = vgg11Arch, ratio: Int = 4, channels: Int = 1,
                classes: Int = 10) -> Sequential {
    var blocks: [Module] = []
    var inChannels = channels
    for (convolutions, width) in arch {
        blocks.append(Sequential(vggBlock(convolutions, inChannels, width / ratio)))
        inChannels = width / ratio
    }
    return Sequential(blocks + [
        Flatten(),
        Linear(inChannels * 7 * 7, 4096), ReLU(), Dropout(0.5),
        Linear(4096, 4096), ReLU(), Dropout(0.5),
        Linear(4096, classes),
    ])
}

public let vgg11Arch = [(1, 64), (1, 128), (2, 256), (2, 512), (2, 512)].map { (convolutions: $0.0, channels: $0.1) }
public let vgg16Arch = [(2, 64), (2, 128), (3, 256), (3, 512), (3, 512)].map { (convolutions: $0.0, channels: $0.1) }

/// torchvision's `vgg11()` / `vgg16()` (`arch` picks which; 3 channels, 1000 classes, no batch norm):
/// keys features.N.*, classifier.0/3/6.*, with an adaptive 7x7 average pool between them, so any
/// input of at least 32x32 works.
///
/// PyTorch: `torchvision.models.vgg11(num_classes=10)` (or `vgg16`) with `features[0]` replaced by
/// `nn.Conv2d(1, 64, 3, padding=1)` for 1-channel inputs.
public func torchvisionVGG(arch: [(convolutions: Int, channels: Int)] = vgg16Arch, channels: Int = 3,
                           classes: Int = 1000) -> TorchvisionVGG {
    var features: [Module] = []
    var inChannels = channels
    for (convolutions, width) in arch {
        features += vggBlock(convolutions, inChannels, width)
        inChannels = width
    }
    return TorchvisionVGG(features: Sequential(features),
                          classifier: Sequential(Linear(inChannels * 7 * 7, 4096), ReLU(), Dropout(0.5),
                                                 Linear(4096, 4096), ReLU(), Dropout(0.5), Linear(4096, classes)))
}

/// torchvision's VGG: features, a 7x7 adaptive average pool, the classifier. The classifier's first linear layer
/// takes the pool folded into its weight (`Linear.callAsFunction(_:pooledBy:)`): at 32 px the last map is 1x1 and the
/// pool copies it 49 times, so the fold does 49 times fewer of that layer's products
/// (205 of VGG-11's 542 MFLOP per image in a forward pass, 1 channel in and 10 classes).
public final class TorchvisionVGG: Module {
    public let features: Sequential
    public let avgpool = AdaptiveAvgPool2d((7, 7))
    public let classifier: Sequential

    public init(features: Sequential, classifier: Sequential) {
        (self.features, self.classifier) = (features, classifier)
    }

    public override func forward(_ x: Tensor) -> Tensor {
        guard let head = classifier.layers.first as? Linear else { return classifier(avgpool(features(x)).flattened()) }
        // The rest of the classifier as a Sequential made for the pass (held in a property, it would be a child whose
        // keys repeat the classifier's).
        return Sequential(Array(classifier.layers.dropFirst()))(head(features(x), pooledBy: avgpool))
    }
}
