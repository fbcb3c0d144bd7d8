"""Raw trainer throughput: configuration-steps per second, batched against one configuration at a time,
and the batched trainer's achieved FLOP/s (`benchmarks.flops`) next to the matmul rate (`benchmarks.matmul`).

The configurations are the papers' linear LAM (d_o = 128, d_a = 8, d_z = 8, batch 128, A learned, the
authors' mean normalisation) on K processes of one family ("clean": eps = 0; "iid": eps = 0.5 n, the
noise of Fig. 3 middle, which doubles the Gaussian draws per sample). Both routes run the same K
configurations for the same number of Adam steps through `gpu_checks.linear_lam.train_processes` (one
torch thread on the CPU; ``device="cuda"`` on a GPU, where the run's last loss read-back synchronises
before the clock stops); "one at a time" calls it once per configuration with K = 1.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import asdict, dataclass

import numpy as np

from benchmarks.flops import linear_lam_step_flops
from gpu_checks.linear_lam import process_sampler, train_processes
from gpu_checks.training import Schedule, StopRule
from numerics.processes import LAMConfig, zhang_process

FAMILIES = {"clean": ("none", 0.0), "iid": ("iid", 0.5)}


@dataclass(frozen=True)
class TrainerConfig:
    family: str = "clean"
    K: int = 32
    steps: int = 150
    d_o: int = 128
    d_a: int = 8
    d_z: int = 8
    batch: int = 128
    learn_A: bool = True
    repeats: int = 3
    device: str = "cpu"


def processes(cfg: TrainerConfig) -> list:
    noise, sigma = FAMILIES[cfg.family]
    lam = LAMConfig(d_z=cfg.d_z, learn_A=cfg.learn_A, loss_normalisation="mean", batch=cfg.batch)
    return [zhang_process(np.random.default_rng(k), d_o=cfg.d_o, d_a=cfg.d_a, noise=noise, sigma=sigma, lam=lam)
            for k in range(cfg.K)]


def flops_per_configuration_step(cfg: TrainerConfig, procs: list | None = None) -> int:
    procs = procs or processes(cfg)
    sampler = process_sampler(procs)
    return linear_lam_step_flops(n=cfg.batch, d_o=cfg.d_o, d_z=cfg.d_z, learn_A=cfg.learn_A, sampler=sampler.flops(cfg.batch))


def _timed(fn) -> tuple[float, float]:
    t0, c0 = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - t0, time.process_time() - c0


def trainer_throughput(cfg: TrainerConfig) -> dict:
    """Median over ``repeats`` of configuration-steps per second (wall and CPU time), batched and one at a
    time, and the batched FLOP/s."""
    procs = processes(cfg)
    run = lambda ps, seed: train_processes(ps, schedule=Schedule(1e-3), stop=StopRule(cfg.steps, every=cfg.steps), seed=seed,  # noqa: E731
                                           device=cfg.device)
    run(procs[:2], 99)  # warm-up (allocator, kernels)
    batched, single = [], []
    for r in range(cfg.repeats):
        batched.append(_timed(lambda: run(procs, r)))
        single.append(_timed(lambda: [run([p], r) for p in procs]))
    work = cfg.K * cfg.steps
    flops = flops_per_configuration_step(cfg, procs)
    med = lambda xs, i: statistics.median(x[i] for x in xs)  # noqa: E731
    out = {
        "config": asdict(cfg),
        "flops_per_configuration_step": flops,
        "batched": {"steps_per_second": work / med(batched, 0), "steps_per_second_cpu": work / med(batched, 1)},
        "one_at_a_time": {"steps_per_second": work / med(single, 0), "steps_per_second_cpu": work / med(single, 1)},
    }
    out["batched"]["gflops"] = flops * out["batched"]["steps_per_second"] / 1e9
    out["batched"]["gflops_cpu"] = flops * out["batched"]["steps_per_second_cpu"] / 1e9
    out["speedup_batched"] = out["batched"]["steps_per_second"] / out["one_at_a_time"]["steps_per_second"]
    return out


def trainer_breakdown(cfg: TrainerConfig, steps: int = 50) -> dict:
    """Where one batched step's time goes, each part timed alone on the configuration (CPU seconds per
    configuration-step, median of 3): the sampler (fresh Gaussian draws and o' = o + X a ...), the
    forward and backward of the loss on one fixed batch, and the fused Adam update; ``step`` is the
    whole step as `trainer_throughput` runs it, ``counted_flops_at_matmul_rate`` what the counted FLOPs
    would take at ``matmul_gflops_cpu`` (the same op's rate, measured here in CPU time)."""
    import torch

    from benchmarks.matmul import matmul_gflops
    from gpu_checks.linear_lam import _LossPlan, init_linear_lams, lam_losses, options_for
    from gpu_checks.training import adam, single_thread

    procs = processes(cfg)
    sampler = process_sampler(procs, cfg.device)
    gen = torch.Generator(device=cfg.device).manual_seed(0)
    per = lambda seconds: seconds / (steps * cfg.K)  # noqa: E731

    def cpu(fn) -> float:
        fn()
        runs = []
        for _ in range(3):
            c0 = time.process_time()
            for _ in range(steps):
                fn()
            runs.append(per(time.process_time() - c0))
        return statistics.median(runs)

    with single_thread(cfg.device):
        model = init_linear_lams(cfg.K, cfg.d_o, [cfg.d_z] * cfg.K, options_for(procs), gen, cfg.device)
        plan = _LossPlan.of(model, cfg.K, cfg.device)
        batch = sampler(cfg.batch, gen)
        opt = adam(model.params, 1e-3)

        def fwd_bwd():
            for p in model.params:
                p.grad = None
            lam_losses(model, batch, gen, plan).sum().backward()

        fwd_bwd()
        out = {"sampler": cpu(lambda: sampler(cfg.batch, gen)), "forward_backward": cpu(fwd_bwd), "adam": cpu(opt.step)}

        def step():
            for p in model.params:
                p.grad = None
            lam_losses(model, sampler(cfg.batch, gen), gen, plan).sum().backward()
            opt.step()

        out["step"] = cpu(step)
        out["matmul_gflops_cpu"] = matmul_gflops(1, K=cfg.K, clock="cpu")
    out["counted_flops_at_matmul_rate"] = flops_per_configuration_step(cfg, procs) / (out["matmul_gflops_cpu"] * 1e9)
    out = {k: (v if k == "matmul_gflops_cpu" else v * 1e6) for k, v in out.items()}
    return {**out, "unit": "microseconds per configuration-step (CPU time)"}
