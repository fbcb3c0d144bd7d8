"""The trained experiments of Lachapelle 2025 on the continuous test bed (library; no checks).

THIS IS THIS PROJECT'S RECONSTRUCTION (provenance ``reconstructed``): the paper reports no experiments. Each run is
batched over models (entropy weights x seeds) and cached (`gpu_checks.training.cached`), so the checks of LA-T1,
LA-T2, LA-T3, LA-L2 and LA-U1 read the same lambda sweep.

Configuration. Full scale: the reconstructed test bed as specified (rotation theta(s) = pi s_1: the displacement turns by 2 pi across
the state space), k in {4, 6, 8}, lam in {0, 1e-3, 1e-2, 1e-1, 1}, 4 seeds, 20,000 steps, batch 256, hidden 64.
CI scale: 1,200 steps, batch 64, hidden 32, 3 seeds, k = 6, lam in {0, 1e-2, 1e-1, 1}, on the test bed with
rotation pi/4 s_1 (a quarter turn across the state space, below the pi/2 between actions), because at the reference
rotation the CI budget was seen to stop in state-dependent local optima (codes keyed to the absolute direction of
s' - s); the reference rotation is also run at CI (lam = 1e-2) and its check reports what training finds there.
lam is relative to the reconstruction scale: errors are in units of step^2 (`models`).

CI budget of the discrete sweep (was batch 128 x 2 seeds): batch 64 x 3 seeds; the continuous and VQ runs keep
batch 128 x 2 seeds (`Config.variants`: their per-step cost is mostly fixed overhead, so a smaller batch would not
pay for a third seed, and their runs stay the same as before). What decides the outcomes is kept: k / m = 6 / 4, lam in
units of the collapsed solution's L_rec (~1), the rotation, the model class (hidden 32), lr and its schedule over the
1,200-step cap, n_eval. The margins do not depend on the batch: ENTROPY_MARGIN / REC_MARGIN / PURITY_MIN are
fractions of the collapsed solution's values, and the early stop's 3 s.e. are standard errors of the n_eval-point
monitor sample (independent of the evaluation sample), so they are re-derived unchanged. A third seed gives every
asserted threshold side (LA-L2: E[H] <= ENTROPY_MARGIN in every seed) three replicates. Measured on this CPU: the
sweep stops at 500 steps instead of 800 (cost ~0.55x), the continuous run at 100 as before; at lam = 1e-1 training
still merges actions (2 modal codes, L_rec ~0.29) and at the reference rotation it still stops in a state-dependent
local optimum (purity ~0.3), as at batch 128.

Early stops on the invariant the checks test (both scales; the step budget above is the cap, and up to the stop a
run is the same run as the full budget):

    discrete    once every model LA-L2's trained check reads (the connected bed at 0 < lam <= 0.1) has held-out
                mean entropy E[H] + 3 s.e. <= ENTROPY_MARGIN, on a fixed monitor sample of n_eval transitions
                drawn apart from the evaluation sample (s.e. = std of the per-transition H / sqrt(n_eval)); the
                other models of the run are read at the same step
    continuous  once every model has held-out L_rec <= ZERO_LOSS_TOL (a zero-loss code, LA-U3)
    vq          no early stop (the trained VQ reaches no predicted invariant; its EMA codebook has a time constant
                of 1 / (1 - decay) = 1000 steps, so it runs its whole budget)
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import torch

from gpu_checks.lachapelle2025 import models
from gpu_checks.training import cached, single_thread
from numerics.lachapelle2025 import metrics, statistics
from numerics.lachapelle2025.testbed import ContinuousTestBed

#: Margins for "training found the predicted optimum" (held-out, units of step^2 for L_rec, nats for H): the
#: identified solution has 0 for both; 0.05 is ~5% of the collapsed solution's L_rec (~1) and 7% of log 2.
ENTROPY_MARGIN, REC_MARGIN, PURITY_MIN = 0.05, 0.05, 0.95
#: The entropy weights at which LA-L2's trained check asserts E[H] <= ENTROPY_MARGIN (0 < lam <= LAM_ASSERTED).
LAM_ASSERTED = 0.1
#: "Zero loss" for the continuous latent: held-out L_rec <= 1e-3, 0.1% of the collapsed solution's L_rec (~1).
ZERO_LOSS_TOL = 1e-3
#: Standard errors between the monitored entropy and the margin at the early stop: the evaluation sample is drawn
#: apart from the monitor sample, so its mean exceeds the margin with probability ~1e-3 (normal approximation).
STOP_SE = 3.0


def asserted(variant: str, lam: float) -> bool:
    """Whether LA-L2's trained check asserts E[H] <= ENTROPY_MARGIN for this model (and the sweep stops on it)."""
    return variant == "sweep" and 0 < lam <= LAM_ASSERTED


@dataclass(frozen=True)
class Config:
    steps: int
    batch: int
    hidden: int
    seeds: int
    codes: int
    lams: tuple[float, ...]
    rotation: float
    n_eval: int
    extra_codes: tuple[int, ...] = ()  # further k of the lambda sweep (full scale: k in {4, 6, 8})
    variant_batch: int | None = None  # batch / seeds of the continuous and VQ runs (None: as the sweep)
    variant_seeds: int | None = None

    def to_json(self) -> dict:
        return dict(self.__dict__)

    def variants(self) -> "Config":
        """The configuration of the continuous and VQ runs."""
        return replace(self, batch=self.variant_batch or self.batch, seeds=self.variant_seeds or self.seeds)


def config(scale) -> Config:
    return scale.pick(
        ci=Config(steps=1200, batch=64, hidden=32, seeds=3, codes=6, lams=(0.0, 1e-2, 1e-1, 1.0),
                  rotation=float(np.pi / 4), n_eval=2000, extra_codes=(), variant_batch=128, variant_seeds=2),
        full=Config(steps=20_000, batch=256, hidden=64, seeds=4, codes=6, lams=(0.0, 1e-3, 1e-2, 1e-1, 1.0),
                    rotation=float(np.pi), n_eval=8000, extra_codes=(4, 8)))


def _metrics(t: models.Trained, i: int, ev: dict, lines: np.ndarray | None) -> dict:
    m, k = t.bed.actions, t.model.codes
    out = {"rec": float(ev["rec"][i])}
    a, s = ev["a"][i], ev["s"][i]
    if "code" in ev:
        out |= metrics.summary(a, ev["code"][i], m, k, ev["q"][i] if "q" in ev else None)
        if lines is not None:
            out["switches"] = int(sum(metrics.switches(lines[i, j]) for j in range(lines.shape[1])))
    if "z" in ev and t.model.latent == "continuous":
        half = len(a) // 2
        z = ev["z"][i]
        out["state_free_1nn"] = float((statistics.nn_predict(z[:half], a[:half], z[half:]) == a[half:]).mean())
        zs = np.hstack([z, s])
        out["with_state_1nn"] = float((statistics.nn_predict(zs[:half], a[:half], zs[half:]) == a[half:]).mean())
        first = [int(np.flatnonzero(a[:half] == b)[0]) for b in range(m) if (a[:half] == b).any()]
        out["state_free_one_label_per_action"] = float(
            (statistics.nn_predict(z[first], a[first], z[half:]) == a[half:]).mean())
    return out


def _beds(cfg: Config, latent: str = "discrete", codes: int | None = None) -> dict[str, ContinuousTestBed]:
    k = cfg.codes if codes is None else codes
    return {"sweep": ContinuousTestBed(codes=k, rotation=cfg.rotation, latent=latent),
            "reference-rotation": ContinuousTestBed(codes=k, rotation=float(np.pi), latent=latent),
            "disconnected": ContinuousTestBed(domain="disconnected", codes=k, rotation=cfg.rotation, latent=latent)}


def _on_monitor_sample(n: int, seed: int):
    """``forward(t)``: the model's outputs, without gradient, on one fixed monitor sample of n transitions per model
    (drawn at the first call from its own stream, 30_000 + seed, apart from the training batches)."""
    rng = np.random.default_rng(30_000 + seed)
    sample: dict = {}

    def forward(t: models.Trained) -> dict:
        if not sample:
            sample["batch"] = models._batch(t.beds, n, rng, t.model.device)
        st, _, spt, _, _ = sample["batch"]
        with torch.no_grad():
            return t.model.forward(st, spt)

    return forward


def entropy_invariant(specs: list[tuple[str, ContinuousTestBed, float, int]], n: int, seed: int):
    """The discrete sweep's stop (module docstring): ``excess`` = E[H] + STOP_SE s.e. - ENTROPY_MARGIN on the monitor
    sample for the models `asserted` reads, 0 for the others; ``entropy_mean`` logged for all."""
    forward = _on_monitor_sample(n, seed)

    def monitor(t: models.Trained) -> dict[str, np.ndarray]:
        h = models.entropy(forward(t)["q"]).double().cpu().numpy()  # (K, n)
        mean, se = h.mean(1), h.std(1) / np.sqrt(n)
        excess = np.array([mean[i] + STOP_SE * se[i] - ENTROPY_MARGIN if asserted(v, lam) else 0.0
                           for i, (v, _, lam, _) in enumerate(specs)])
        return {"excess": excess, "entropy_mean": mean}

    return monitor


def zero_loss_invariant(n: int, seed: int):
    """The continuous run's stop: ``excess`` = held-out L_rec - ZERO_LOSS_TOL for every model."""
    forward = _on_monitor_sample(n, seed)

    def monitor(t: models.Trained) -> dict[str, np.ndarray]:
        rec = forward(t)["rec"].double().cpu().numpy()
        return {"excess": rec - ZERO_LOSS_TOL, "rec": rec}

    return monitor


def _train(cfg: Config, specs: list[tuple[str, ContinuousTestBed, float, int]], latent: str, codes: int,
           device: str, seed: int, progress) -> list[dict]:
    """One batched training run of every spec (variant, test bed, lam, replicate), stopped early on its invariant
    (module docstring); metrics per model, then the run's steps and seconds."""
    beds = [b for _, b, _, _ in specs]
    lams = [lam for _, _, lam, _ in specs]
    invariant, every = {"discrete": (entropy_invariant(specs, cfg.n_eval, seed), 100),
                        "continuous": (zero_loss_invariant(cfg.n_eval, seed), 50)}.get(latent, (None, None))
    t = models.fit(beds, latent, lams, codes, steps=cfg.steps, batch=cfg.batch, seed=seed, device=device,
                   hidden=cfg.hidden, lr=1e-2, progress=progress, invariant=invariant, every=every)
    with single_thread(device):
        rows = _read(cfg, specs, t, latent, codes, seed)
    return rows + [{"seconds": t.seconds, "steps": t.steps, "budget": cfg.steps, "models": len(specs),
                    "stopped_early": bool(t.history.get("stopped_early", False))}]


def _read(cfg: Config, specs, t: models.Trained, latent: str, codes: int, seed: int) -> list[dict]:
    ev = models.evaluate(t, cfg.n_eval, seed)
    lines = models.line_codes(t) if "code" in ev else None
    split = models.split_mass(t, cfg.n_eval, seed) if latent == "discrete" else None
    rows = []
    for i, (variant, bed, lam, rep) in enumerate(specs):
        row = {"variant": variant, "lam": lam, "seed": rep, "bed": bed.to_json(), **_metrics(t, i, ev, lines)}
        if split is not None:
            row["split"] = {kk: float(v[i]) for kk, v in split.items()}
        if bed.domain == "disconnected" and "code" in ev:
            a, s_, c = ev["a"][i], ev["s"][i], ev["code"][i]
            left = s_[:, 0] < 0
            row["modal_code_left_right"] = [
                [int(np.bincount(c[(a == b) & side], minlength=codes).argmax()) if ((a == b) & side).any() else -1
                 for side in (left, ~left)] for b in range(bed.actions)]
        rows.append(row)
    return rows


def run(scale, device: str, seed: int, variant: str = "sweep", progress=None) -> dict:
    """The rows of one variant, from three cached batched runs: every discrete model (the lambda sweep on the
    connected bed, lam = 1e-2 at the reference rotation pi s_1, lam = 1e-2 on the disconnected bed: one run), the
    continuous latent (CI rotation and the reference rotation: one run) and VQ-EMA with LAPO's constants (16 codes)."""
    cfg = config(scale)
    family = {"continuous": "continuous", "vq": "vq"}.get(variant, "discrete")
    if family != "discrete":
        cfg = cfg.variants()

    def go() -> list[dict]:
        if family == "discrete":
            beds = _beds(cfg)
            specs = [("sweep", beds["sweep"], lam, r) for r in range(cfg.seeds) for lam in cfg.lams]
            specs += [(v, beds[v], 1e-2, r) for v in ("reference-rotation", "disconnected") for r in range(cfg.seeds)]
            rows = _train(cfg, specs, "discrete", cfg.codes, device, seed, progress)
            for k in cfg.extra_codes:  # other code counts: their own run (the output size differs)
                bk = _beds(cfg, codes=k)["sweep"]
                more = _train(cfg, [(f"sweep-k{k}", bk, lam, r) for r in range(cfg.seeds) for lam in cfg.lams],
                              "discrete", k, device, seed, progress)
                rows = rows[:-1] + more[:-1] + [{**rows[-1], "seconds": rows[-1]["seconds"] + more[-1]["seconds"],
                                                  "steps": max(rows[-1]["steps"], more[-1]["steps"]),
                                                  "stopped_early": rows[-1]["stopped_early"] and more[-1]["stopped_early"]}]
            return rows
        if family == "continuous":
            beds = _beds(cfg, "continuous")
            specs = [(v, beds[v], 0.0, r) for v in ("sweep", "reference-rotation") for r in range(cfg.seeds)]
            return _train(cfg, specs, "continuous", 2, device, seed, progress)
        beds = _beds(cfg, "vq", codes=16)
        specs = [("sweep", beds["sweep"], 0.0, r) for r in range(cfg.seeds)]
        return _train(cfg, specs, "vq", 16, device, seed, progress)

    rows = cached(("lachapelle2025", family, str(scale), device, seed), go)
    timing = rows[-1]
    want = {"continuous": ("sweep", "reference-rotation"), "vq": ("sweep",)}.get(variant, (variant,))
    keep = [r for r in rows[:-1] if r["variant"] in want
            or (family == "discrete" and variant == "sweep" and r["variant"].startswith("sweep-k"))]
    return {"config": cfg.to_json(), "variant": variant, "rows": keep,
            "training": timing, "bed": next(r["bed"] for r in rows[:-1] if r["variant"] in want)}


def by_lambda(rows: list[dict], key: str) -> dict[float, list[float]]:
    out: dict[float, list[float]] = {}
    for r in rows:
        if key in r:
            out.setdefault(r["lam"], []).append(float(r[key]))
    return out
