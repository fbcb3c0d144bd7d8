"""Trained linear LAMs on the exogenous process (Lee et al. 2026, RECONSTRUCTED model; brief §2.3).

Batched Adam (shared `gpu_checks.linear_lam.train_linear_lams`) on fresh samples from our own sampler for the
exogenous process, several seeds, settings away from thresholds; the population metrics of the trained encoders
(`numerics.lee2026.model.metrics`) are compared with the closed forms (EX-T2 leakage, EX-T4 above threshold). No
sharp threshold is asserted from SGD (EX-T5 is only reported, not checked here).
"""

from __future__ import annotations

import numpy as np
import torch

from gpu_checks.linear_lam import Batch, LAMOptions, Sampler, train_linear_lams
from numerics import linear_lam as ll
from numerics.lee2026 import model as m
from numerics.lee2026.remedies import exo_free
from theory.checks import CheckContext, CheckResult, FigureSpec, Series, judged, register_check

RECON = "[reconstructed claim: the paper's formal body was unavailable] "
#: Absolute margin on probe quantities (leak, NMSE in [0, 1]) for trained models: with lr decayed to 1e-4 and
#: batch 256 (ci: 1000 steps to 1e-3, 2 seeds) the population loss excess is <= ~1e-3 of tr Sigma_r (reported); eigengaps here are >= 0.75
#: of the top eigenvalue, so the subspace error (Davis-Kahan) and hence the probe error stay well below 0.05.
TRAIN_TOL = 0.05


def exo_sampler(procs: list[m.ExoProcess], device: str = "cpu") -> Sampler:
    """o ~ N(0, I), a = F_a eta, xi = F_xi eta', o' = P o + U_a a + U_x xi, for K processes (same d_o, d_a, d_x)."""
    t = lambda xs: torch.as_tensor(np.stack(xs), dtype=torch.float32, device=device)  # noqa: E731
    P, Ua, Ux = t([p.P for p in procs]), t([p.U_a for p in procs]), t([p.U_x for p in procs])
    Fa, Fx = t([p.F_a for p in procs]), t([p.F_xi for p in procs])
    K, d_o, d_a, d_x = len(procs), procs[0].d_o, procs[0].d_a, procs[0].d_x

    def sample(n: int, gen: torch.Generator) -> Batch:
        o = torch.randn(K, n, d_o, generator=gen, device=device)
        a = torch.randn(K, n, d_a, generator=gen, device=device) @ Fa.transpose(1, 2)
        xi = torch.randn(K, n, d_x, generator=gen, device=device) @ Fx.transpose(1, 2)
        o_next = o @ P.transpose(1, 2) + a @ Ua.transpose(1, 2) + xi @ Ux.transpose(1, 2)
        return Batch(o=o, o_next=o_next, a=a)

    return sample


def _configs(scale: str):
    seeds = (0, 1) if scale == "ci" else (0, 1, 2, 3, 4)
    return [(sx, k, s) for sx in (0.5, 2.0) for k in (2, 4) for s in seeds]


def _train(ctx: CheckContext, action_weight: float, cfgs):
    procs = [m.orthonormal_process(12, 3, 3, 2, 1.0, sx, seed=ctx.seed) for sx, _, _ in cfgs]
    steps = 1000 if ctx.scale == "ci" else 10000
    opts = LAMOptions(action_weight=action_weight, d_a=2 if action_weight else 0, label_fraction=1.0)
    res = train_linear_lams(exo_sampler(procs, ctx.device), K=len(cfgs), d_o=12, d_z=[c[1] for c in cfgs], steps=steps,
                            batch=256, lr=3e-2, lr_final=1e-3 if ctx.scale == "ci" else 1e-4, options=opts, seed=ctx.seed, device=ctx.device)
    return procs, res


@register_check("EX-T2", "trained", "Adam-trained LAMs: leakage and NMSE(a|z,o) match the closed form (several seeds)")
def ex_t2_trained(ctx: CheckContext) -> CheckResult:
    cfgs = _configs(ctx.scale)
    procs, res = _train(ctx, 0.0, cfgs)
    rows, worst = [], 0.0
    for i, ((sx, k, s), proc) in enumerate(zip(cfgs, procs)):
        C, D = res.params["C"][i][:k], res.params["D"][i][:k]
        met = m.metrics(proc, C, D)
        U = ll.pca_optimum(proc.Sigma_r, k).U
        pred = m.metrics(proc, -U.T @ proc.P, U.T)
        excess = (ll.lam_loss(res.params["A"][i], res.params["B"][i][:, :k], C, D, proc.moments())
                  - ll.eigen_tail(proc.Sigma_r, k)) / np.trace(proc.Sigma_r)
        err = max(abs(met.leak - pred.leak), abs(met.nmse_a_zo - pred.nmse_a_zo))
        worst = max(worst, err)
        rows.append({"sigma_xi": sx, "k": k, "seed": s, "leak": met.leak, "leak_pred": pred.leak,
                     "nmse_a": met.nmse_a_zo, "nmse_a_pred": pred.nmse_a_zo, "rel_loss_excess": float(excess)})
    ks = (2, 4)
    series = []
    for sx in (0.5, 2.0):
        p = m.orthonormal_process(12, 3, 3, 2, 1.0, sx, seed=ctx.seed)
        kk = list(range(1, 8))
        series.append(Series(f"sigma_xi={sx} closed form", kk, [m.leak_formula(p, ll.pca_optimum(p.Sigma_r, k).U) for k in kk], style="-"))
        vals = [[r["leak"] for r in rows if r["sigma_xi"] == sx and r["k"] == k] for k in ks]
        series.append(Series(f"sigma_xi={sx} trained", list(ks), [float(np.mean(v)) for v in vals],
                             yerr=[float(np.std(v)) for v in vals], style="o"))
    fig = FigureSpec(name="lee2026_leak_trained", title="EX-T2: trained vs closed-form leakage", xlabel="d_z",
                     ylabel="E_leak", series=tuple(series),
                     caption="d_o=12, d_s=d_x=3, d_a=2, sigma_a=1, Gamma=0.5I; Adam, 2 (ci) or 5 (full) seeds (mean, sd).")
    return judged("trained", worst <= TRAIN_TOL, RECON + f"{len(cfgs)} trained models: max |trained - closed form| over "
                  f"leak and NMSE(a|z,o) = {worst:.3f} (margin {TRAIN_TOL}); this compares the reached point with the "
                  "optimum, it depends on training having converged",
                  counterexample={"rows": rows}, measured={"rows": rows, "train_seconds": res.seconds}, figures=(fig,))


@register_check("EX-T4", "trained", "Adam with action supervision lam = 8 > lam* = 3: latent exogenous-free (several seeds)")
def ex_t4_trained(ctx: CheckContext) -> CheckResult:
    seeds = (0, 1) if ctx.scale == "ci" else (0, 1, 2, 3, 4)
    cfgs = [(2.0, 2, s) for s in seeds]  # sigma_xi = 2: lam* = 3; k = d_a = 2
    procs, res = _train(ctx, 8.0, cfgs)
    rows, ok = [], True
    for i, ((sx, k, s), proc) in enumerate(zip(cfgs, procs)):
        met = m.metrics(proc, res.params["C"][i][:k], res.params["D"][i][:k])
        rows.append({"seed": s, "leak": met.leak, "nmse_a_z": met.nmse_a_z, "S_xi": met.S_xi, "S_x": met.S_x})
        ok &= met.leak <= TRAIN_TOL and met.nmse_a_zo <= TRAIN_TOL
    free_closed = exo_free(procs[0], 2, 8.0)[0]
    return judged("trained", ok and free_closed, RECON + f"lam = 8 (threshold 3, far above): closed form exogenous-free="
                  f"{free_closed}; trained {rows} (margin {TRAIN_TOL}); S_x is not driven to 0 by Adam unless "
                  "W_z(C+DP) is, see EX-T4a — reported, not asserted. Restarts: seeds.",
                  counterexample={"rows": rows}, measured={"rows": rows, "train_seconds": res.seconds})
