"""On paper: data-parallel training time per step of ResNet-18 (28x28) and VGG-11 (d2l's, 224x224) over N nodes like
this machine, with the global batch fixed (the recipe's), the gradients summed by a ring allreduce with no overlap:
T(N) = t_example * batch / N + 2 (N - 1) / N * bytes / bandwidth + 2 (N - 1) * latency.
t_example and the gradient bytes come from compute.json (`zoo bench resnet18 vgg11 --samples 2` in the same sitting)."""
import json
bench = {m["model"]: m for m in json.load(open("compute.json"))["models"]}
models = [("resnet18", 11_178_378, 256), ("vgg11", 43_093_322, 128)]  # parameters (`zoo list`), recipe batch
latency = 20e-6  # per message over TCP on a 10/100 Gbit/s Ethernet, a typical figure, not measured here
for name, parameters, batch in models:
    t = 1 / bench[name]["trainExamplesPerSecond"]
    size = 4 * parameters
    print(f"{name}: {t * 1e3:.2f} ms an example on one node (2 cores), gradients {size / 1e6:.1f} MB, global batch {batch}")
    for gbit in (10, 100):
        bandwidth = gbit / 8 * 1e9
        cells = []
        for n in (1, 2, 4, 8, 16, 32, 64):
            compute = t * batch / n
            comm = 0 if n == 1 else 2 * (n - 1) / n * size / bandwidth + 2 * (n - 1) * latency
            cells.append(f"N={n}: {t * batch / (compute + comm):.1f}x")
        stop = 2 * size / bandwidth / t
        print(f"  {gbit:3d} Gbit/s: " + ", ".join(cells) + f"; communication equals compute at {stop:.1f} examples per node")
