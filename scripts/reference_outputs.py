"""Prints PyTorch's outputs for d2l's models with deterministic weights, for Tests/ZooTests/ReferenceOutputTests.swift.

Every state_dict tensor k (in state_dict order) gets element i = 0.2 * sin(0.37 i + 1.3 k), except running
variances (1 + 0.5 sin(...)^2) and num_batches_tracked (0); the input is x_i = sin(0.11 i) * (1 + 3 i / n). Models run in
eval mode. Run with a PyTorch install outside the repository:
    ~/.venvs/torch/bin/python scripts/reference_outputs.py
"""
import math
import torch
from torch import nn
from torch.nn import functional as F


def lenet():
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.Sigmoid(), nn.AvgPool2d(2, 2),
        nn.Conv2d(6, 16, 5), nn.Sigmoid(), nn.AvgPool2d(2, 2), nn.Flatten(),
        nn.Linear(400, 120), nn.Sigmoid(), nn.Linear(120, 84), nn.Sigmoid(), nn.Linear(84, 10))


def lenet_bn():
    return nn.Sequential(
        nn.Conv2d(1, 6, 5), nn.BatchNorm2d(6), nn.Sigmoid(), nn.AvgPool2d(2, 2),
        nn.Conv2d(6, 16, 5), nn.BatchNorm2d(16), nn.Sigmoid(), nn.AvgPool2d(2, 2), nn.Flatten(),
        nn.Linear(256, 120), nn.BatchNorm1d(120), nn.Sigmoid(), nn.Linear(120, 84), nn.BatchNorm1d(84), nn.Sigmoid(),
        nn.Linear(84, 10))


class Residual(nn.Module):  # d2l 8.6
    def __init__(self, cin, cout, use_1x1conv=False, strides=1):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1, stride=strides)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.conv3 = nn.Conv2d(cin, cout, 1, stride=strides) if use_1x1conv else None
        self.bn1, self.bn2 = nn.BatchNorm2d(cout), nn.BatchNorm2d(cout)

    def forward(self, x):
        y = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
        return F.relu(y + (self.conv3(x) if self.conv3 is not None else x))


def stem():
    return nn.Sequential(nn.Conv2d(1, 64, 7, 2, 3), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(3, 2, 1))


def resnet18():
    def block(cin, cout, first=False):
        return nn.Sequential(Residual(cin, cout) if first else Residual(cin, cout, True, 2), Residual(cout, cout))
    return nn.Sequential(stem(), block(64, 64, True), block(64, 128), block(128, 256), block(256, 512),
                         nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(), nn.Linear(512, 10))


class DenseBlock(nn.Module):  # d2l 8.7
    def __init__(self, n, cin, growth):
        super().__init__()
        self.net = nn.Sequential(*[nn.Sequential(nn.BatchNorm2d(cin + i * growth), nn.ReLU(),
                                                 nn.Conv2d(cin + i * growth, growth, 3, padding=1)) for i in range(n)])

    def forward(self, x):
        for blk in self.net:
            x = torch.cat((x, blk(x)), dim=1)
        return x


def densenet():
    layers, c = [stem()], 64
    for i, n in enumerate([4, 4, 4, 4]):
        layers.append(DenseBlock(n, c, 32)); c += n * 32
        if i != 3:
            layers.append(nn.Sequential(nn.BatchNorm2d(c), nn.ReLU(), nn.Conv2d(c, c // 2, 1), nn.AvgPool2d(2, 2))); c //= 2
    return nn.Sequential(*layers, nn.BatchNorm2d(c), nn.ReLU(), nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(), nn.Linear(c, 10))


def deterministic(net):
    with torch.no_grad():
        for k, (name, t) in enumerate(net.state_dict().items()):
            i = torch.arange(t.numel(), dtype=torch.float64)
            v = 0.2 * torch.sin(0.37 * i + 1.3 * k)
            if name.endswith('running_var'):
                v = 1 + 0.5 * torch.sin(0.37 * i + 1.3 * k) ** 2
            if name.endswith('num_batches_tracked'):
                continue
            t.copy_(v.reshape(t.shape).to(t.dtype))
    return net.eval()


if __name__ == '__main__':
    for name, build, side in [('lenet', lenet, 28), ('lenet-bn', lenet_bn, 28), ('resnet18', resnet18, 32), ('densenet', densenet, 32)]:
        net = deterministic(build())
        i = torch.arange(2 * side * side, dtype=torch.float64)
        x = (torch.sin(0.11 * i) * (1 + 3 * i / i.numel())).reshape(2, 1, side, side).float()
        with torch.no_grad():
            y = net(x)
        print(f'"{name}": [' + ', '.join(f'{v:.6g}' for v in y.flatten().tolist()) + '],')
