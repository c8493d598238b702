import Engine

/// LeNet with batch normalization after every convolution and hidden linear layer (d2l 8.5):
/// 5x5 convolutions without padding, so the flattened features are 16x4x4 = 256.
///
/// PyTorch: `nn.Sequential(nn.Conv2d(1, 6, 5), nn.BatchNorm2d(6), nn.Sigmoid(), nn.AvgPool2d(2, 2),
///  nn.Conv2d(6, 16, 5), nn.BatchNorm2d(16), nn.Sigmoid(), nn.AvgPool2d(2, 2), nn.Flatten(),
///  nn.Linear(256, 120), nn.BatchNorm1d(120), nn.Sigmoid(), nn.Linear(120, 84), nn.BatchNorm1d(84),
///  nn.Sigmoid(), nn.Linear(84, 10))`
public func leNetBatchNorm(channels: Int = 1, classes: Int = 10) -> Sequential {
    Sequential(
        Conv2d(channels, 6, kernel: 5), BatchNorm2d(6), Sigmoid(), AvgPool2d(2, stride: 2),
        Conv2d(6, 16, kernel: 5), BatchNorm2d(16), Sigmoid(), AvgPool2d(2, stride: 2),
        Flatten(),
        Linear(16 * 4 * 4, 120), BatchNorm1d(120), Sigmoid(),
        Linear(120, 84), BatchNorm1d(84), Sigmoid(),
        Linear(84, classes))
}
