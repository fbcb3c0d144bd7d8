"""Trained checks of the abstract's claims EX-C1..EX-C4 (``paper-abstract``) on THIS PROJECT'S nonlinear pixel toy
(`gpu_checks.lee2026.pixel_lib`) and, for EX-C4, on the RECONSTRUCTED linear protocol (`numerics.lee2026.protocol`).

EX-C1..EX-C3 quantify over every minimiser of the reconstructed linear model (decided by `numerics.lee2026.
paper_level`); the pixel-world runs report what Adam selects in a nonlinear LAM and explain (``selected-by:adam``).
EX-C4 (the experiments) is about what the protocol produces: its trained check decides. Orderings across settings
are asserted seed by seed with margins, never single values. Every run honours ``ctx.device``.
"""

from __future__ import annotations

import numpy as np

from gpu_checks.lee2026 import pixel_lib as px
from gpu_checks.linear_lam import process_sampler, train_linear_lams, options_for
from gpu_checks.training import Schedule, StopRule, cached
from numerics.lee2026 import minimisers as mn
from numerics.lee2026 import process as lp
from numerics.lee2026 import protocol as lee_protocol
from numerics.optima import minimiser_set
from theory.checks import CheckContext, CheckResult, FigureSpec, Range, Series, judged, register_check

TAG = "[paper-abstract claim, checked on THIS PROJECT'S nonlinear pixel toy (the paper's setting is unknown)] "
ADAM = "selected-by:adam"


def _world(ctx: CheckContext) -> dict:
    return px.run_world(ctx.scale, ctx.seed, ctx.device)


def _bar(out: dict, key: str, names: tuple[str, ...], fname: str, title: str, ylabel: str, caption: str) -> FigureSpec:
    ys = [px.values(out, n, key) for n in names]
    return FigureSpec(name=fname, title=title, xlabel="setting", ylabel=ylabel, categories=names,
                      series=(Series(f"trained ({len(out['seeds'])} seeds, median, min-max)", list(range(len(names))),
                                     [float(np.median(y)) for y in ys], lo=[float(y.min()) for y in ys],
                                     hi=[float(y.max()) for y in ys], style="o"),),
                      caption=caption)


@register_check("EX-C1", "trained", "nonlinear pixel LAMs (continuous and VQ): the latent carries future distractor noise",
                answers=ADAM)
def ex_c1_trained(ctx: CheckContext) -> CheckResult:
    out = _world(ctx)
    ok, res = px.c1_result(out)
    fig = _bar(out, "leak", ("plain/cont", "plain/vq", "endo/cont", "endo/vq", "sup10%/cont", "sup10%/vq"),
               "ex_c1_pixel_leak_by_setting", "Pixel world: future-distractor leakage per setting",
               "NMSE(xi|o_t) - NMSE(xi|z,o_t)", "6x6 torus, agent + drifting distractor (its own AR dynamics); ridge "
               "linear probe, held out.")
    return judged("trained", ok, TAG + f"plain reconstruction: {res} (margin {px.MARGIN}, seed by seed; trained on "
                                      f"{out['device']})",
                  counterexample={"settings": out["settings"]}, measured=out, figures=(fig,))


@register_check("EX-C2", "trained", "nonlinear pixel LAMs: a fixed endogenous target cuts leakage; a trained one collapses",
                answers=ADAM)
def ex_c2_trained(ctx: CheckContext) -> CheckResult:
    out = _world(ctx)
    ok, res = px.c2_result(out)
    return judged("trained", ok, TAG + f"{res} (orderings seed by seed, margin {px.MARGIN}; collapse: trainable-phi loss "
                                      f"< 0.1 x plain)", counterexample={"settings": out["settings"]}, measured=out)


@register_check("EX-C3", "trained", "nonlinear pixel LAMs: 10% action labels make z consistent across distractor states",
                answers=ADAM)
def ex_c3_trained(ctx: CheckContext) -> CheckResult:
    out = _world(ctx)
    ok, res = px.c3_result(out)
    fig = _bar(out, "inconsistency", ("plain/cont", "sup10%/cont", "plain/vq", "sup10%/vq"),
               "ex_c3_pixel_consistency_by_setting", "Pixel world: variance of z across distractor states at fixed (s_t, a_t)",
               "within-group / total variance of z", "Paired samples: same (s_t, a_t), independent distractor (x_t, xi_t).")
    return judged("trained", ok, TAG + f"{res} (margin {px.MARGIN}, seed by seed; linear action accuracy reported only)",
                  counterexample={"settings": out["settings"]}, measured=out, figures=(fig,))


# --- EX-C4: the reconstructed linear protocol ------------------------------------------------------------------
#: CI: 2000 updates (was 4000 at the protocol's constant 1e-3) with a geometric decay to CI_DECAY x lr_0 of the
#: same total step length sum_t lr_t = 4000 x 1e-3. Measured (seed 0, cpu): leak without labels 1.0 for every seed
#: at both budgets; with 1% labels (about 1.3 labelled samples per batch of 128, the slowest run) [0.0, 0.0, 0.18]
#: here against [0.0, 0.0, 0.024] at 4000: the check's rule max(labelled) + MARGIN < min(unlabelled) keeps a slack
#: of 0.67 (was 0.83); constant 2500 updates gave 0.30, a faster decay (0.1, 0.01) 0.25 and 0.50.
CI_UPDATES, CI_DECAY, CI_STEP_LENGTH = 2000, 0.3, 4000 * 1e-3


def _ci_schedule(e) -> Schedule:
    """Geometric lr_0 -> CI_DECAY lr_0 over e.training.updates with sum_t lr_t = CI_STEP_LENGTH:
    lr_0 = CI_STEP_LENGTH ln(1/CI_DECAY) / (T (1 - CI_DECAY))."""
    lr0 = CI_STEP_LENGTH * np.log(1 / CI_DECAY) / (e.training.updates * (1 - CI_DECAY))
    return Schedule(lr0, lr0 * CI_DECAY, kind="geometric")


def protocol_runs(ctx: CheckContext) -> dict:
    """The reconstructed linear protocol (script 7's conventions: mean normalisation, labelled-mean action loss with
    a biased head, kappa = 0.1, Adam 1e-3, batch 128) at sigma_xi = 2, d_z = d_a, label ratios 0 and 1%, several
    seeds; CI trains `lee_protocol.ci_training()` (d_o = 32, d_a = d_s = d_x = 2: d_o/d_a, d_x/d_a,
    sigma_xi^2/sigma_a^2, kappa, batch, label fractions and w_eff unchanged; CI_UPDATES updates, `_ci_schedule`)."""
    def run():
        e = lee_protocol.linear() if ctx.full else lee_protocol.ci_training(updates=CI_UPDATES)
        fracs = (0.0, 0.01)
        cfgs = [(f, s) for f in fracs for s in (0, 1, 2)]
        procs = [e.process(np.random.default_rng(ctx.seed), e.d_a, sigma_xi=2.0, label_fraction=f) for f, _ in cfgs]
        procs = [p.with_lam(action_weight=1.0) for p in procs]  # one head for the batch; p = 0 gives it no labels
        opts = options_for(procs, head_bias=True)
        sched = Schedule(e.training.lr) if ctx.full else _ci_schedule(e)
        res = train_linear_lams(process_sampler(procs, ctx.device), K=len(procs), d_o=e.d_o, d_z=[e.d_a] * len(procs),
                                steps=e.training.updates, batch=e.training.batch, options=opts, seed=ctx.seed,
                                device=ctx.device, schedule=sched,
                                stop=StopRule(budget=e.training.updates, every=1000))
        rows = []
        for i, ((f, s), p) in enumerate(zip(cfgs, procs)):
            C, D = res.params["C"][i][:e.d_a], res.params["D"][i][:e.d_a]
            m = lp.metrics(p, C, D)
            q = p.with_lam(kappa=0.0, loss_normalisation="sum", action_weight=e.effective_action_weight(f),
                           label_fraction=1.0)
            lk = mn.leakage(minimiser_set(q))
            rows.append({"label_ratio": f, "seed": s, "leak": m.leak, "nmse_a_z": m.nmse_a_z, "nmse_a_zo": m.nmse_a_zo,
                         "closed_form_kappa0_leak": [lk.lo, lk.hi], "w_eff": e.effective_action_weight(f)})
        return {"rows": rows, "invariants": e.invariants(), "d_o": e.d_o, "updates": e.training.updates,
                "schedule": f"{sched.kind} lr {sched.lr:.3g}" + (f" -> {sched.final:.3g}" if sched.final else ""),
                "seconds": res.seconds}

    return cached(("lee2026.protocol_runs", ctx.scale, ctx.device, ctx.seed), run)


@register_check("EX-C4", "trained", "the reconstructed linear protocol and the pixel toy reproduce the three findings")
def ex_c4_trained(ctx: CheckContext) -> CheckResult:
    lin = protocol_runs(ctx)
    rows = lin["rows"]
    no_lab = [r["leak"] for r in rows if r["label_ratio"] == 0.0]
    lab = [r["leak"] for r in rows if r["label_ratio"] == 0.01]
    lin_ok = min(no_lab) > px.MARGIN and max(lab) + px.MARGIN < min(no_lab)
    out = _world(ctx)
    non = {"C1": px.c1_result(out)[0], "C2": px.c2_result(out)[0], "C3": px.c3_result(out)[0]}
    ok = lin_ok and all(non.values())
    ranges = {f"closed_form_kappa0_leakage_p_{r['label_ratio']}": Range(*r["closed_form_kappa0_leak"],
                                                                        method="minimiser set at kappa = 0 (explains)")
              for r in rows if r["seed"] == 0}
    return judged("trained", ok,
                  "[paper-abstract claim; the linear protocol is this project's reconstruction (script 7's conventions), "
                  f"the pixel world our toy] linear protocol at d_o = {lin['d_o']}, {lin['updates']} updates ({lin['schedule']}) "
                  f"(invariants {lin['invariants']}): leak without labels {np.round(no_lab, 3).tolist()}, with 1% labels "
                  f"{np.round(lab, 3).tolist()} (margin {px.MARGIN}); pixel toy orderings {non}",
                  counterexample={"linear": rows, "nonlinear": non}, measured={"linear": lin, "nonlinear": non},
                  ranges=ranges)
