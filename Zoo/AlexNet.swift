import Engine

/// AlexNet as d2l trains it on Fashion-MNIST resized to 224x224 (d2l 8.1): one input channel,
/// ten classes, 256x5x5 = 6400 features into the 4096-wide head.
///
/// PyTorch: `nn.Sequential(nn.Conv2d(1, 96, 11, 4, 1), nn.ReLU(), nn.MaxPool2d(3, 2),
///  nn.Conv2d(96, 256, 5, padding=2), nn.ReLU(), nn.MaxPool2d(3, 2), nn.Conv2d(256, 384, 3, padding=1),
///  nn.ReLU(), nn.Conv2d(384, 384, 3, padding=1), nn.ReLU(), nn.Conv2d(384, 256, 3, padding=1), nn.ReLU(),
///  nn.MaxPool2d(3, 2), nn.Flatten(), nn.Linear(6400, 4096), nn.ReLU(), nn.Dropout(0.5),
///  nn.Linear(4096, 4096), nn.ReLU(), nn.Dropout(0.5), nn.Linear(4096, 10))`
public func alexNet(channels: Int = 1, classes: Int = 10) -> Sequential {
    Sequential(
        Conv2d(channels, 96, kernel: 11, stride: 4, padding: 1), ReLU(), MaxPool2d(3, stride: 2),
        Conv2d(96, 256, kernel: 5, padding: 2), ReLU(), MaxPool2d(3, stride: 2),
        Conv2d(256, 384, kernel: 3, padding: 1), ReLU(),
        Conv2d(384, 384, kernel: 3, padding: 1), ReLU(),
        Conv2d(384, 256, kernel: 3, padding: 1), ReLU(), MaxPool2d(3, stride: 2),
        Flatten(),
        Linear(6400, 4096), ReLU(), Dropout(0.5),
        Linear(4096, 4096), ReLU(), Dropout(0.5),
        Linear(4096, classes))
}
