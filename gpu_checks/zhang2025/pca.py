"""Trained checks of ZP-P1 and ZP-P2: linear LAMs trained with Adam against the closed-form optimum (check module).

The sweep (`gpu_checks.zhang2025.runs.pca_sweep`): o ~ N(0, I), a ~ N(0, Sigma_a) with distinct variances
(every d_z below d_a has an eigengap), X by QR, fresh batches of 128, d_z below / at / above d_a, with and
without i.i.d. noise, 3 draws; ``ci``: d_o = 16, d_a = 4; ``full``: the paper's d_o = 128, d_a = 8. What is
compared, per model, at the population level: L(A,B,C,D) against L* = sum_{i>d_z} lambda_i(Sigma_{q+eps}),
and span(B) against the top eigenvectors. The angle bound is derived, not tuned: with P_B the projector on
span(B), L >= tr((I - P_B) Sigma) and, for j <= d_z with delta_j = lambda_j - lambda_{j+1} > 0,

    sum_i sin^2 theta_i(U_j, span B) <= (L - L*) / delta_j,

so a relative excess below TAU bounds the angle; the check asserts both.
"""

from __future__ import annotations

import numpy as np

from gpu_checks.zhang2025.runs import PCA_STOP_TOL
from gpu_checks.zhang2025.runs import PCA_TAU as TAU
from gpu_checks.zhang2025.runs import assertable_index, pca_sweep
from numerics import linear_lam as ll
from theory.checks import CheckContext, CheckResult, FigureSpec, Series, judged, register_check

__all__ = ["TAU", "zp_p1_trained", "zp_p2_trained"]


def _label(p) -> str:
    return f"d_z={p.d_z}, sigma={'0' if not p.has_noise else f'{np.sqrt(p.Sigma_eps[0, 0]):g}'}"


def _curves(run, key: str) -> list[Series]:
    """One series per (d_z, sigma): median over draws, band from the min to the max draw."""
    curve = run.result.curve(key)
    out = []
    for lab in dict.fromkeys(_label(p) for p in run.procs):
        idx = [k for k, p in enumerate(run.procs) if _label(p) == lab]
        vals = curve[:, idx]
        if np.all(np.isnan(vals)):
            continue
        out.append(Series(label=lab, x=run.result.steps, y=list(np.nanmedian(vals, 1)), style="-",
                          lo=list(np.nanmin(vals, 1)), hi=list(np.nanmax(vals, 1))))
    return out


@register_check("ZP-P1", "trained", "Adam-trained linear LAMs reach the PCA loss; A -> I - B(C+D)")
def zp_p1_trained(ctx: CheckContext) -> CheckResult:
    ctx.progress("training linear LAMs (batched over d_z, noise, draws)")
    run = pca_sweep(ctx.full, ctx.device, ctx.seed, ctx.progress)
    prm = run.result.params
    rel, a_gap = [], []
    for k, p in enumerate(run.procs):
        A, B, C, D = prm["A"][k], prm["B"][k], prm["C"][k], prm["D"][k]
        L = ll.lam_loss(A, B, C, D, p.moments())
        S = p.Sigma_delta
        rel.append((L - ll.eigen_tail(S, p.d_z)) / np.trace(S))
        # with Sigma_o = I: L - reduced(B, D) = ||A + B(C+D) - I||_F^2 exactly
        M = A + B @ (C + D) - np.eye(p.d_o)
        a_gap.append(abs(np.sum(M**2) - (L - ll.reduced_loss(B, D, S))))
    worst = float(np.max(rel))
    ok = worst <= TAU and max(a_gap) <= 1e-8 * run.sweep.d_o**2
    fig = FigureSpec(
        name="zp_p1_loss_vs_steps", title=f"ZP-P1: trained loss above the PCA optimum (d_o={run.sweep.d_o}, d_a={run.sweep.d_a})",
        xlabel="Adam step", ylabel="(L - L*) / tr Sigma_{q+eps}", logy=True,
        series=tuple(_curves(run, "rel_excess")) + (Series("tolerance TAU", [0, run.sweep.steps], [TAU, TAU], style="--"),),
        caption="Population loss of the trained models minus the closed-form optimum sum_{i>d_z} lambda_i; median and min-max band over 3 draws.")
    worst_k = int(np.argmax(rel))
    done = run.result.run.steps_done if run.result.run else run.sweep.steps
    early = bool(run.result.run and run.result.run.stopped_early)
    return judged(
        "trained", ok,
        f"{len(run.procs)} models: worst (L - L*)/tr Sigma = {worst:.1e} (tolerance {TAU:g}); ||A+B(C+D)-I||^2 = L - L_red to {max(a_gap):.0e}; "
        f"{done} of {run.sweep.steps} steps" + (f" (stopped once every model was within {PCA_STOP_TOL:g})" if early else ""),
        counterexample={"config": _label(run.procs[worst_k]), "rel_excess": worst},
        measured={"rel_excess": rel, "tau": TAU, "train_seconds": run.result.seconds, "models": len(run.procs),
                  "steps_done": done, "stopped_early": early},
        figures=(fig,))


@register_check("ZP-P2", "trained", "learned span(B) converges to the top eigenvectors (principal angles)")
def zp_p2_trained(ctx: CheckContext) -> CheckResult:
    run = pca_sweep(ctx.full, ctx.device, ctx.seed, ctx.progress)
    prm = run.result.params
    rows, bad = [], []
    for k, p in enumerate(run.procs):
        S = p.Sigma_delta
        opt = ll.pca_optimum(S, p.d_z)
        L = ll.lam_loss(prm["A"][k], prm["B"][k], prm["C"][k], prm["D"][k], p.moments())
        j = assertable_index(opt.eigvals, p.d_z)
        if not j:
            rows.append({"config": _label(p), "j": 0, "sum_sin2": float("nan"), "bound": float("nan")})
            continue
        delta = opt.eigvals[j - 1] - opt.eigvals[j]
        sin2 = float(np.sum(np.sin(ll.principal_angles(opt.U[:, :j], prm["B"][k][:, :p.d_z])) ** 2))
        bound = max(L - opt.value, 0.0) / delta  # derived: sum sin^2 <= (L - L*) / delta_j
        rows.append({"config": _label(p), "j": j, "sum_sin2": sin2, "bound": bound})
        if sin2 > bound + 1e-9 or sin2 > TAU * np.trace(S) / delta:
            bad.append(rows[-1])
    worst = max((r["sum_sin2"] for r in rows if r["j"]), default=0.0)
    fig = FigureSpec(
        name="zp_p2_angle_vs_steps", title="ZP-P2: largest principal angle between span(B) and the unique top eigenvectors",
        xlabel="Adam step", ylabel="max principal angle (degrees)", logy=True, series=tuple(_curves(run, "angle_deg")),
        caption="Angle to U_j, j the largest index <= d_z with an eigengap (ties above it are not asserted).")
    return judged(
        "trained", not bad,
        f"{sum(1 for r in rows if r['j'])} models with an eigengap: max sum sin^2 = {worst:.1e}, each within (L-L*)/delta",
        counterexample={"violations": bad}, measured={"rows": rows}, figures=(fig,))
