"""End to end: the trained points of one simulation figure, lamcheck's pipeline against the papers'
protocol run one configuration at a time (`benchmarks.protocol_baseline`), on the same configurations
and the same number of LAM updates.

Default: Fig. 3 middle (ZP-E2, `numerics.zhang2025.protocol.fig3_middle`, the plotted variant: A = I,
probes on z fitted and evaluated on noise-free data, 10001 Adam updates at lr 1e-3, checkpoints every
1000 updates, 100,000 evaluation samples), on a subset of its sigma x d_z grid chosen so that the protocol
side finishes in a few minutes; ``EndToEndConfig(sigmas=..., d_z=...)`` runs any part of the grid
(the full 16 x 7 grid takes the protocol about half an hour at the measured rate, see docs/performance.md).

lamcheck's pipeline: ONE batched `train_processes` call for all configurations (Adam lr and batch from the
protocol, the authors' mean normalisation), with the evaluation at every checkpoint as its monitor; the
probes in closed form, least squares with bias fitted on a held-out sample of ``eval_samples`` source draws
and scored on another (`numerics.probes.moment_nmse`, from the samples' source moments, computed once and
shared by every configuration: each configuration's held-out data is an exact sample of its own process;
across configurations the samples are common random numbers). ``probes="adam"`` trains the probes as the
protocol does instead (`gpu_checks.probes.AdamProbes`, state carried over between checkpoints).
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from itertools import product

import numpy as np
import torch

from benchmarks.protocol_baseline import run_configuration
from gpu_checks.linear_lam import process_sampler, train_processes
from gpu_checks.probes import AdamProbes
from gpu_checks.training import Schedule, StopRule
from numerics.probes import augmented_moments, moment_nmse
from numerics.processes import LinearProcess
from numerics.zhang2025 import protocol as P


@dataclass(frozen=True)
class EndToEndConfig:
    figure: str = "fig3_middle"
    variant: str = "plotted"
    sigmas: tuple[float, ...] = (0.0, 0.5, 1.0, 1.5)
    d_z: tuple[int, ...] = (4, 8)
    updates: int | None = None  # None: the script's (10001 for Fig. 3 middle)
    eval_samples: int | None = None  # None: the script's (100,000)
    probe_steps: int | None = None  # None: the protocol's 5000 per checkpoint
    seed: int = 0
    probes: str = "closed-form"  # lamcheck's probes: "closed-form" or "adam"
    run_protocol: bool = True
    device: str = "cpu"  # lamcheck's side; the protocol runs on one CPU core, as the authors' scripts do

    def experiment(self) -> P.Experiment:
        exp = P.FIGURES[self.figure](self.variant)
        if self.probe_steps is not None:
            from dataclasses import replace

            exp = replace(exp, probes=replace(exp.probes, steps=self.probe_steps))
        return exp


@dataclass(frozen=True)
class Configuration:
    sigma: float
    d_z: int
    process: LinearProcess = field(repr=False, compare=False)


def configurations(cfg: EndToEndConfig) -> list[Configuration]:
    exp = cfg.experiment()
    out = []
    for i, (s, dz) in enumerate(product(cfg.sigmas, cfg.d_z)):
        rng = np.random.default_rng(1000 * cfg.seed + i)
        out.append(Configuration(s, dz, exp.process(rng, dz, sigma=s)))
    return out


def _probe_processes(exp: P.Experiment, proc: LinearProcess) -> tuple[LinearProcess, LinearProcess]:
    fit = proc if exp.probes.fit_data == "training" else proc.clean()
    ev = proc if exp.probes.eval_data == "training" else proc.clean()
    return fit, ev


def _sub_moments(G: np.ndarray, n_src: int) -> np.ndarray:
    """Moments of the first n_src source coordinates (and the constant) from those of a longer draw: the
    first n_src coordinates of a longer standard-normal draw are a draw of the shorter source."""
    idx = np.r_[np.arange(n_src), G.shape[0] - 1]
    return G[np.ix_(idx, idx)]


def lamcheck_pipeline(exp: P.Experiment, procs: list[LinearProcess], *, updates: int, eval_samples: int, seed: int = 0,
                      probes: str = "closed-form", device: str = "cpu") -> dict:
    """Train every configuration in one batched call; evaluate the probes at every checkpoint (module
    docstring). Returns per-configuration records and the wall/CPU seconds of the whole pipeline."""
    t0, c0 = time.perf_counter(), time.process_time()
    pairs = [_probe_processes(exp, p) for p in procs]
    n_max = max(q.source.n_source for pair in pairs for q in pair)
    rng = np.random.default_rng(10_007 + seed)
    G_fit = augmented_moments(rng.standard_normal((eval_samples, n_max)))
    G_ev = augmented_moments(rng.standard_normal((eval_samples, n_max)))
    pr = exp.probes
    noise_target = pr.noise_target
    records: list[list[dict]] = [[] for _ in procs]
    adam: dict[int, AdamProbes] = {}
    step = {"t": 0}

    def inputs(params: dict, k: int, src) -> dict[str, np.ndarray]:
        dz = procs[k].d_z
        Tz = params["C"][k][:dz] @ src.T("o") + params["D"][k][:dz] @ src.T("o_next")
        Tp = (params["A"][k] - np.eye(src.T("o").shape[0])) @ src.T("o") + params["B"][k][:, :dz] @ Tz
        pick = lambda which: Tz if which == "z" else Tp  # noqa: E731
        return {"a": pick(pr.action_input), "o": pick(pr.rest_input), "noise": pick(pr.rest_input)}

    def closed_form(params: dict, k: int) -> dict[str, float]:
        fit, ev = pairs[k]
        Gf, Ge = _sub_moments(G_fit, fit.source.n_source), _sub_moments(G_ev, ev.source.n_source)
        vf, ve = inputs(params, k, fit.source), inputs(params, k, ev.source)
        if not np.array_equal(vf["a"], ve["a"]) and fit.source.n_source != ev.source.n_source:
            raise ValueError("closed-form transfer between different sources is not needed by these figures")
        out = {t: moment_nmse(Gf, fit.source.T(t), vf[key], Ge) for key, t in (("a", "a"), ("o", "o"))}
        has_noise = noise_target is not None and ev.has_noise
        out["noise"] = moment_nmse(Gf, fit.source.T(noise_target), vf["noise"], Ge) if has_noise else P.NOISE_TERM_WITHOUT_NOISE
        return out

    def trained(params: dict, k: int) -> dict[str, float]:
        fit, ev = pairs[k]
        dz = procs[k].d_z
        C = torch.as_tensor(params["C"][k][:dz], dtype=torch.float32)
        D = torch.as_tensor(params["D"][k][:dz], dtype=torch.float32)
        probe = adam.setdefault(k, AdamProbes(dz, {"a": fit.d_a, "o": fit.d_o}, lr=pr.lr, seed=seed + k))
        if pr.action_input != "z" or pr.rest_input != "z":
            raise ValueError("the Adam-probe option is wired for probes on z")
        sample_fit, sample_ev = process_sampler([fit]), process_sampler([ev])

        def draw(n, g):
            b = sample_fit(n, g)
            return b.o[0] @ C.T + b.o_next[0] @ D.T, {"a": b.a[0], "o": b.o[0]}

        probe.fit(draw, pr.steps, pr.batch)
        b = sample_ev(eval_samples, probe.gen)
        got = probe.nmse(b.o[0] @ C.T + b.o_next[0] @ D.T, {"a": b.a[0], "o": b.o[0]})
        return {"a": got["a"], "o": got["o"], "noise": P.NOISE_TERM_WITHOUT_NOISE}

    def monitor(params: dict) -> dict[str, np.ndarray]:
        rows = []
        for k in range(len(procs)):
            m = closed_form(params, k) if probes == "closed-form" else trained(params, k)
            rec = {"update": step["t"], "act": m["a"], "obs": m["o"], "noi": m["noise"], "llo": -m["a"] + m["o"] + m["noise"]}
            records[k].append(rec)
            rows.append(rec)
        step["t"] += P.CHECKPOINT_EVERY
        return {key: np.array([r[key] for r in rows]) for key in ("act", "obs", "noi", "llo")}

    res = train_processes(procs, schedule=Schedule(exp.training.lr), stop=StopRule(updates, every=P.CHECKPOINT_EVERY),
                          monitor=monitor, seed=seed, device=device)
    for k in range(len(procs)):  # the last log is at the budget, not a multiple of the checkpoint
        records[k][-1]["update"] = res.run.steps[-1]
    return {"records": records, "seconds": time.perf_counter() - t0, "cpu_seconds": time.process_time() - c0,
            "train_seconds": res.seconds}


def end_to_end(cfg: EndToEndConfig = EndToEndConfig()) -> dict:
    exp = cfg.experiment()
    confs = configurations(cfg)
    procs = [c.process for c in confs]
    updates = exp.training.updates if cfg.updates is None else cfg.updates
    eval_samples = exp.probes.eval_samples if cfg.eval_samples is None else cfg.eval_samples
    ours = lamcheck_pipeline(exp, procs, updates=updates, eval_samples=eval_samples, seed=cfg.seed, probes=cfg.probes,
                             device=cfg.device)
    out = {
        "figure": f"{exp.figure} ({exp.name}, variant {exp.variant}; claim {exp.claim})",
        "config": asdict(cfg),
        "configurations": [{"sigma": c.sigma, "d_z": c.d_z} for c in confs],
        "updates": updates, "checkpoint_every": P.CHECKPOINT_EVERY, "probe_steps_per_checkpoint": exp.probes.steps,
        "probe_batch": exp.probes.batch, "eval_samples": eval_samples, "adam_lr": exp.training.lr,
        "lamcheck": {"seconds": ours["seconds"], "cpu_seconds": ours["cpu_seconds"], "train_seconds": ours["train_seconds"],
                     "probes": cfg.probes},
    }
    if not cfg.run_protocol:
        out["final_llo"] = [{"sigma": c.sigma, "d_z": c.d_z, "lamcheck": r[-1]["llo"]} for c, r in zip(confs, ours["records"])]
        return out
    base, t0, c0 = [], time.perf_counter(), time.process_time()
    for i, c in enumerate(confs):
        base.append(run_configuration(exp, c.process, updates=updates, seed=1000 * cfg.seed + i, eval_samples=eval_samples))
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    lam_s = sum(b.lam_seconds for b in base)
    out["protocol"] = {"seconds": wall, "cpu_seconds": cpu, "lam_seconds": lam_s,
                       "probe_seconds": sum(b.probe_seconds for b in base), "eval_seconds": sum(b.eval_seconds for b in base),
                       "probe_steps": sum(b.probe_steps for b in base),
                       "lam_steps_per_second": len(confs) * updates / lam_s if lam_s > 0 else float("nan")}
    out["end_to_end_ratio"] = wall / ours["seconds"]
    out["end_to_end_ratio_cpu"] = cpu / ours["cpu_seconds"]
    rows = [{"sigma": c.sigma, "d_z": c.d_z, "lamcheck": r[-1]["llo"], "protocol": b.records[-1]["llo"]}
            for c, r, b in zip(confs, ours["records"], base)]
    out["final_llo"] = rows
    out["max_abs_llo_difference"] = max(abs(r["lamcheck"] - r["protocol"]) for r in rows)
    return out
