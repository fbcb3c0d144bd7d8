"""`lamcheck bench`: how fast lamcheck's trained tier is, measured against the papers' own protocol.

    lamcheck bench [--json] [--with-suite] [--grid subset|full] [--updates N] [--device cpu|cuda] [--tiny] [--in-process]

One run measures, on the same configurations (code and method in benchmarks/, numbers in
docs/performance.md):

* end to end (`benchmarks.end_to_end`): the trained points of Zhang et al.'s Fig. 3 middle at equal LAM
  updates, lamcheck's pipeline against the protocol run one configuration at a time:
  ``end_to_end_ratio`` = protocol wall time / lamcheck wall time (``_cpu``: the same in CPU time);
* raw trainer throughput (`benchmarks.trainer`): configuration-steps per second batched and one at a time,
  the batched trainer's FLOP/s (`benchmarks.flops`) and ``trainer_matmul_fraction`` = that / the one-thread
  float32 matmul rate at the trainer's product size (`benchmarks.matmul`, measured before and after);
  ``_cpu`` variants divide by CPU time instead of wall time (robust on a shared machine);
* with ``--with-suite``: the wall time of ``lamcheck audit --scale ci`` (per check) and ``pytest -m theorem``.

The measurements run in a child process with one BLAS/OpenMP thread (the trainer and the baseline are
both single-threaded; the machine's other core stays free), unless ``--in-process``. ``--tiny`` shrinks
everything to a smoke test (seconds; its ratios are not meaningful). The default (8 configurations x 4001
updates, `SUBSET_UPDATES`) takes a few minutes on an idle 2-core machine.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ONE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def add_arguments(p) -> None:
    p.add_argument("--json", action="store_true", help="print the measurements as JSON")
    p.add_argument("--with-suite", action="store_true",
                   help="also time `lamcheck audit --scale ci` and `pytest -m theorem` (several minutes)")
    p.add_argument("--grid", default="subset", help="subset (default: 4 sigmas x 2 d_z, a few minutes) or full (the "
                                                    "figure's 16 x 7 grid; the protocol side takes about half an hour)")
    p.add_argument("--updates", default=None, help="LAM updates per configuration, both sides (default: 4001 for the "
                                                    "subset, the script's 10001 for the full grid)")
    p.add_argument("--tiny", action="store_true", help="a seconds-long smoke run (ratios not meaningful)")
    p.add_argument("--in-process", action="store_true", help="measure in this process (default: a one-thread child)")
    p.add_argument("--device", default="cpu", help="cpu (default) or cuda: where lamcheck's trainer and pipeline run "
                                                   "(the protocol baseline always runs on one CPU core)")


def _import_benchmarks():
    """benchmarks/ lives beside the packages in the repository; make it importable from an installed script."""
    try:
        import benchmarks  # noqa: F401
    except ImportError:
        sys.path.insert(0, str(ROOT))


def _environment() -> dict:
    import torch

    return {"python": platform.python_version(), "torch": torch.__version__, "machine": platform.machine(),
            "processor": platform.processor() or platform.machine(), "cpu_count": os.cpu_count(),
            "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None,
            "threads_env": {k: os.environ.get(k) for k in ONE_THREAD}}


#: Default LAM updates of the subset: the protocol's rhythm (a checkpoint with 5000 probe steps every 1000 updates)
#: over 4001 updates instead of the script's 10001, so that the default run takes a few minutes. Per LAM update
#: the protocol then does 25000/4001 = 6.2 probe steps instead of 55000/10001 = 5.5 (measured effect on the
#: ratio in docs/performance.md).
SUBSET_UPDATES = 4001


def measure(*, grid: str = "subset", tiny: bool = False, device: str = "cpu", updates: int | None = None) -> dict:
    """The end-to-end and trainer measurements (module docstring), in this process."""
    _import_benchmarks()
    import torch

    from benchmarks.end_to_end import EndToEndConfig, end_to_end
    from benchmarks.matmul import matmul_gflops
    from benchmarks.trainer import FAMILIES, TrainerConfig, trainer_breakdown, trainer_throughput

    torch.optim.Adam([torch.zeros(1, requires_grad=True)])  # first construction imports torch._dynamo (seconds)
    load_before = os.getloadavg() if hasattr(os, "getloadavg") else None
    t0 = time.perf_counter()
    if tiny:
        e2e_cfg = EndToEndConfig(sigmas=(0.0, 1.0), d_z=(4,), updates=201, eval_samples=4000, probe_steps=100, device=device)
        tcfg = {f: TrainerConfig(family=f, K=4, steps=20, repeats=1, device=device) for f in FAMILIES}
        mm = dict(seconds=0.05, repeats=3)
    else:
        sub = {} if grid == "full" else {"sigmas": (0.0, 0.5, 1.0, 1.5), "d_z": (4, 8)}
        if grid == "full":
            from numerics.zhang2025.protocol import fig3_middle

            exp = fig3_middle()
            sub = {"sigmas": exp.sigmas, "d_z": exp.d_z}
        e2e_cfg = EndToEndConfig(**sub, device=device, updates=updates or (None if grid == "full" else SUBSET_UPDATES))
        tcfg = {f: TrainerConfig(family=f, device=device) for f in FAMILIES}
        mm = {}
    mm_cpu = [matmul_gflops(1, clock="cpu", **mm)]
    mm_rates = {1: [matmul_gflops(1, **mm)], 2: [matmul_gflops(2, **mm)]}
    if device != "cpu":
        mm_rates[device] = [matmul_gflops(1, device=device, **mm)]
    trainer = {f: trainer_throughput(c) for f, c in tcfg.items()}
    for f, c in tcfg.items():
        trainer[f]["breakdown"] = trainer_breakdown(c, steps=5 if tiny else 50)
    mm_rates[1].append(matmul_gflops(1, **mm))
    mm_rates[2].append(matmul_gflops(2, **mm))
    e2e = end_to_end(e2e_cfg)
    mm_rates[1].append(matmul_gflops(1, **mm))
    mm_cpu.append(matmul_gflops(1, clock="cpu", **mm))
    if device != "cpu":
        mm_rates[device].append(matmul_gflops(1, device=device, **mm))
    matmul = {str(k): statistics.median(v) for k, v in mm_rates.items()}
    matmul["1_cpu_time"] = statistics.median(mm_cpu)
    ref = matmul["1" if device == "cpu" else device]
    for t in trainer.values():
        t["trainer_matmul_fraction"] = t["batched"]["gflops"] / ref
        t["trainer_matmul_fraction_cpu"] = t["batched"]["gflops_cpu"] / matmul["1_cpu_time"]
    head = trainer["clean"]
    return {
        "end_to_end_ratio": e2e.get("end_to_end_ratio"),
        "end_to_end_ratio_cpu": e2e.get("end_to_end_ratio_cpu"),
        "trainer_matmul_fraction": head["trainer_matmul_fraction"],
        "trainer_matmul_fraction_cpu": head["trainer_matmul_fraction_cpu"],
        "trainer_matmul_fraction_by_family": {f: t["trainer_matmul_fraction"] for f, t in trainer.items()},
        "trainer_matmul_fraction_cpu_by_family": {f: t["trainer_matmul_fraction_cpu"] for f, t in trainer.items()},
        "configuration_steps_per_second": {"batched": head["batched"]["steps_per_second"],
                                           "one_at_a_time": head["one_at_a_time"]["steps_per_second"],
                                           "protocol_loop": e2e.get("protocol", {}).get("lam_steps_per_second")},
        "configuration_steps_per_second_by_family": {f: {"batched": t["batched"]["steps_per_second"],
                                                         "one_at_a_time": t["one_at_a_time"]["steps_per_second"]}
                                                     for f, t in trainer.items()},
        "trainer_gflops": head["batched"]["gflops"],
        "matmul_gflops": matmul,
        "matmul_gflops_samples": {str(k): v for k, v in mm_rates.items()},
        "end_to_end": e2e,
        "trainer": trainer,
        "scale": "tiny" if tiny else grid,
        "device": device,
        "measure_seconds": time.perf_counter() - t0,
        "environment": {**_environment(), "load_average_before": load_before},
    }


def _child(args) -> dict:
    cmd = [sys.executable, "-m", "lamcheck", "bench", "--json", "--in-process", "--grid", args.grid, "--device", args.device]
    if args.updates is not None:
        cmd += ["--updates", str(args.updates)]
    if args.tiny:
        cmd.append("--tiny")
    env = {**os.environ, **ONE_THREAD}
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    if proc.returncode:
        raise RuntimeError(f"bench child failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return json.loads(proc.stdout)


def _text(r: dict) -> str:
    fmt = lambda v, spec=".2f": "n/a" if v is None else format(v, spec)  # noqa: E731
    e = r["end_to_end"]
    cs = r["configuration_steps_per_second"]
    lines = [f"end to end ({e['figure']}, {len(e['configurations'])} configurations, {e['updates']} updates):",
             f"  lamcheck {fmt(e['lamcheck']['seconds'], '.1f')} s, protocol {fmt(e.get('protocol', {}).get('seconds'), '.1f')} s"
             f"  -> end_to_end_ratio {fmt(r['end_to_end_ratio'], '.1f')} (CPU time: {fmt(r['end_to_end_ratio_cpu'], '.1f')})",
             f"  largest |LLO difference| at the last checkpoint: {fmt(e.get('max_abs_llo_difference'), '.3f')}",
             f"trainer (d_o 128, d_z 8, batch 128, A learned, K = {r['trainer']['clean']['config']['K']}):",
             f"  configuration-steps/s: batched {fmt(cs['batched'], '.0f')}, one at a time {fmt(cs['one_at_a_time'], '.0f')}, "
             f"protocol loop {fmt(cs['protocol_loop'], '.0f')}",
             f"  {fmt(r['trainer_gflops'], '.1f')} GFLOP/s against matmul {fmt(r['matmul_gflops']['1'], '.1f')} (1 thread) / "
             f"{fmt(r['matmul_gflops']['2'], '.1f')} (2 threads) -> trainer_matmul_fraction {fmt(r['trainer_matmul_fraction'])}",
             "  by family: " + ", ".join(f"{f} {fmt(v)}" for f, v in r["trainer_matmul_fraction_by_family"].items())
             + "; in CPU time: " + ", ".join(f"{f} {fmt(v)}" for f, v in r["trainer_matmul_fraction_cpu_by_family"].items())]
    if r.get("audit_seconds") is not None:
        lines.append(f"lamcheck audit --scale ci: {r['audit_seconds']:.1f} s; pytest -m theorem: {r['theorem_tests_seconds']:.1f} s")
    lines.append(f"(load average {r['environment'].get('load_average')})")
    return "\n".join(lines)


def run(args) -> int:
    if args.grid not in ("subset", "full"):
        from lamcheck.cli import UsageError

        raise UsageError(f"--grid: unknown grid {args.grid!r} (choose from subset, full)")
    if args.device not in ("cpu", "cuda"):
        from lamcheck.cli import UsageError

        raise UsageError(f"--device: unknown device {args.device!r} (choose from cpu, cuda)")
    if args.device == "cuda":
        import torch

        if not torch.cuda.is_available():
            from lamcheck.cli import UsageError

            raise UsageError("--device: cuda requested but torch sees no CUDA device")
    updates = None
    if args.updates is not None:
        try:
            updates = int(args.updates)
        except ValueError:
            updates = 0
        if updates < 1:
            from lamcheck.cli import UsageError

            raise UsageError(f"--updates: {args.updates!r} is not a positive integer")
    result = measure(grid=args.grid, tiny=args.tiny, device=args.device, updates=updates) if args.in_process else _child(args)
    result.setdefault("audit_seconds", None)
    result.setdefault("theorem_tests_seconds", None)
    if args.with_suite and not args.tiny:
        _import_benchmarks()
        from benchmarks.suite import audit_seconds, theorem_tests_seconds

        audit = audit_seconds()
        tests = theorem_tests_seconds()
        result.update(audit_seconds=audit["seconds"], theorem_tests_seconds=tests["seconds"], audit=audit, theorem_tests=tests)
    print(json.dumps(result, indent=1, default=float) if args.json else _text(result))
    return 0
