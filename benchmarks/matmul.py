"""The machine's float32 matmul rate at the trainer's own product size, for 1 and 2 torch threads.

The trainer's dominant product is a batch of K (n x d_o)(d_o x d_o) matrices (n = d_o = 128 at the
papers' sizes): `matmul_gflops` times exactly that, ``torch.bmm`` on (K, n, d_o) x (K, d_o, d_o), and
returns the median over repeats of 2 K n d_o^2 / seconds.
"""

from __future__ import annotations

import statistics
import time

import torch


def matmul_gflops(threads: int = 1, *, K: int = 32, n: int = 128, d: int = 128, seconds: float = 0.4,
                  repeats: int = 5, device: str = "cpu", clock: str = "wall") -> float:
    """Median GFLOP/s of torch.bmm (K, n, d) x (K, d, d) in float32 on ``threads`` intra-op threads (CPU),
    or on ``device`` (synchronised before each clock reading). ``clock="cpu"``: per second of this
    process's CPU time (on a shared machine, insensitive to the time other processes hold the core; for
    one thread the rate of a core while it runs this process)."""
    before = torch.get_num_threads()
    torch.set_num_threads(threads)
    sync = torch.cuda.synchronize if torch.device(device).type == "cuda" else (lambda: None)
    try:
        g = torch.Generator().manual_seed(0)
        a, b = torch.randn(K, n, d, generator=g).to(device), torch.randn(K, d, d, generator=g).to(device)
        out = torch.empty(K, n, d, device=device)
        for _ in range(3):
            torch.bmm(a, b, out=out)
        flop = 2.0 * K * n * d * d
        sync()
        t0 = time.perf_counter()
        torch.bmm(a, b, out=out)
        sync()
        reps = max(int(seconds / max(time.perf_counter() - t0, 1e-6) / repeats), 1)
        rates, cpu_rates = [], []
        for _ in range(repeats):
            sync()
            t0, c0 = time.perf_counter(), time.process_time()
            for _ in range(reps):
                torch.bmm(a, b, out=out)
            sync()
            rates.append(flop * reps / (time.perf_counter() - t0) / 1e9)
            cpu_rates.append(flop * reps / max(time.process_time() - c0, 1e-9) / 1e9)
        return statistics.median(cpu_rates if clock == "cpu" else rates)
    finally:
        torch.set_num_threads(before)
