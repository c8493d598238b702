"""PyTorch modules with the same state_dict keys and shapes as Zoo's models (1 channel, 10 classes).

Each function builds the module a model file's doc comment describes; MODELS maps Zoo's model names to
them. The torchvision-shaped ones need torchvision; the rest need only torch. Used by
reference_outputs.py and check_pytorch_interop.py (run outside CI, with PyTorch installed outside the
repository).
"""
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


def alexnet():
    return nn.Sequential(
        nn.Conv2d(1, 96, 11, 4, 1), nn.ReLU(), nn.MaxPool2d(3, 2),
        nn.Conv2d(96, 256, 5, padding=2), nn.ReLU(), nn.MaxPool2d(3, 2), nn.Conv2d(256, 384, 3, padding=1),
        nn.ReLU(), nn.Conv2d(384, 384, 3, padding=1), nn.ReLU(), nn.Conv2d(384, 256, 3, padding=1), nn.ReLU(),
        nn.MaxPool2d(3, 2), nn.Flatten(), nn.Linear(6400, 4096), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(4096, 4096), nn.ReLU(), nn.Dropout(0.5), nn.Linear(4096, 10))


def vgg11(ratio=4):  # d2l 8.2
    blocks, cin = [], 1
    for n, c in [(1, 64), (1, 128), (2, 256), (2, 512), (2, 512)]:
        layers = []
        for _ in range(n):
            layers += [nn.Conv2d(cin, c // ratio, 3, padding=1), nn.ReLU()]
            cin = c // ratio
        blocks.append(nn.Sequential(*layers, nn.MaxPool2d(2, 2)))
    return nn.Sequential(*blocks, nn.Flatten(), nn.Linear(cin * 7 * 7, 4096), nn.ReLU(), nn.Dropout(0.5),
                         nn.Linear(4096, 4096), nn.ReLU(), nn.Dropout(0.5), nn.Linear(4096, 10))


def nin():  # d2l 8.3
    def block(cin, cout, k, s, p):
        return nn.Sequential(nn.Conv2d(cin, cout, k, s, p), nn.ReLU(), nn.Conv2d(cout, cout, 1), nn.ReLU(),
                             nn.Conv2d(cout, cout, 1), nn.ReLU())
    return nn.Sequential(block(1, 96, 11, 4, 0), nn.MaxPool2d(3, 2), block(96, 256, 5, 1, 2), nn.MaxPool2d(3, 2),
                         block(256, 384, 3, 1, 1), nn.MaxPool2d(3, 2), nn.Dropout(0.5), block(384, 10, 3, 1, 1),
                         nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten())


class Inception(nn.Module):  # d2l 8.4
    def __init__(self, cin, c1, c2, c3, c4):
        super().__init__()
        self.p1_1 = nn.Conv2d(cin, c1, 1)
        self.p2_1, self.p2_2 = nn.Conv2d(cin, c2[0], 1), nn.Conv2d(c2[0], c2[1], 3, padding=1)
        self.p3_1, self.p3_2 = nn.Conv2d(cin, c3[0], 1), nn.Conv2d(c3[0], c3[1], 5, padding=2)
        self.p4_1, self.p4_2 = nn.MaxPool2d(3, 1, 1), nn.Conv2d(cin, c4, 1)

    def forward(self, x):
        p1 = F.relu(self.p1_1(x))
        p2 = F.relu(self.p2_2(F.relu(self.p2_1(x))))
        p3 = F.relu(self.p3_2(F.relu(self.p3_1(x))))
        p4 = F.relu(self.p4_2(self.p4_1(x)))
        return torch.cat((p1, p2, p3, p4), dim=1)


def googlenet():
    b1 = nn.Sequential(nn.Conv2d(1, 64, 7, 2, 3), nn.ReLU(), nn.MaxPool2d(3, 2, 1))
    b2 = nn.Sequential(nn.Conv2d(64, 64, 1), nn.ReLU(), nn.Conv2d(64, 192, 3, padding=1), nn.ReLU(), nn.MaxPool2d(3, 2, 1))
    b3 = nn.Sequential(Inception(192, 64, (96, 128), (16, 32), 32), Inception(256, 128, (128, 192), (32, 96), 64),
                       nn.MaxPool2d(3, 2, 1))
    b4 = nn.Sequential(Inception(480, 192, (96, 208), (16, 48), 64), Inception(512, 160, (112, 224), (24, 64), 64),
                       Inception(512, 128, (128, 256), (24, 64), 64), Inception(512, 112, (144, 288), (32, 64), 64),
                       Inception(528, 256, (160, 320), (32, 128), 128), nn.MaxPool2d(3, 2, 1))
    b5 = nn.Sequential(Inception(832, 256, (160, 320), (32, 128), 128), Inception(832, 384, (192, 384), (48, 128), 128),
                       nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten())
    return nn.Sequential(b1, b2, b3, b4, b5, nn.Linear(1024, 10))


def torchvision_model(name):
    """torchvision's model `name` with 10 classes and its first convolution taking 1 channel."""
    import torchvision
    net = getattr(torchvision.models, name)(num_classes=10)
    if name.startswith('vgg'):
        net.features[0] = nn.Conv2d(1, 64, 3, padding=1)
    elif name.startswith('resnet'):
        net.conv1 = nn.Conv2d(1, 64, 7, 2, 3, bias=False)
    else:
        net.features.conv0 = nn.Conv2d(1, 64, 7, 2, 3, bias=False)
    return net


class RNNLM(nn.Module):  # d2l v1.0 9.6 / 10.1-10.3, concise; keys rnn.*, linear.*
    def __init__(self, cell=nn.GRU, vocab=28, hidden=32, layers=1):
        super().__init__()
        self.vocab, self.rnn, self.linear = vocab, cell(vocab, hidden, layers), nn.Linear(hidden, vocab)

    def forward(self, tokens, state=None):  # tokens [batch, steps] -> logits [steps, batch, vocab]
        outputs, state = self.rnn(F.one_hot(tokens.T, self.vocab).float(), state)
        return self.linear(outputs), state


class Seq2SeqEncoder(nn.Module):  # d2l v1.0 10.7
    def __init__(self, vocab, embed, hidden, layers, dropout=0.0):
        super().__init__()
        self.embedding, self.rnn = nn.Embedding(vocab, embed), nn.GRU(embed, hidden, layers, dropout=dropout)

    def forward(self, X):  # X [batch, steps] -> outputs [steps, batch, hidden], state [layers, batch, hidden]
        return self.rnn(self.embedding(X.t()))


class AdditiveAttention(nn.Module):  # d2l v1.0 11.3
    def __init__(self, key, query, hidden, dropout=0.0):
        super().__init__()
        self.W_k, self.W_q = nn.Linear(key, hidden, bias=False), nn.Linear(query, hidden, bias=False)
        self.w_v, self.dropout = nn.Linear(hidden, 1, bias=False), nn.Dropout(dropout)

    def forward(self, queries, keys, values, valid_lens):
        features = torch.tanh(self.W_q(queries).unsqueeze(2) + self.W_k(keys).unsqueeze(1))
        scores = self.w_v(features).squeeze(-1)
        mask = torch.arange(scores.shape[-1])[None, None, :] < valid_lens[:, None, None]
        weights = torch.softmax(scores.masked_fill(~mask, -1e6), dim=-1)  # d2l's masked_softmax
        return torch.bmm(self.dropout(weights), values)


class Seq2SeqDecoder(nn.Module):  # d2l v1.0 10.7, and with attention 11.4
    def __init__(self, vocab, embed, hidden, layers, dropout=0.0, attention=False):
        super().__init__()
        self.embedding = nn.Embedding(vocab, embed)
        if attention:
            self.attention = AdditiveAttention(hidden, hidden, hidden, dropout)
        self.rnn = nn.GRU(embed + hidden, hidden, layers, dropout=dropout)
        self.dense = nn.Linear(hidden, vocab)

    def forward(self, X, enc_outputs, state, valid_lens):  # X [batch, steps] -> logits [steps, batch, vocab]
        embs = self.embedding(X.t())
        if not hasattr(self, 'attention'):
            context = enc_outputs[-1].repeat(embs.shape[0], 1, 1)
            outputs, state = self.rnn(torch.cat((embs, context), -1), state)
        else:
            keys, outputs = enc_outputs.permute(1, 0, 2), []
            for x in embs:
                context = self.attention(state[-1].unsqueeze(1), keys, keys, valid_lens)
                out, state = self.rnn(torch.cat((context, x.unsqueeze(1)), -1).permute(1, 0, 2), state)
                outputs.append(out)
            outputs = torch.cat(outputs, 0)
        return self.dense(outputs), state


class Seq2Seq(nn.Module):  # keys encoder.*, decoder.*
    def __init__(self, src_vocab, tgt_vocab, embed=256, hidden=256, layers=2, dropout=0.2, attention=False):
        super().__init__()
        self.encoder = Seq2SeqEncoder(src_vocab, embed, hidden, layers, dropout)
        self.decoder = Seq2SeqDecoder(tgt_vocab, embed, hidden, layers, dropout, attention)

    def forward(self, src, dec_X, valid_lens):  # teacher-forced logits [steps, batch, tgt_vocab]
        enc_outputs, state = self.encoder(src)
        return self.decoder(dec_X, enc_outputs, state, valid_lens)[0]


def mlp_dropout():  # d2l 5.6, concise
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Dropout(0.2), nn.Linear(256, 256), nn.ReLU(),
                         nn.Dropout(0.5), nn.Linear(256, 10))


MODELS = {
    'mlp-dropout': mlp_dropout, 'lenet': lenet, 'lenet-bn': lenet_bn, 'alexnet': alexnet, 'vgg11': vgg11, 'nin': nin, 'googlenet': googlenet,
    'resnet18': resnet18, 'densenet': densenet,
    'vgg11-full': lambda: torchvision_model('vgg11'), 'vgg16': lambda: torchvision_model('vgg16'),
    'resnet34': lambda: torchvision_model('resnet34'), 'resnet50': lambda: torchvision_model('resnet50'),
    'densenet121': lambda: torchvision_model('densenet121'),
}
