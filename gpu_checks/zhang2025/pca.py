"""Trained checks for Zhang et al. 2025: linear LAMs trained with Adam vs the closed-form optimum.

Protocol (App. B): o ~ N(0, I), a ~ N(0, Sigma_a), X with orthonormal columns (QR), fresh batches
of 128, Adam. ``ci``: d_o = 16, d_a = 4; ``full``: the paper's d_o = 128, d_a = 8. Sigma_a has
distinct entries so every d_z below d_a has an eigengap; configurations cross d_z below, equal to
and above d_a, with and without i.i.d. noise, 3 seeds each, all trained in one batched call.

What is compared, per model, at the population level (exact second moments, no evaluation noise):
the loss L(A,B,C,D) against L* = sum_{i>d_z} lambda_i(Sigma_{q+eps}), and span(B) against the top
eigenvectors. The angle bound is derived, not tuned: with P_B the projector on span(B),
L >= tr((I - P_B) Sigma) and, for j <= d_z with delta_j = lambda_j - lambda_{j+1} > 0,

    sum_i sin^2 theta_i(U_j, span B) <= (L - L*) / delta_j,

so a relative excess below TAU bounds the angle; the check asserts both.
"""

from __future__ import annotations

from dataclasses import dataclass
import numpy as np

from gpu_checks.linear_lam import GaussianLinearProcess, TrainResult, train_linear_lams
from numerics import linear_lam as ll
from theory.checks import CheckContext, CheckResult, FigureSpec, Series, judged, register_check

#: Relative excess (L - L*) / tr Sigma_{q+eps} the trained models must reach. Adam annealed from
#: 3e-2 to 1e-5 leaves an SGD noise floor: the worst of 18 models was 6e-5, 8e-5, 5e-5 for seeds
#: 0, 1, 2 at CI scale, so 2e-3 keeps a > 25x margin while still failing a model that is stuck. At full
#: scale (d_o = 128, 8000 steps, run once on CPU) the worst was 3.1e-4 (6x margin); a start at 1e-2
#: instead left d_z = d_a models stuck at 2e-2, which this tolerance correctly fails.
TAU = 2e-3
#: Smallest eigengap at which a subspace is asserted (smaller gaps are reported as ties).
MIN_GAP = 0.05


@dataclass(frozen=True)
class PCASweep:
    d_o: int
    d_a: int
    d_z: tuple[int, ...]
    sigma: tuple[float, ...]
    seeds: int
    steps: int

    @classmethod
    def at(cls, scale: str) -> "PCASweep":
        if scale == "full":
            return cls(d_o=128, d_a=8, d_z=(4, 8, 12), sigma=(0.0, 0.3), seeds=3, steps=8000)
        return cls(d_o=16, d_a=4, d_z=(2, 4, 6), sigma=(0.0, 0.3), seeds=3, steps=3000)

    def configs(self) -> list[tuple[int, float, int]]:
        return [(dz, s, seed) for dz in self.d_z for s in self.sigma for seed in range(self.seeds)]


def sweep_process(sweep: PCASweep, seed: int) -> tuple[GaussianLinearProcess, list[tuple[int, float, int]]]:
    """One process per configuration; X is drawn per seed, Sigma_a = diag(linspace(1.6, 0.4))."""
    rng = np.random.default_rng(seed)
    cfgs = sweep.configs()
    Xs = {s: np.linalg.qr(rng.normal(size=(sweep.d_o, sweep.d_a)))[0] for s in range(sweep.seeds)}
    F_a = np.diag(np.sqrt(np.linspace(1.6, 0.4, sweep.d_a)))
    X = np.stack([Xs[s] for _, _, s in cfgs])
    F_e = np.stack([sig * np.eye(sweep.d_o) for _, sig, _ in cfgs])
    return GaussianLinearProcess(X=X, F_a=np.stack([F_a] * len(cfgs)), F_e=F_e), cfgs


def _sigma_r(proc: GaussianLinearProcess, k: int) -> np.ndarray:
    m = proc.moments(k)
    return m.S_nn - m.S_no - m.S_no.T + m.S_oo  # E[(o'-o)(o'-o)^T] = Sigma_{q+eps} (o uncorrelated with q+eps)


def assertable_index(eigvals: np.ndarray, d_z: int) -> int:
    """Largest j <= d_z with lambda_j - lambda_{j+1} >= MIN_GAP (0 if none): U_j is then unique."""
    for j in range(d_z, 0, -1):
        if eigvals[j - 1] - eigvals[j] >= MIN_GAP:
            return j
    return 0


_RUNS: dict[tuple[str, str, int], tuple] = {}


def pca_training(scale: str, device: str, seed: int, progress=None) -> tuple[PCASweep, GaussianLinearProcess, list, TrainResult]:
    """Train the sweep once per (scale, device, seed); ZP-P1 and ZP-P2 read the same run."""
    key = (scale, device, seed)
    if key not in _RUNS:
        _RUNS[key] = _train_sweep(scale, device, seed, progress)
    return _RUNS[key]


def _train_sweep(scale: str, device: str, seed: int, progress) -> tuple:
    sweep = PCASweep.at(scale)
    proc, cfgs = sweep_process(sweep, seed)
    moments = [proc.moments(k) for k in range(len(cfgs))]
    sig_r = [_sigma_r(proc, k) for k in range(len(cfgs))]
    opts = [ll.pca_optimum(S, dz) for S, (dz, _, _) in zip(sig_r, cfgs)]

    def monitor(p: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        rel, ang = [], []
        for k, (dz, _, _) in enumerate(cfgs):
            B = p["B"][k][:, :dz]
            L = ll.lam_loss(p["A"][k], p["B"][k], p["C"][k], p["D"][k], moments[k])
            rel.append((L - opts[k].value) / np.trace(sig_r[k]))
            j = assertable_index(opts[k].eigvals, dz)
            ang.append(np.degrees(ll.principal_angles(opts[k].U[:, :j], B).max()) if j else np.nan)
        return {"rel_excess": np.array(rel), "angle_deg": np.array(ang)}

    res = train_linear_lams(
        proc.sampler("cpu" if device == "cpu" else device), K=len(cfgs), d_o=sweep.d_o, d_z=[c[0] for c in cfgs],
        steps=sweep.steps, lr=3e-2, lr_final=1e-5, seed=seed, device=device,
        monitor=monitor, log_every=max(sweep.steps // 60, 1), progress=progress,
    )
    return sweep, proc, cfgs, res


def _label(cfg: tuple[int, float, int]) -> str:
    return f"d_z={cfg[0]}, sigma={cfg[1]}"


def _mean_curves(res: TrainResult, cfgs: list, key: str) -> list[Series]:
    """One series per (d_z, sigma): median over seeds, band from the min to the max seed."""
    curve = res.curve(key)
    out = []
    for lab in dict.fromkeys(_label(c) for c in cfgs):
        idx = [k for k, c in enumerate(cfgs) if _label(c) == lab]
        vals = curve[:, idx]
        if np.all(np.isnan(vals)):
            continue
        out.append(Series(label=lab, x=res.steps, y=list(np.nanmedian(vals, 1)), style="-",
                          lo=list(np.nanmin(vals, 1)), hi=list(np.nanmax(vals, 1))))
    return out


@register_check("ZP-P1", "trained", "Adam-trained linear LAMs reach the PCA loss; A -> I - B(C+D)")
def zp_p1_trained(ctx: CheckContext) -> CheckResult:
    ctx.progress("training linear LAMs (batched over d_z, noise, seeds)")
    sweep, proc, cfgs, res = pca_training(ctx.scale, ctx.device, ctx.seed, ctx.progress)
    p = res.params
    rel, a_gap = [], []
    for k, (dz, _, _) in enumerate(cfgs):
        m = proc.moments(k)
        L = ll.lam_loss(p["A"][k], p["B"][k], p["C"][k], p["D"][k], m)
        L_red = ll.reduced_loss(p["B"][k], p["D"][k], _sigma_r(proc, k))
        S = _sigma_r(proc, k)
        rel.append((L - ll.eigen_tail(S, dz)) / np.trace(S))
        # With Sigma_o = I: L - reduced(B, D) = ||A + B(C+D) - I||_F^2 exactly.
        M = p["A"][k] + p["B"][k] @ (p["C"][k] + p["D"][k]) - np.eye(sweep.d_o)
        a_gap.append(abs(np.sum(M**2) - (L - L_red)))
    worst = float(np.max(rel))
    ok = worst <= TAU and max(a_gap) <= 1e-8 * sweep.d_o**2
    fig = FigureSpec(
        name="zp_p1_loss_vs_steps", title=f"ZP-P1: trained loss above the PCA optimum (d_o={sweep.d_o}, d_a={sweep.d_a})",
        xlabel="Adam step", ylabel="(L - L*) / tr Sigma_{q+eps}", logy=True,
        series=tuple(_mean_curves(res, cfgs, "rel_excess")) + (Series("tolerance TAU", [0, sweep.steps], [TAU, TAU], style="--"),),
        caption="Population loss of the trained models minus the closed-form optimum sum_{i>d_z} lambda_i; median and min-max band over 3 seeds.",
    )
    worst_k = int(np.argmax(rel))
    return judged(
        "trained", ok,
        f"{len(cfgs)} models: worst (L - L*)/tr Sigma = {worst:.1e} (tolerance {TAU:g}); ||A+B(C+D)-I||^2 = L - L_red to {max(a_gap):.0e}",
        counterexample={"config": _label(cfgs[worst_k]), "seed": cfgs[worst_k][2], "rel_excess": worst},
        measured={"rel_excess": rel, "tau": TAU, "train_seconds": res.seconds, "models": len(cfgs)},
        figures=(fig,),
    )


@register_check("ZP-P2", "trained", "learned span(B) converges to the top eigenvectors (principal angles)")
def zp_p2_trained(ctx: CheckContext) -> CheckResult:
    sweep, proc, cfgs, res = pca_training(ctx.scale, ctx.device, ctx.seed, ctx.progress)
    p = res.params
    rows, bad = [], []
    for k, (dz, sig, seed) in enumerate(cfgs):
        S = _sigma_r(proc, k)
        opt = ll.pca_optimum(S, dz)
        L = ll.lam_loss(p["A"][k], p["B"][k], p["C"][k], p["D"][k], proc.moments(k))
        j = assertable_index(opt.eigvals, dz)
        if not j:
            rows.append((dz, sig, seed, 0, float("nan"), float("nan")))
            continue
        delta = opt.eigvals[j - 1] - opt.eigvals[j]
        sin2 = float(np.sum(np.sin(ll.principal_angles(opt.U[:, :j], p["B"][k][:, :dz])) ** 2))
        bound = max(L - opt.value, 0.0) / delta  # derived: sum sin^2 <= (L - L*) / delta_j
        tau_bound = TAU * np.trace(S) / delta
        rows.append((dz, sig, seed, j, sin2, bound))
        if sin2 > bound + 1e-9 or sin2 > tau_bound:
            bad.append({"d_z": dz, "sigma": sig, "seed": seed, "j": j, "sum_sin2": sin2, "bound": bound})
    worst = max((r[4] for r in rows if r[3]), default=0.0)
    fig = FigureSpec(
        name="zp_p2_angle_vs_steps", title="ZP-P2: largest principal angle between span(B) and the unique top eigenvectors",
        xlabel="Adam step", ylabel="max principal angle (degrees)", logy=True,
        series=tuple(_mean_curves(res, cfgs, "angle_deg")),
        caption="Angle to U_j, j the largest index <= d_z with an eigengap (ties above it are not asserted).",
    )
    return judged(
        "trained", not bad,
        f"{sum(1 for r in rows if r[3])} models with an eigengap: max sum sin^2 = {worst:.1e}, each within (L-L*)/delta",
        counterexample={"violations": bad},
        measured={"rows": [dict(zip(("d_z", "sigma", "seed", "j", "sum_sin2", "bound"), r)) for r in rows]},
        figures=(fig,),
    )
