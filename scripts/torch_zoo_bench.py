"""PyTorch beside `zoo bench`: the same models at the same sizes and batches, train and infer throughput and peak memory.

Reads the JSON that `zoo bench --json` wrote and measures each of its models in PyTorch (scripts/pytorch_models.py) the way
Zoo measured it, then prints both side by side with the ratios:
- train = one optimizer step on a fixed batch (images: SGD lr 0.01; language models: SGD lr 1, gradients clipped to norm 1;
  translators: Adam lr 0.005, clip 1); infer = the forward pass in eval mode under torch.no_grad();
- rates: three warm-up steps, then ../shared/bench/torch_reference.py's timing (5 samples of about 0.5 s, the median),
  on as many threads as Zoo's report says OpenBLAS used;
- memory: the peak resident memory a fresh model adds to the process (Linux's VmHWM, reset through /proc/self/clear_refs,
  above the resident size after the allocator's free memory was returned), over the timed training steps, and over two
  inference passes of another fresh model: what `zoo bench` reports as train and infer MiB.
Images are Fashion-MNIST's first training images resized bilinearly to the model's side, as Zoo's; text models get
random tokens. The torchvision-shaped models need torchvision. Run with PyTorch installed outside the repository:
    ~/.venvs/torch/bin/pip install torch && ~/.venvs/torch/bin/pip install --no-deps torchvision==<the release for that torch>
    .build/release/zoo bench --json zoo.json && ~/.venvs/torch/bin/python scripts/torch_zoo_bench.py zoo.json --json torch.json
"""
import argparse, ctypes, gc, json, os, platform, sys, time, types
# PyPI's torchvision wheels are built against PyTorch's CUDA build: beside the CPU build their compiled operators
# fail to load, and only detection models need them. Skip registering them so that the classification models load.
sys.modules.setdefault('torchvision._meta_registrations', types.ModuleType('torchvision._meta_registrations'))
import torch
from torch import nn
from torch.nn import functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, '../../shared/bench'))
from pytorch_models import MODELS, RNNLM, Seq2Seq  # noqa: E402
from torch_reference import load_fashion_mnist, measure  # noqa: E402
from versus_table import measurements, table  # noqa: E402

LIBC = ctypes.CDLL('libc.so.6')


def status(field):
    """A 'Name:  1234 kB' line of /proc/self/status, in bytes."""
    for line in open('/proc/self/status'):
        if line.startswith(field + ':'):
            return int(line.split()[1]) * 1024


class PeakMemoryMeter:
    """The peak resident bytes that what follows adds to the process, as Zoo's PeakMemoryMeter measures it."""
    def __init__(self):
        gc.collect()  # (as Zoo releases its cached buffers first)
        LIBC.malloc_trim(0)
        self.baseline = status('VmRSS')
        with open('/proc/self/clear_refs', 'w') as f:
            f.write('5')

    def growth(self):
        return max(0, status('VmHWM') - self.baseline)


CLASSIFIERS = dict(MODELS, softmax=lambda: nn.Sequential(nn.Flatten(), nn.Linear(784, 10)),
                   mlp=lambda: nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10)))
LANGUAGE_MODELS = {'rnn': (nn.RNN, 1), 'gru': (nn.GRU, 1), 'lstm': (nn.LSTM, 1), 'deep-gru': (nn.GRU, 2)}
TRANSLATORS = {'seq2seq': False, 'seq2seq-attention': True}


def case(row, images, hidden):
    """(build, inputs -> loss, inputs -> output, inputs, optimizer, clip, items per step) for one row of Zoo's report."""
    name, size, batch = row['model'], row['inputSize'], row['batchSize']
    g = torch.Generator().manual_seed(1)
    if name in CLASSIFIERS:
        x = F.interpolate(images[:batch], size=(size, size), mode='bilinear', align_corners=False) if size != 28 else images[:batch]
        y = torch.randint(0, 10, (batch,), generator=g)
        return (CLASSIFIERS[name], lambda m: F.cross_entropy(m(x), y), lambda m: m(x),
                lambda p: torch.optim.SGD(p, lr=0.01), None, batch)
    if name in LANGUAGE_MODELS:
        cell, layers = LANGUAGE_MODELS[name]
        tokens = torch.randint(0, 28, (batch, size), generator=g)
        targets = torch.randint(0, 28, (size * batch,), generator=g)
        return (lambda: RNNLM(cell, 28, hidden, layers), lambda m: F.cross_entropy(m(tokens)[0].reshape(-1, 28), targets),
                lambda m: m(tokens), lambda p: torch.optim.SGD(p, lr=1), 1.0, size * batch)
    if name in TRANSLATORS:
        source, target = 9794, 17386
        src = torch.randint(0, source, (batch, size), generator=g)
        dec = torch.randint(0, target, (batch, size), generator=g)
        labels = torch.randint(0, target, (size * batch,), generator=g)
        valid = torch.full((batch,), size)
        return (lambda: Seq2Seq(source, target, attention=TRANSLATORS[name]),
                lambda m: F.cross_entropy(m(src, dec, valid).reshape(-1, target), labels),
                lambda m: m(src, dec, valid), lambda p: torch.optim.Adam(p, lr=0.005), 1.0, size * batch)
    raise SystemExit(f'no PyTorch counterpart for {name}')


def bench(row, images, hidden, samples):
    """One row: as Zoo's Benchmark.measure, a first instance takes a training step and an inference pass (what the
    process does once is not counted), a second gives the inference memory, a third the training memory and rates."""
    build, loss_of, forward, optimizer_of, clip, items = case(row, images, hidden)

    def trainer(model):
        opt = optimizer_of(model.parameters())

        def train():
            opt.zero_grad()
            loss_of(model).backward()
            if clip:
                nn.utils.clip_grad_norm_(model.parameters(), clip)
            opt.step()
        return train

    def inferrer(model):
        def infer():
            with torch.no_grad():
                forward(model)
        return infer

    torch.manual_seed(0)
    first = build().train()
    trainer(first)()
    first.eval()
    inferrer(first)()
    del first

    meter = PeakMemoryMeter()
    model = build().eval()
    inferrer(model)(); inferrer(model)()
    infer_memory = meter.growth()
    del model

    meter = PeakMemoryMeter()
    model = build().train()
    train = trainer(model)
    for _ in range(3):
        train()
    warmup_memory = meter.growth()
    train_rates, _ = measure(train, items, samples=samples, min_s=0.5, warmup=0)
    train_memory = meter.growth()
    model.eval()
    infer_rates, _ = measure(inferrer(model), items, samples=samples, min_s=0.5, warmup=1)
    median = lambda r: sorted(r)[len(r) // 2]
    return dict(model=row['model'], inputSize=row['inputSize'], batchSize=row['batchSize'], train=median(train_rates),
                infer=median(infer_rates), trainPeakBytes=train_memory, trainPeakBytesAfterWarmup=warmup_memory,
                inferPeakBytes=infer_memory)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('zoo', help="zoo bench's --json report")
    ap.add_argument('--threads', type=int, default=0, help="default: the report's OpenBLAS threads")
    ap.add_argument('--samples', type=int, default=5)
    ap.add_argument('--json', default='')
    args = ap.parse_args()
    zoo = json.load(open(args.zoo))
    args.threads = args.threads or zoo['machine']['blasThreads']
    torch.set_num_threads(args.threads)
    hidden = zoo.get('hidden', 256)  # reports before zoo recorded it: its default
    classifiers = [r for r in zoo['models'] if r['model'] in CLASSIFIERS]
    images = load_fashion_mnist('train')[0][:max(r['batchSize'] for r in classifiers)] if classifiers else torch.zeros(64, 1, 28, 28)
    rows = []
    for row in zoo['models']:
        rows.append(bench(row, images, hidden, args.samples))
        print(f"  {row['model']}: train {rows[-1]['train']:,.0f}/s, infer {rows[-1]['infer']:,.0f}/s", flush=True)
    print(f'\nZoo ({zoo["machine"].get("engineKernels", "?")} kernels) against torch {torch.__version__} '
          f'({torch.backends.cpu.get_cpu_capability()}), {args.threads} threads')
    print('\n'.join(table([measurements(zoo, dict(rows=rows))])))
    if args.json:
        env = dict(torch=torch.__version__, threads=args.threads, cpu_capability=torch.backends.cpu.get_cpu_capability(),
                   python=platform.python_version(), date=time.strftime('%Y-%m-%d %H:%M:%S %Z'),
                   cpu=next((l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name')), '?'))
        with open(args.json, 'w') as f:
            json.dump(dict(env=env, zoo=args.zoo, rows=rows), f, indent=1)
        print('wrote', args.json)


if __name__ == '__main__':
    main()
