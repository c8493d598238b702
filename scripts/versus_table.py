"""Zoo against PyTorch as one table, from rounds of side-by-side measurements.

A round is, per model, `zoo bench --json` (zoo-MODEL.json) and scripts/torch_zoo_bench.py on that report
(torch-MODEL.json), taken one right after the other so that the machine's drift falls on both alike
(scripts/versus-pytorch writes them into FOLDER/round-1, round-2, ...). Per model the table gives each side's best
rate over the rounds (on a shared machine others' work only ever slows a measurement down, so the best is the one
least disturbed), their ratio, and in brackets the median and range of the rounds' own ratios; the larger of the rounds' memory
peaks; the median share of the sgemm figure measured in the same `zoo bench` run; and a ceiling, the training ratio
Zoo would reach with its step's GEMM and convolution FLOPs at the best of the rounds' sgemm figures (a yardstick of
the room the machine leaves, not a bound: larger GEMMs run faster than a 512 x 512 sgemm). It also reads a folder of reports from before rounds
existed (zoo-*.json and torch-*.json of several models each) as one round.

    python3 scripts/versus_table.py FOLDER            # prints the table and writes FOLDER/table.md
"""
import glob, json, os, sys
from statistics import median


def measurements(zoo_report, torch_report):
    """One dict per model of a zoo report and the torch report made from it."""
    torch_rows = {r['model']: r for r in torch_report['rows']}
    out = []
    for z in zoo_report['models']:
        t = torch_rows.get(z['model'])
        if t is None:
            continue
        out.append(dict(model=z['model'], input=z['inputSize'], batch=z['batchSize'],
                        zoo_train=z['trainExamplesPerSecond'], torch_train=t['train'],
                        zoo_infer=z['inferExamplesPerSecond'], torch_infer=t['infer'],
                        zoo_train_bytes=z.get('trainPeakBytes'), torch_train_bytes=t['trainPeakBytes'],
                        zoo_infer_bytes=z.get('inferPeakBytes'), torch_infer_bytes=t['inferPeakBytes'],
                        of_sgemm=z.get('fractionOfSgemm'), sgemm=zoo_report.get('sgemmGFLOPS'),
                        flops=z.get('flopsPerExample')))
    return out


def read_round(folder):
    """The measurements of one folder of zoo-X.json / torch-X.json pairs."""
    out = []
    for zoo_path in sorted(glob.glob(os.path.join(folder, 'zoo-*.json')), key=os.path.getmtime):
        torch_path = os.path.join(folder, 'torch-' + os.path.basename(zoo_path)[len('zoo-'):])
        if os.path.exists(torch_path):
            try:
                found = measurements(json.load(open(zoo_path)), json.load(open(torch_path)))
            except (ValueError, KeyError, TypeError) as error:
                raise SystemExit(f'versus_table: {zoo_path} or {torch_path} is not a report of zoo bench --json and '
                                 f'torch_zoo_bench.py ({type(error).__name__}: {error}); measure that model again')
            if any(m[key] <= 0 for m in found for key in ('zoo_train', 'torch_train', 'zoo_infer', 'torch_infer')):
                raise SystemExit(f'versus_table: a rate of zero or less in {zoo_path} or {torch_path}; measure that model again')
            # Older reports may lack these two; where present they must be positive numbers.
            if any(m[key] is not None and (isinstance(m[key], bool) or not isinstance(m[key], (int, float)) or m[key] <= 0)
                   for m in found for key in ('flops', 'sgemm')):
                raise SystemExit(f'versus_table: flopsPerExample or sgemmGFLOPS in {zoo_path} is not a positive number; '
                                 'measure that model again')
            out += found
    return out


def ratio(runs, side):
    """The ratio of Zoo's best rate to PyTorch's on `side` ('train' or 'infer'), and the median and range of the rounds'
    own ratios (each round's two sides measured a minute apart, so that the machine's slow spells fall on both: where
    one side's best came from a lucky spell the other missed, the median of the pairs is the steadier figure)."""
    best = max(m['zoo_' + side] for m in runs) / max(m['torch_' + side] for m in runs)
    each = [m['zoo_' + side] / m['torch_' + side] for m in runs]
    lo, hi = f'{min(each):.2f}', f'{max(each):.2f}'
    return f'{best:.2f}' if len(each) == 1 else f'{best:.2f} (median {median(each):.2f}; {lo}..{hi})'


def ceiling(runs, best_sgemm):
    """The training ratio at `best_sgemm` GFLOP/s: best_sgemm over PyTorch's best training FLOP rate."""
    flops = next((m['flops'] for m in runs if m['flops']), None)
    if not flops or not best_sgemm:
        return ''
    return f"{best_sgemm * 1e9 / (max(m['torch_train'] for m in runs) * flops):.2f}"


def table(rounds):
    """Markdown lines: one row per model, in the order the first round measured them."""
    mib = lambda b: f'{b / 2**20:,.0f}' if b is not None else '?'
    rate = lambda v: f'{v:,.0f}'
    lines = ['| model | input | batch | train Zoo / PyTorch | ratio | infer Zoo / PyTorch | ratio | train MiB Zoo / PyTorch '
             '| infer MiB Zoo / PyTorch | of sgemm | ceiling |', '|' + '---|' * 11]
    order = list(dict.fromkeys(m['model'] for r in rounds for m in r))
    best_sgemm = max((m['sgemm'] for r in rounds for m in r if m['sgemm']), default=None)
    for name in order:
        runs = [m for r in rounds for m in r if m['model'] == name]
        first = runs[0]
        peak = lambda key: max((m[key] for m in runs if m[key] is not None), default=None)
        shares = [m['of_sgemm'] for m in runs if m['of_sgemm'] is not None]
        lines.append('| ' + ' | '.join([
            name, str(first['input']), str(first['batch']),
            f"{rate(max(m['zoo_train'] for m in runs))} / {rate(max(m['torch_train'] for m in runs))}", ratio(runs, 'train'),
            f"{rate(max(m['zoo_infer'] for m in runs))} / {rate(max(m['torch_infer'] for m in runs))}", ratio(runs, 'infer'),
            f"{mib(peak('zoo_train_bytes'))} / {mib(peak('torch_train_bytes'))}",
            f"{mib(peak('zoo_infer_bytes'))} / {mib(peak('torch_infer_bytes'))}",
            f'{100 * median(shares):.0f}%' if shares else '',
            ceiling(runs, best_sgemm)]) + ' |')
    sgemm = [m['sgemm'] for r in rounds for m in r if m['sgemm']]
    if sgemm:
        lines += ['', f'{len(rounds)} round(s); best rates per second (examples, or tokens for the text models), in brackets '
                      f'the median and range of the rounds\' own ratios; the sgemm 512x512 beside each Zoo run: {min(sgemm):.0f}..{max(sgemm):.0f} GFLOP/s. '
                      f'Ceiling: the training ratio Zoo would reach with its step at the best of those sgemm figures, '
                      f'{max(sgemm):.0f} GFLOP/s (the GEMM and convolution FLOPs of a training step over that rate, against PyTorch\'s '
                      f'best rate); below 1.5, a 1.5x lead would need the whole step faster than that sgemm.']
    return lines


def main():
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    folder = sys.argv[1]
    round_folders = sorted(glob.glob(os.path.join(folder, 'round-*')), key=lambda p: int(p.rsplit('-', 1)[1]))
    rounds = [read_round(f) for f in round_folders] if round_folders else [read_round(folder)]
    rounds = [r for r in rounds if r]
    if not rounds:
        raise SystemExit(f'versus_table: no zoo-*.json with its torch-*.json in {folder}')
    lines = table(rounds)
    print('\n'.join(lines))
    with open(os.path.join(folder, 'table.md'), 'w') as f:
        f.write('\n'.join(lines) + '\n')


if __name__ == '__main__':
    main()
