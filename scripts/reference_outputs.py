"""Prints PyTorch's outputs for d2l's models and the recurrent layers with deterministic weights, for Tests/ZooTests/ReferenceOutputTests.swift.

Every state_dict tensor k (in state_dict order) gets element i = 0.2 * sin(0.37 i + 1.3 k), except running
variances (1 + 0.5 sin(...)^2) and num_batches_tracked (0); the input is x_i = sin(0.11 i) * (1 + 3 i / n). Models run in
eval mode. Run with a PyTorch install outside the repository:
    ~/.venvs/torch/bin/python scripts/reference_outputs.py
"""
import torch
from torch import nn
from pytorch_models import Seq2Seq, densenet, lenet, lenet_bn, resnet18


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
    # Recurrent layers: input [5, 2, 3] x_i = sin(0.11 i) (1 + 3 i / n), initial states 0.3 cos(0.5 i);
    # printed: the outputs, then h_n (then c_n), flattened.
    for name, layer in [('gru', nn.GRU(3, 4)), ('lstm', nn.LSTM(3, 4)), ('rnn', nn.RNN(3, 4)),
                        ('gru-2-bidirectional', nn.GRU(3, 4, num_layers=2, bidirectional=True))]:
        net = deterministic(layer)
        i = torch.arange(30, dtype=torch.float64)
        x = (torch.sin(0.11 * i) * (1 + 3 * i / 30)).reshape(5, 2, 3).float()
        states = layer.num_layers * (2 if layer.bidirectional else 1)
        h0 = (0.3 * torch.cos(0.5 * torch.arange(states * 8, dtype=torch.float64))).reshape(states, 2, 4).float()
        with torch.no_grad():
            y, state = net(x, (h0, -h0) if isinstance(layer, nn.LSTM) else h0)
        parts = [y] + (list(state) if isinstance(state, tuple) else [state])
        print(f'"{name}": [' + ', '.join(f'{v:.6g}' for v in torch.cat([p.flatten() for p in parts]).tolist()) + '],')
    # Encoder-decoders (source vocabulary 7, target 6, embedding 4, hidden 5, 2 layers, eval mode) on sources
    # [[1, 2, 3, 4], [5, 6, 0, 0]] with valid lengths [4, 2] and decoder inputs [[1, 2, 3], [4, 5, 1]]: the
    # teacher-forced logits [steps, batch, vocabulary], flattened.
    for name, attention in [('seq2seq', False), ('seq2seq-attention', True)]:
        net = deterministic(Seq2Seq(7, 6, embed=4, hidden=5, layers=2, attention=attention))
        with torch.no_grad():
            y = net(torch.tensor([[1, 2, 3, 4], [5, 6, 0, 0]]), torch.tensor([[1, 2, 3], [4, 5, 1]]), torch.tensor([4, 2]))
        print(f'"{name}": [' + ', '.join(f'{v:.6g}' for v in y.flatten().tolist()) + '],')
