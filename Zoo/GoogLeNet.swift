import Engine

/// An Inception block (d2l 8.4): four parallel paths concatenated on channels. Path 1 is a 1x1
/// convolution; path 2 a 1x1 then a 3x3; path 3 a 1x1 then a 5x5; path 4 a 3x3 max pool then a 1x1.
/// Every convolution is followed by ReLU. Keys follow d2l: p1_1, p2_1, p2_2, p3_1, p3_2, p4_2.
public final class Inception: Module {
    let p1_1: Conv2d
    let p2_1: Conv2d, p2_2: Conv2d
    let p3_1: Conv2d, p3_2: Conv2d
    let p4_1 = MaxPool2d(3, stride: 1, padding: 1)
    let p4_2: Conv2d
    /// Output channels: c1 + c2.1 + c3.1 + c4.
    public let outChannels: Int

    public init(_ inChannels: Int, _ c1: Int, _ c2: (Int, Int), _ c3: (Int, Int), _ c4: Int) {
        p1_1 = Conv2d(inChannels, c1, kernel: 1)
        p2_1 = Conv2d(inChannels, c2.0, kernel: 1)
        p2_2 = Conv2d(c2.0, c2.1, kernel: 3, padding: 1)
        p3_1 = Conv2d(inChannels, c3.0, kernel: 1)
        p3_2 = Conv2d(c3.0, c3.1, kernel: 5, padding: 2)
        p4_2 = Conv2d(inChannels, c4, kernel: 1)
        outChannels = c1 + c2.1 + c3.1 + c4
    }

    public override func forward(_ x: Tensor) -> Tensor {
        // The three 1x1 convolutions that read x go as one (one lowering of x, one GEMM).
        let reduced = Conv2d.applied([p1_1, p2_1, p3_1], to: x, relu: true)
        let p1 = reduced[0]
        let p2 = p2_2(reduced[1], relu: true)
        let p3 = p3_2(reduced[2], relu: true)
        let p4 = p4_2(p4_1(x), relu: true)
        return concatenate([p1, p2, p3, p4], axis: 1)
    }
}

/// GoogLeNet as d2l trains it at 96x96 (d2l 8.4): no batch norm, no auxiliary classifiers.
/// Keys: 0.* (stem), 1.* , 2.0.p1_1.weight ... 5.weight (the classifier).
///
/// PyTorch: d2l's `Inception` module (attributes p1_1, p2_1, p2_2, p3_1, p3_2, p4_1 max pool, p4_2)
/// and `nn.Sequential(b1, b2, b3, b4, b5, nn.Linear(1024, 10))` with b1-b5 as below (b5 ends in
/// `nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten()`); `scripts/pytorch_models.py` builds it.
public func googLeNet(channels: Int = 1, classes: Int = 10) -> Sequential {
    let b1 = Sequential(Conv2d(channels, 64, kernel: 7, stride: 2, padding: 3), ReLU(), MaxPool2d(3, stride: 2, padding: 1))
    let b2 = Sequential(Conv2d(64, 64, kernel: 1), ReLU(), Conv2d(64, 192, kernel: 3, padding: 1), ReLU(),
                        MaxPool2d(3, stride: 2, padding: 1))
    let b3 = Sequential(Inception(192, 64, (96, 128), (16, 32), 32), Inception(256, 128, (128, 192), (32, 96), 64),
                        MaxPool2d(3, stride: 2, padding: 1))
    let b4 = Sequential(Inception(480, 192, (96, 208), (16, 48), 64), Inception(512, 160, (112, 224), (24, 64), 64),
                        Inception(512, 128, (128, 256), (24, 64), 64), Inception(512, 112, (144, 288), (32, 64), 64),
                        Inception(528, 256, (160, 320), (32, 128), 128), MaxPool2d(3, stride: 2, padding: 1))
    let b5 = Sequential(Inception(832, 256, (160, 320), (32, 128), 128), Inception(832, 384, (192, 384), (48, 128), 128),
                        AdaptiveAvgPool2d(), Flatten())
    return Sequential(b1, b2, b3, b4, b5, Linear(1024, classes))
}
