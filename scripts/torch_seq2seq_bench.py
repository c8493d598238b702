"""PyTorch's throughput on the zoo's encoder-decoders, measured as `zoo bench seq2seq seq2seq-attention` measures Zoo's.

The same models (scripts/pytorch_models.py: 2-layer GRU(256) encoder and decoder, embeddings of 256, vocabularies
9,794 English / 17,386 French as the full English-French pairs give), batch 128 of random 9-token sentences, every
target position a token; train = one Adam step (lr 0.005) on the cross-entropy with gradients clipped to norm 1,
infer = the teacher-forced forward pass in eval mode under no_grad. Timing is ../shared/bench/torch_reference.py's
(warm-up, samples of >= 0.3 s, median), 2 threads. Run with PyTorch installed outside the repository:
    ~/.venvs/torch/bin/python scripts/torch_seq2seq_bench.py [--repeats 3] [--json torch-seq2seq.json]
"""
import argparse, json, os, statistics as st, sys
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, '../../shared/bench'))
from pytorch_models import Seq2Seq  # noqa: E402
from torch_reference import measure  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--repeats', type=int, default=3)
    ap.add_argument('--json', default='')
    args = ap.parse_args()
    torch.set_num_threads(2)
    batch, steps, src_vocab, tgt_vocab = 128, 9, 9794, 17386
    g = torch.Generator().manual_seed(1)
    src = torch.randint(0, src_vocab, (batch, steps), generator=g)
    dec_x = torch.randint(0, tgt_vocab, (batch, steps), generator=g)
    labels = torch.randint(0, tgt_vocab, (steps * batch,), generator=g)
    valid = torch.full((batch,), steps)
    rows = []
    for name, attention in [('seq2seq', False), ('seq2seq-attention', True)]:
        train, infer = [], []
        for rep in range(args.repeats):
            torch.manual_seed(rep)
            model = Seq2Seq(src_vocab, tgt_vocab, attention=attention)
            opt = torch.optim.Adam(model.parameters(), lr=0.005)

            def train_step():
                opt.zero_grad()
                logits = model(src, dec_x, valid)
                nn.functional.cross_entropy(logits.reshape(-1, tgt_vocab), labels).backward()
                nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                opt.step()

            def infer_step():
                with torch.no_grad():
                    model(src, dec_x, valid)
            model.train()
            rates, _ = measure(train_step, batch * steps, samples=5, warmup=2)
            train.append(st.median(rates))
            model.eval()
            rates, _ = measure(infer_step, batch * steps, samples=5, warmup=2)
            infer.append(st.median(rates))
            print(f'  repeat {rep}: {name:18s} train {train[-1]:9.1f} infer {infer[-1]:9.1f} tok/s', flush=True)
        rows.append(dict(model=name, batch=batch, unit='tok/s', train=st.median(train), infer=st.median(infer),
                         train_repeats=train, infer_repeats=infer))
    print(f'\ntorch {torch.__version__}, 2 threads; median of {args.repeats} repeats')
    for r in rows:
        print(f'{r["model"]:18s} train {r["train"]:9.1f} tok/s  infer {r["infer"]:9.1f} tok/s')
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(dict(torch=torch.__version__, rows=rows), f, indent=1)


if __name__ == '__main__':
    main()
