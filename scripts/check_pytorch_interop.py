"""Checks that Zoo's safetensors weights load into the PyTorch module its model file documents, and back.

Usage (torch, numpy, safetensors and for the torchvision-shaped models torchvision installed outside
the repository; Fashion-MNIST from Debian's package or ZOO_DATA):
    .build/release/zoo run resnet18 --epochs 1 --limit 2048 --save /tmp/zoo.safetensors
    ~/.venvs/torch/bin/python scripts/check_pytorch_interop.py resnet18 /tmp/zoo.safetensors /tmp/torch.safetensors [SIDE]
    .build/release/zoo eval resnet18 --weights /tmp/torch.safetensors [--resize SIDE]
It loads Zoo's file with strict key checking, prints PyTorch's test accuracy on the 10,000 test images at
28x28 or resized (bilinear) to SIDE (Zoo's `eval` at the same size must print the same, up to float
rounding), and writes the state_dict back out with PyTorch's own dtypes (I64 counters) for Zoo to load.
"""
import gzip
import os
import sys
import numpy as np
import torch
from torch.nn import functional as F
from safetensors.torch import load_file, save_file
from pytorch_models import MODELS


def load_fashion_mnist_test():
    folder = os.environ.get('ZOO_DATA', '/usr/share/datasets/fashion-mnist')
    with gzip.open(os.path.join(folder, 't10k-images-idx3-ubyte.gz')) as f:
        images = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 1, 28, 28)
    with gzip.open(os.path.join(folder, 't10k-labels-idx1-ubyte.gz')) as f:
        labels = np.frombuffer(f.read(), np.uint8, offset=8)
    return torch.from_numpy(images.astype(np.float32) / 255), torch.from_numpy(labels.astype(np.int64))


if __name__ == '__main__':
    name, source, target = sys.argv[1:4]
    net = MODELS[name]()
    own = net.state_dict()
    state = {k: v.to(own[k].dtype) if k in own else v for k, v in load_file(source).items()}
    net.load_state_dict(state, strict=True)
    net.eval()
    x, y = load_fashion_mnist_test()
    if len(sys.argv) > 4:
        side = int(sys.argv[4])
        x = F.interpolate(x, size=(side, side), mode='bilinear', align_corners=False)
    with torch.no_grad():
        predictions = torch.cat([net(x[i:i + 500]).argmax(1) for i in range(0, len(x), 500)])
    print(f'PyTorch test accuracy of {name} with Zoo weights: {(predictions == y).float().mean().item():.4f}')
    save_file({k: v.contiguous() for k, v in net.state_dict().items()}, target)
    print(f'wrote {target} from PyTorch')
