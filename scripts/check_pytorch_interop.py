"""Checks that Zoo's safetensors weights load into the PyTorch module its model file documents, and back.

Usage (PyTorch and safetensors installed outside the repository, Fashion-MNIST from Debian's package):
    .build/release/zoo run lenet-bn --epochs 1 --save /tmp/zoo.safetensors
    ~/.venvs/torch/bin/python scripts/check_pytorch_interop.py /tmp/zoo.safetensors /tmp/torch.safetensors
    .build/release/zoo eval lenet-bn --weights /tmp/torch.safetensors
It loads Zoo's file with strict key checking, prints PyTorch's test accuracy (Zoo's `eval` must print the
same), perturbs nothing, and writes the state_dict back out with PyTorch's own dtypes (I64 counters).
"""
import sys
import torch
from safetensors.torch import load_file, save_file
sys.path.insert(0, __file__.rsplit('/', 1)[0])
from reference_outputs import lenet_bn  # noqa: E402
sys.path.insert(0, '../shared/bench')
from torch_reference import load_fashion_mnist  # noqa: E402

source, target = sys.argv[1], sys.argv[2]
net = lenet_bn()
state = load_file(source)
state = {k: v.to(net.state_dict()[k].dtype) for k, v in state.items()}
net.load_state_dict(state, strict=True)
net.eval()
x, y = load_fashion_mnist('t10k')
with torch.no_grad():
    accuracy = (net(x).argmax(1) == y).float().mean().item()
print(f'PyTorch test accuracy with Zoo weights: {accuracy:.4f}')
save_file({k: v.contiguous() for k, v in net.state_dict().items()}, target)
print(f'wrote {target} from PyTorch')
