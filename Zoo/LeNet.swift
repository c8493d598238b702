import Engine

/// LeNet-5 as d2l defines it for Fashion-MNIST: sigmoid activations, average pooling, 28x28 input.
///
/// PyTorch equivalent (same state_dict keys 0.*, 3.*, 7.*, 9.*, 11.*):
/// `nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.Sigmoid(), nn.AvgPool2d(2, 2),
///  nn.Conv2d(6, 16, 5), nn.Sigmoid(), nn.AvgPool2d(2, 2), nn.Flatten(),
///  nn.Linear(400, 120), nn.Sigmoid(), nn.Linear(120, 84), nn.Sigmoid(), nn.Linear(84, 10))`
public func leNet(channels: Int = 1, classes: Int = 10) -> Sequential {
    Sequential(
        Conv2d(channels, 6, kernel: 5, padding: 2), Sigmoid(), AvgPool2d(2, stride: 2),
        Conv2d(6, 16, kernel: 5), Sigmoid(), AvgPool2d(2, stride: 2),
        Flatten(),
        Linear(16 * 5 * 5, 120), Sigmoid(),
        Linear(120, 84), Sigmoid(),
        Linear(84, classes))
}
