"""Checks that Zoo's text models' weights (with their vocabularies in the safetensors metadata) load into the
PyTorch modules of scripts/pytorch_models.py and give the same results, and back.

Usage (torch, numpy and safetensors installed outside the repository):
    .build/release/zoo run gru --epochs 5 --save /tmp/gru.safetensors
    ~/.venvs/torch/bin/python scripts/check_pytorch_text_interop.py lm gru /tmp/gru.safetensors /tmp/gru-torch.safetensors 5000
    .build/release/zoo eval gru --weights /tmp/gru-torch.safetensors --test-limit 5000     # the same perplexity

    .build/release/zoo run seq2seq --limit 512 --epochs 30 --save /tmp/s2s.safetensors
    ~/.venvs/torch/bin/python scripts/check_pytorch_text_interop.py translator seq2seq /tmp/s2s.safetensors /tmp/s2s-torch.safetensors
    .build/release/zoo translate seq2seq --weights /tmp/s2s-torch.safetensors "go ." "i lost ." "he's calm ." "i'm home ."

The language model is read with `safe_open(...).metadata()['vocab']` and evaluated as d2l v1.0 does: the held-out
windows of 32 characters (10,000 to 10,000 + N) of The Time Machine, each from a zero state; the translator
translates d2l's four sentences greedily. The state_dict is written back with the same metadata.
"""
import gzip, json, math, os, re, sys
import torch
from torch.nn import functional as F
from safetensors import safe_open
from safetensors.torch import load_file, save_file
from pytorch_models import RNNLM, Seq2Seq

HERE = os.path.dirname(os.path.abspath(__file__))
CELLS = {'rnn': torch.nn.RNN, 'gru': torch.nn.GRU, 'deep-gru': torch.nn.GRU, 'lstm': torch.nn.LSTM}


def time_machine_tokens(vocab):
    with gzip.open(os.path.join(HERE, '../Datasets/Corpora/timemachine.txt.gz'), 'rt') as f:
        text = re.sub('[^A-Za-z]+', ' ', f.read()).lower()
    index = {t: i for i, t in enumerate(vocab)}
    return torch.tensor([index.get(c, index['<unk>']) for c in text])


def check_language_model(name, source, target, count):
    metadata = safe_open(source, 'pt').metadata()
    vocab, state = json.loads(metadata['vocab']), load_file(source)
    hidden = state['rnn.weight_hh_l0'].shape[1]
    layers = sum(1 for k in state if k.startswith('rnn.weight_ih_l'))
    net = RNNLM(CELLS[name], len(vocab), hidden, layers)
    net.load_state_dict(state, strict=True)
    net.eval()
    corpus = time_machine_tokens(vocab)
    starts = torch.arange(10_000, 10_000 + count)
    X = torch.stack([corpus[s:s + 32] for s in starts])
    Y = torch.stack([corpus[s + 1:s + 33] for s in starts])
    with torch.no_grad():
        losses = [F.cross_entropy(net(X[i:i + 1024])[0].reshape(-1, len(vocab)), Y[i:i + 1024].T.reshape(-1), reduction='sum')
                  for i in range(0, count, 1024)]
    print(f'PyTorch held-out perplexity of {name} with Zoo weights over {count} windows: '
          f'{math.exp(sum(l.item() for l in losses) / (count * 32)):.4f}')
    save_file({k: v.contiguous() for k, v in net.state_dict().items()}, target, metadata=metadata)


def preprocess(text):  # d2l v1.0 MTFraEng._preprocess
    text = text.replace('\u202f', ' ').replace('\xa0', ' ').lower()
    return ''.join(' ' + c if i > 0 and c in ',.!?' and text[i - 1] != ' ' else c for i, c in enumerate(text))


def check_translator(name, source, target):
    metadata = safe_open(source, 'pt').metadata()
    src_vocab, tgt_vocab = json.loads(metadata['src_vocab']), json.loads(metadata['tgt_vocab'])
    state = load_file(source)
    embed, hidden = state['encoder.embedding.weight'].shape[1], state['encoder.rnn.weight_hh_l0'].shape[1]
    layers = sum(1 for k in state if k.startswith('encoder.rnn.weight_ih_l'))
    net = Seq2Seq(len(src_vocab), len(tgt_vocab), embed, hidden, layers, attention=name.endswith('attention'))
    net.load_state_dict(state, strict=True)
    net.eval()
    src_index, steps = {t: i for i, t in enumerate(src_vocab)}, int(metadata.get('steps', 9))
    for sentence in ["go .", "i lost .", "he's calm .", "i'm home ."]:
        tokens = (preprocess(sentence).split(' ') + ['<eos>'])[:steps]
        valid = len(tokens)
        tokens += ['<pad>'] * (steps - len(tokens))
        src = torch.tensor([[src_index.get(t, src_index['<unk>']) for t in tokens]])
        with torch.no_grad():
            enc_outputs, state = net.encoder(src)
            y, out = torch.tensor([[tgt_vocab.index('<bos>')]]), []
            for _ in range(steps):
                logits, state = net.decoder(y, enc_outputs, state, torch.tensor([valid]))
                y = logits.argmax(-1).T
                if tgt_vocab[y.item()] == '<eos>':
                    break
                out.append(tgt_vocab[y.item()])
        print(f'{sentence} => {" ".join(out)}')
    save_file({k: v.contiguous() for k, v in net.state_dict().items()}, target, metadata=metadata)


if __name__ == '__main__':
    kind, name, source, target = sys.argv[1:5]
    if kind == 'lm':
        check_language_model(name, source, target, int(sys.argv[5]) if len(sys.argv) > 5 else 5000)
    else:
        check_translator(name, source, target)
    print(f'wrote {target} from PyTorch')
