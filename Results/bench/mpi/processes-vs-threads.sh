#!/bin/bash
# Alternating: 1 process x 2 threads vs 2 processes x 1 thread (mpirun -np 2), per model.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
Z=$(realpath ${ZOO:-.build/release/zoo})   # run from the repository root
mkdir -p /tmp/zoo-mpi-bench && cd /tmp/zoo-mpi-bench
for spec in "lenet --limit 30720" "mlp --limit 30720" "resnet18 --limit 5120" "vgg11-full --limit 1024" "gru --limit 3200" "lstm --limit 3200"; do
  set -- $spec; m=$1; shift
  for round in 1 2; do
    $Z run $m --epochs 1 "$@" --test-limit 256 --record one-$m-$round.json > /dev/null 2>&1
    mpirun -np 2 $Z run $m --epochs 1 "$@" --test-limit 256 --record two-$m-$round.json > /dev/null 2>&1
  done
  python3 - "$m" <<'PY'
import json,sys
m=sys.argv[1]
def r(f):
    d=json.load(open(f)); e=d['epochs'][-1]; dd=d.get('distributed') or {}
    return e['trainExamplesPerSecond'], dd.get('allreduceSecondsPerStep')
one=[r(f'one-{m}-{i}.json')[0] for i in (1,2)]; two=[r(f'two-{m}-{i}.json') for i in (1,2)]
print(f"{m:10s} 1x2 {one[0]:9.0f} {one[1]:9.0f}   2x1 {two[0][0]:9.0f} {two[1][0]:9.0f}   ratio {sum(t[0] for t in two)/sum(one):.2f}   allreduce ms/step {two[0][1]*1000:.2f} {two[1][1]*1000:.2f}")
PY
done
