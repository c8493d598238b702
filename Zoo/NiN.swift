import Engine

/// One NiN block: a convolution followed by two 1x1 convolutions, each with ReLU (d2l's `nin_block`).
func ninBlock(_ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int, padding: Int) -> Sequential {
    Sequential(
        Conv2d(inChannels, outChannels, kernel: kernel, stride: stride, padding: padding), ReLU(),
        Conv2d(outChannels, outChannels, kernel: 1), ReLU(),
        Conv2d(outChannels, outChannels, kernel: 1), ReLU())
}

/// Network in Network as d2l trains it at 224x224 (d2l 8.3): no dense layer; the last block has one
/// channel per class, averaged globally.
///
/// PyTorch: `nn.Sequential(nin_block(1, 96, 11, 4, 0), nn.MaxPool2d(3, 2), nin_block(96, 256, 5, 1, 2),
///  nn.MaxPool2d(3, 2), nin_block(256, 384, 3, 1, 1), nn.MaxPool2d(3, 2), nn.Dropout(0.5),
///  nin_block(384, 10, 3, 1, 1), nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten())`
public func networkInNetwork(channels: Int = 1, classes: Int = 10) -> Sequential {
    Sequential(
        ninBlock(channels, 96, kernel: 11, stride: 4, padding: 0), MaxPool2d(3, stride: 2),
        ninBlock(96, 256, kernel: 5, stride: 1, padding: 2), MaxPool2d(3, stride: 2),
        ninBlock(256, 384, kernel: 3, stride: 1, padding: 1), MaxPool2d(3, stride: 2),
        Dropout(0.5),
        ninBlock(384, classes, kernel: 3, stride: 1, padding: 1),
        AdaptiveAvgPool2d(), Flatten())
}
