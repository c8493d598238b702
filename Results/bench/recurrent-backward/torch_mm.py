"""PyTorch's (MKL's) sgemm on the MLP's and the LSTM weight gradient's shapes, best of 300 calls, 2 threads:
    ~/.venvs/torch/bin/python Results/bench/recurrent-backward/torch_mm.py"""
import time, torch
torch.set_num_threads(2)
for m, k, n, note in [(256, 784, 256, "MLP layer 1, x W^T"), (256, 256, 256, "MLP-dropout layer 2"),
                      (1024, 1120, 256, "LSTM dW_hh, A^T B")]:
    if note.startswith("LSTM"):
        a, b = torch.rand(k, m).t(), torch.rand(k, n)
    else:
        a, b = torch.rand(m, k), torch.rand(n, k).t()
    for _ in range(20): torch.mm(a, b)
    best = min((lambda s: (torch.mm(a, b), time.perf_counter() - s)[1])(time.perf_counter()) for _ in range(300))
    print(f"{m} x {k} x {n} ({note}): {best * 1e6:.1f} us, {2 * m * k * n / best * 1e-9:.0f} GFLOP/s")
