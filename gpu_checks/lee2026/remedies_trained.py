"""Trained checks of the remedies of Lee et al. 2026 (RECONSTRUCTED model): EX-T3 (frozen representation Phi across
the beta switch; collapse when Phi is trained), EX-T4 (trained points on the lambda axis, away from the switch),
EX-T5 (near the switch: trained J vs the global optimum, and the saddle rotation; orthonormal and scaled W),
EX-T4a (the x_t-sensitivity training selects), EX-T4d (label fraction under both averaging conventions).

Claims about every minimiser (EX-T3, EX-T4, EX-T4d) or some minimiser (EX-T4a) are decided by exact checks; these
trained checks answer ``selected-by:adam`` and explain. EX-T5 is about training itself (``selected-by:adam``): its
trained check decides. No sharp threshold is asserted from SGD: trained points are judged away from the switch
points, with several seeds and margins. Library: `gpu_checks.lee2026.lib`.
"""

from __future__ import annotations

import numpy as np

from gpu_checks.lee2026 import lib
from gpu_checks.linear_lam import LAMOptions, process_sampler
from gpu_checks.training import cached
from numerics.lee2026 import minimisers as mn
from numerics.lee2026 import process as lp
from numerics.optima import minimiser_set
from theory.checks import (CheckContext, CheckResult, FigureSpec, Marker, Range, Series, confirms, judged, register_check,
                           undecided)

RECON = lp.RECON
ADAM = "selected-by:adam"


def _band(values) -> tuple[float, float, float]:
    return float(np.median(values)), float(min(values)), float(max(values))


# --- EX-T3: frozen Phi across the beta switch; collapse ------------------------------------------------------
#: sigma_xi = 2, sigma_a = 1, k = d_a = 2: switch at beta* = 0.5 (orthonormal maps). Trained betas are away from it:
#: beta^2 sigma_xi^2 / sigma_a^2 = 0 (projector), 0.25 | 1.96, 4 -> eigenvalue gaps >= 0.75 on either side.
T3_BETAS = (0.0, 0.25, 0.7, 1.0)
T3_SX = 2.0


def t3_runs(ctx: CheckContext) -> list[dict]:
    def run():
        cfgs = [(b, s) for b in T3_BETAS for s in lib.seeds(ctx)]
        p = lib.setting(T3_SX, ctx.seed)
        Phis = [lp.beta_representation(p, b) for b, _ in cfgs]
        mon = lib.objective_monitor([p.with_lam(Phi=Phi) for Phi in Phis], lib.D_A)
        res = lib.train_sampler(ctx, lib.phi_sampler([p] * len(cfgs), Phis, ctx.device), len(cfgs), lib.D_O, lib.D_A,
                                LAMOptions(), monitor=mon, stop_tol=lib.rel_excess_tol(ctx))
        rows = []
        for i, ((b, s), Phi) in enumerate(zip(cfgs, Phis)):
            C, D = lib.encoder(res, i, lib.D_A)
            m = lp.metrics(p, C @ Phi, D @ Phi)  # z = C h + D h' = (C Phi) o + (D Phi) o'
            ms = minimiser_set(p.with_lam(Phi=Phi))
            lk, a = mn.leakage(ms), ms.given_zo("a")
            rows.append({"beta": b, "seed": s, "leak": m.leak, "leak_range": [lk.lo, lk.hi], "nmse_a_zo": m.nmse_a_zo,
                         "nmse_a_range": [a.lo, a.hi], "train_seconds": res.seconds})
        return rows

    return cached(("lee2026.t3_runs", ctx.scale, ctx.device, ctx.seed), run)


@register_check("EX-T3", "trained", "frozen Phi: trained leakage on both sides of the beta switch; trainable Phi collapses",
                answers=ADAM)
def ex_t3_trained(ctx: CheckContext) -> CheckResult:
    rows = t3_runs(ctx)
    dist = lambda v, r: max(0.0, v - r[1], r[0] - v)  # noqa: E731 - distance from a range
    worst = max(max(dist(r["leak"], r["leak_range"]), dist(r["nmse_a_zo"], r["nmse_a_range"])) for r in rows)
    below = [r["leak"] for r in rows if r["beta"] < 0.5]
    above = [r["leak"] for r in rows if r["beta"] > 0.5]
    # closed form 0 below vs 2/3 above: a 0.3 gap leaves > 6x TRAIN_TOL on each side
    flip_ok = max(below) + 0.3 < min(above)
    # CI budget 300 steps (was 600): measured at 250 (seeds 0-2, cpu) the loss is <= 0.22 (needs < 0.1 x the
    # fixed-Phi optimum >= 0.46) and the innovation tail <= 0.043 (needs < 0.1 x its start >= 0.46): >= 2x slack.
    col = cached(("lee2026.collapse", ctx.scale, ctx.device, ctx.seed),
                 lambda: [lib.collapse_demo(ctx, ctx.seed + s, ctx.scale.pick(ci=300, full=3000)) for s in lib.seeds(ctx)])
    # collapse: the loss ends >= 10x below the fixed-Phi optimum because Phi removes the innovation the k-dim latent
    # cannot hold (the tail of Phi Sr Phi^T beyond k shrinks >= 10x); Phi = 0 is one such minimiser.
    col_ok = all(c["loss_final"] < 0.1 * min(c["loss_init"], c["fixed_phi_optimum"])
                 and c["innov_final"] < 0.1 * c["innov_init"] for c in col)
    p = lib.setting(T3_SX, ctx.seed)
    bs = [float(b) for b in np.geomspace(0.02, 2.0, 40)]
    series = [Series("closed form (max over minimisers)", bs,
                     [mn.leakage(minimiser_set(mn.beta_process(p, b))).hi for b in bs], style="-")]
    pts = [(b, _band([r["leak"] for r in rows if r["beta"] == b])) for b in T3_BETAS if b > 0]
    series.append(Series(f"trained, frozen Phi ({len(lib.seeds(ctx))} seeds, min-max)", [b for b, _ in pts],
                         [v[0] for _, v in pts], lo=[v[1] for _, v in pts], hi=[v[2] for _, v in pts], style="o"))
    fig = FigureSpec(name="ex_t3_trained_leak_vs_beta", title="EX-T3: leakage vs beta, closed form and trained (frozen Phi)",
                     xlabel="beta (Phi = I + (beta - 1) Q_x Q_x^T)", ylabel="E_leak = 1 - NMSE(xi | z, o)",
                     series=tuple(series), logx=True, markers=(Marker("beta* = 0.5", 0.5),),
                     caption="d_o = 12, d_s = d_x = 3, d_a = k = 2, sigma_a = 1, sigma_xi = 2, Gamma = 0.5 I; trained betas "
                             "0.25, 0.7, 1 (and the projector beta = 0, not on the log axis) are away from beta*.")
    c0 = col[0]
    return judged("trained", worst <= lib.TRAIN_TOL and flip_ok and col_ok,
                  RECON + f"{len(rows)} frozen-Phi LAMs (betas {T3_BETAS}, beta/beta* = {[b / 0.5 for b in T3_BETAS]}): max "
                          f"distance from the closed-form ranges {worst:.3f} (margin {lib.TRAIN_TOL}); leak below the switch "
                          f"<= {max(below):.3f}, above >= {min(above):.3f}. Trainable Phi ({len(col)} seeds): loss "
                          f"{c0['loss_init']:.2f} -> {c0['loss_final']:.2e} (fixed-Phi optimum {c0['fixed_phi_optimum']:.2f}), "
                          f"tail_k(Phi Sr Phi^T) {c0['innov_init']:.2f} -> {c0['innov_final']:.2e}, ||Phi U_a|| "
                          f"{c0['phi_Ua_init']:.2f} -> {c0['phi_Ua_final']:.2e}",
                  counterexample={"rows": rows, "collapse": col}, measured={"rows": rows, "collapse": col}, figures=(fig,))


# --- EX-T4: trained points on the lambda axis, away from the switch --------------------------------------------
T4_SX = 2.0  # lambda* = 3 (orthonormal maps)
T4_LAMS = (0.5, 1.0, 8.0, 12.0)  # action eigenvalue (1 + lam) = 1.5, 2 | 9, 13 vs exogenous 4: gaps >= 2 either side


@register_check("EX-T4", "trained", "lambda axis with trained points (seeds), judged only away from the switch point",
                answers=ADAM)
def ex_t4_trained_figure(ctx: CheckContext) -> CheckResult:
    rows = lib.lambda_runs(ctx, T4_LAMS, T4_SX)
    worst = max(abs(r["leak"] - r["leak_pred"]) for r in rows)
    below = [r["leak"] for r in rows if r["lam"] < 3]
    above = [r["leak"] for r in rows if r["lam"] > 3]
    order_ok = min(below) > max(above) + 0.3
    p = lib.setting(T4_SX, ctx.seed)
    lams = [float(x) for x in np.geomspace(0.1, 30, 50)]
    series = [Series("closed form (max over minimisers)", lams,
                     [mn.leakage(minimiser_set(mn.supervised(p, x))).hi for x in lams], style="-")]
    pts = [(lam, _band([r["leak"] for r in rows if r["lam"] == lam])) for lam in T4_LAMS]
    series.append(Series(f"trained ({len(lib.seeds(ctx))} seeds, min-max)", list(T4_LAMS), [v[0] for _, v in pts],
                         lo=[v[1] for _, v in pts], hi=[v[2] for _, v in pts], style="o"))
    fig = FigureSpec(name="ex_t4_trained_leak_vs_lambda", title="EX-T4: leakage vs lambda, closed form and trained",
                     xlabel="lambda (sum units)", ylabel="E_leak = 1 - NMSE(xi | z, o)", series=tuple(series), logx=True,
                     markers=(Marker("lambda* = 3", 3.0),),
                     caption="d_o = 12, d_s = d_x = 3, d_a = k = 2, sigma_a = 1, sigma_xi = 2, A6, orthonormal maps; trained "
                             "lambdas 0.5, 1, 8, 12 (away from lambda*); no threshold is asserted from training.")
    return judged("trained", worst <= lib.TRAIN_TOL and order_ok,
                  RECON + f"lambda in {T4_LAMS} (lambda/lambda* = {[round(x / 3, 3) for x in T4_LAMS]}), seeds "
                          f"{lib.seeds(ctx)}: max |trained - closed-form leak| {worst:.3f} (margin {lib.TRAIN_TOL}); below "
                          f"the switch leak >= {min(below):.3f}, above <= {max(above):.3f}",
                  counterexample={"rows": [{k: v for k, v in r.items() if k != "D"} for r in rows]},
                  measured={"rows": [{k: v for k, v in r.items() if k != "D"} for r in rows]}, figures=(fig,))


# --- EX-T5: near the switch point: saddles ----------------------------------------------------------------------
#: lambda / lambda* = 1.1, 1.2 for the orthonormal W (lambda* = 3) and for W = 1.5 Q (lambda* = 1.75, EX-T4 repair).
T5_FACTORS = (1.1, 1.2)
T5_W_SCALES = (1.0, 1.5)
#: a run counts as stalled when its reduced J exceeds the optimum by > 1e-3 of tr Sigma_y (ten times the ~1e-4 floor
#: of the lr-decayed runs measured away from the switch, EX-T4 trained).
STALL = 1e-3
#: EX-T5 decides its claim: its CI budget stays at the 1500 steps its stalls were measured at (not CI_LAMBDA_STEPS).
T5_CI_STEPS = 1500


@register_check("EX-T5", "trained", "near the switch point: trained J vs the global optimum; gaps explained by the saddle rotation")
def ex_t5_trained(ctx: CheckContext) -> CheckResult:
    out, explained, gaps, saddles = [], True, 0, []
    for W_scale in T5_W_SCALES:
        p = lib.setting(T4_SX, ctx.seed, W_scale=W_scale)
        ls = mn.lambda_star_closed_form(p)
        lams = tuple(round(f * ls, 6) for f in T5_FACTORS)
        for r in lib.lambda_runs(ctx, lams, T4_SX, W_scale, ci_budget=T5_CI_STEPS):
            rot = lib.rotate_to_optimum(p, np.array(r["D"]), r["lam"])
            scale = float(np.trace(p.Sigma_r) + r["lam"] * np.trace(p.Sigma_a))
            gap = (r["J_red"] - r["J_opt"]) / scale
            row = {"W_scale": W_scale, "lambda_star": ls, "lam": r["lam"], "seed": r["seed"], "leak": r["leak"],
                   "rel_gap_reduced": gap, "rel_gap_full": (r["J"] - r["J_opt"]) / scale,
                   "rel_gap_after_rotation": (rot["J_final"] - rot["J_opt"]) / scale,
                   "rotations": len(rot["rotations"]), "monotone": rot["monotone"]}
            out.append(row)
            if gap > STALL:
                gaps += 1
                explained &= rot["monotone"] and row["rel_gap_after_rotation"] < 0.1 * gap
        sad = lib.exact_saddle(p, lams[0])
        saddles.append({"W_scale": W_scale, **{k: v for k, v in sad.items() if k != "rotations"}})
    sad_ok = all(abs(s["slope0"]) < 1e-6 and s["curv0"] < 0 and s["monotone"]
                 and abs(s["J_final"] - s["J_opt"]) < 1e-9 * s["J_opt"] for s in saddles)
    detail = RECON + (f"lambda / lambda* in {T5_FACTORS} for W = c Q, c in {T5_W_SCALES} (lambda* from the EX-T4 repair: "
                      f"{[round(o['lambda_star'], 4) for o in out[::len(out) // 2]]}), seeds {lib.seeds(ctx)}: {gaps}/"
                      f"{len(out)} runs end above the global optimum (rel. gap > {STALL}): "
                      f"{[(o['W_scale'], o['lam'], o['seed'], round(o['rel_gap_reduced'], 4)) for o in out]}; constructed "
                      f"saddles: slopes {[round(s['slope0'], 8) for s in saddles]}, curvatures "
                      f"{[round(s['curv0'], 3) for s in saddles]}, rotation monotone to the optimum "
                      f"{[s['monotone'] for s in saddles]}")
    meas = {"rows": out, "saddles": saddles}
    ranges = {f"lambda_switch_W_{c}": Range(mn.lambda_star_closed_form(lib.setting(T4_SX, ctx.seed, W_scale=c)),
                                            mn.lambda_star_closed_form(lib.setting(T4_SX, ctx.seed, W_scale=c)),
                                            method="closed form from singular values (EX-T4 repair)")
              for c in T5_W_SCALES}
    if not sad_ok:
        return judged("trained", False, detail, counterexample=meas, measured=meas, ranges=ranges)
    if gaps == 0:
        return undecided("trained", detail + "; no run stalled at this budget: the 'can stall' part is not exhibited",
                         measured=meas, ranges=ranges)
    if explained:
        return confirms("trained", detail + f"; every stalled run's gap shrinks >= 90% under the rotation with J "
                                            f"nonincreasing", measured=meas, ranges=ranges)
    return undecided("trained", detail + "; some gap is not removed by the rotation (monotone and >= 90%)", measured=meas,
                     ranges=ranges)


# --- EX-T4a: the x_t-sensitivity training selects ----------------------------------------------------------------
T4A_RUNS = ((0.1, 3e-2), (0.1, 1e-2), (1.0, 3e-2))  # (init scale, Adam lr)


@register_check("EX-T4a", "trained", "unsupervised training: equal loss, dz/dx_t set by init scale / optimiser (seeds)",
                answers=ADAM)
def ex_t4a_trained(ctx: CheckContext) -> CheckResult:
    def run():
        procs = [lib.setting(0.7, ctx.seed, d_z=3) for _ in lib.seeds(ctx)]
        rows = []
        for sc, lr in T4A_RUNS:
            res = lib.train_plain(ctx, procs, budget=ctx.scale.pick(ci=1000, full=5000), lr=lr, init_scale=sc,
                                  stop_tol=None)
            exc = lib.rel_excess(res)
            for i, s in enumerate(lib.seeds(ctx)):
                m = lp.metrics(procs[i], *lib.encoder(res, i, 3))
                rows.append({"init_scale": sc, "lr": lr, "seed": s, "S_x": m.S_x, "leak": m.leak,
                             "rel_excess": float(exc[i]), "nmse_x_z": m.nmse_x_z})
        return rows

    rows = cached(("lee2026.t4a", ctx.scale, ctx.device, ctx.seed), run)
    p = lib.setting(0.7, ctx.seed, d_z=3)
    r = mn.x_sensitivity(minimiser_set(p))
    sx = np.array([x["S_x"] for x in rows])
    converged = max(x["rel_excess"] for x in rows) < 5e-3
    ok = converged and r.lo == 0.0 and sx.min() > 0.3 and sx.max() > 1.2 * sx.min()
    by = {f"scale={sc},lr={lr}": [round(x["S_x"], 3) for x in rows if (x["init_scale"], x["lr"]) == (sc, lr)]
          for sc, lr in T4A_RUNS}
    cats = tuple(f"init {sc}, lr {lr:g}" for sc, lr in T4A_RUNS)
    fig = FigureSpec(name="ex_t4a_trained_sx_by_run", title="EX-T4a: x_t-sensitivity of z after unsupervised training",
                     xlabel="run", ylabel="S_x = ||dz/dx_t||_F",
                     series=(Series(f"trained ({len(lib.seeds(ctx))} seeds, min-max)", list(range(len(T4A_RUNS))),
                                    [_band(by[k])[0] for k in by], lo=[_band(by[k])[1] for k in by],
                                    hi=[_band(by[k])[2] for k in by], style="o"),
                             Series("S_x of the minimiser with C + DP = 0 (same loss)", list(range(len(T4A_RUNS))),
                                    [0.0] * len(T4A_RUNS), style="-")),
                     categories=cats,
                     caption=f"d_o = 12, k = 3, sigma_xi = 0.7, no supervision; S_x over the minimiser set: [{r.lo}, {r.hi}].")
    return judged("trained", ok,
                  RECON + f"S_x after training per (init scale, lr): {by}; max relative excess "
                          f"{max(x['rel_excess'] for x in rows):.1e}; S_x over the minimiser set [{r.lo}, {r.hi}]",
                  counterexample={"rows": rows}, measured={"rows": rows}, figures=(fig,))


# --- EX-T4d: label fraction under both averaging conventions ----------------------------------------------------
T4D_PS = (0.0, 0.01, 0.05, 0.1)
T4D_LAM = 200.0  # lambda* = 3; "all": lambda p = 0, 2 | 10, 20; "labelled": lambda (1 - (1-p)^256) = 0 | 185, 200, 200


def t4d_runs(ctx: CheckContext) -> list[dict]:
    def run():
        rows = []
        for avg in ("labelled", "all"):
            cfgs = [(frac, s) for frac in T4D_PS for s in lib.seeds(ctx)]
            p = lib.setting(T4_SX, ctx.seed)
            procs = [p] * len(cfgs)
            opts = LAMOptions(action_weight=T4D_LAM, d_a=lib.D_A, label_fraction=[c[0] for c in cfgs], label_average=avg)
            objs = [p.with_lam(action_weight=T4D_LAM, label_fraction=f, label_average=avg, batch=lib.BATCH) for f, _ in cfgs]
            res = lib.train_sampler(ctx, process_sampler(procs, ctx.device), len(cfgs), lib.D_O, lib.D_A, opts,
                                    monitor=lib.objective_monitor(objs, lib.D_A), stop_tol=lib.rel_excess_tol(ctx))
            for i, (frac, s) in enumerate(cfgs):
                m = lp.metrics(p, *lib.encoder(res, i, lib.D_A))
                q = p.with_lam(action_weight=T4D_LAM, label_fraction=frac, label_average=avg, batch=lib.BATCH)
                w = q.lam.effective_action_weight(p.d_o, p.d_a)
                rows.append({"average": avg, "p": frac, "seed": s, "lam_eff": w, "leak": m.leak,
                             "leak_pred": mn.leakage(minimiser_set(q)).hi, "nmse_a_zo": m.nmse_a_zo})
        return rows

    return cached(("lee2026.t4d", ctx.scale, ctx.device, ctx.seed), run)


@register_check("EX-T4d", "trained", "label-fraction sweep, labelled vs all averaging, vs the closed form at lambda_eff",
                answers=ADAM)
def ex_t4d_trained(ctx: CheckContext) -> CheckResult:
    rows = t4d_runs(ctx)
    worst = max(abs(r["leak"] - r["leak_pred"]) for r in rows)
    lab01 = [r["leak"] for r in rows if r["average"] == "labelled" and r["p"] == 0.01]
    all01 = [r["leak"] for r in rows if r["average"] == "all" and r["p"] == 0.01]
    order_ok = max(lab01) + 0.3 < min(all01)  # same p = 1%: labelled averaging switches, all-sample averaging does not
    series = []
    xs = list(range(len(T4D_PS)))
    for avg in ("labelled", "all"):
        pts = [_band([r["leak"] for r in rows if r["average"] == avg and r["p"] == f]) for f in T4D_PS]
        series.append(Series(f"trained, average over {avg} samples (min-max)", xs, [v[0] for v in pts],
                             lo=[v[1] for v in pts], hi=[v[2] for v in pts], style="o"))
        series.append(Series(f"closed form at lambda_eff ({avg})", xs,
                             [float(np.mean([r["leak_pred"] for r in rows if r["average"] == avg and r["p"] == f]))
                              for f in T4D_PS], style="-"))
    fig = FigureSpec(name="ex_t4d_trained_leak_vs_label_fraction", title="EX-T4d: leakage vs label fraction",
                     xlabel="label fraction p", ylabel="E_leak", series=tuple(series),
                     categories=tuple(f"p = {f:g}" for f in T4D_PS),
                     caption=f"lambda = {T4D_LAM}, lambda* = 3, batch {lib.BATCH}; lambda_eff = lambda (1 - (1 - p)^batch) "
                             f"(labelled mean) or lambda p (all samples).")
    return judged("trained", worst <= 2 * lib.TRAIN_TOL and order_ok,
                  RECON + f"lambda = {T4D_LAM}, p in {T4D_PS}: max |trained - closed form at lambda_eff| {worst:.3f} "
                          f"(margin {2 * lib.TRAIN_TOL}: few labels per batch); p = 0.01: labelled-mean leak <= "
                          f"{max(lab01):.3f}, all-sample leak >= {min(all01):.3f} (lambda p = 2 < 3)",
                  counterexample={"rows": rows}, measured={"rows": rows}, figures=(fig,))
