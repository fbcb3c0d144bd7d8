"""Trained checks of Zhang et al.'s simulations ZP-E1..ZP-E6 at the authors' protocol (check module).

They DECIDE the experimental claims (``selected-by:protocol``, theory/verdicts.py); the closed-form checks at
the set of minimisers (numerics/zhang2025/experiment_checks.py) explain them. Each trains the plotted
variant of the claim's figure (`gpu_checks.zhang2025.runs.experiment_run`: the protocol's LAM options and
probes; CI scale keeps d_o/d_a = 16, noise levels, kappa, chi, label fractions, batch and effective action
weights, and shortens training), reads every trained model under the protocol's probes (population-optimal
linear probes, the limit of the authors' Adam probes) and the notebook's LLO assembly, and judges with
margins over seeds, next to the closed-form range at the same sizes.
"""

from __future__ import annotations

import numpy as np

from gpu_checks.zhang2025 import runs as R
from numerics.zhang2025 import experiments as E
from numerics.zhang2025 import protocol as P
from numerics.zhang2025.model import PSEUDO_RCOND, TRAINED_RCOND
from theory.checks import CheckContext, CheckResult, FigureSpec, Marker, Series, judge_facts, judged, register_check, undecided

#: LLO tolerance of a trained model (0.05 LLO units: 1.7% of the LLO range [-1, 2]). Annealed CI runs reach the
#: closed form within ~1e-3 where the set's LLO is unique (measured: ZP-E1 at CI, every model within 2e-4).
TOL = 0.05
#: "Rescue" (ZP-E6): best LLO over d_z at least halfway between an empty latent (1) and the ideal (2).
RESCUE = 1.5
#: "Close to ideal" (ZP-E5): within 0.1 LLO (5% of the ideal 2) of the augmented optimum.
CLOSE = 0.1


def _llo(er: R.ExperimentRun):
    def value(run, p, prm):
        return E.plotted_llo(er.exp, E.protocol_terms(er.exp, prm, p, rcond=TRAINED_RCOND, pseudo_rcond=PSEUDO_RCOND), run)
    return value


def _act(er: R.ExperimentRun):
    def value(run, p, prm):
        return E.protocol_terms(er.exp, prm, p, rcond=TRAINED_RCOND, pseudo_rcond=PSEUDO_RCOND).nmse_action
    return value


def _trained_rows(er: R.ExperimentRun, vals: dict, cf: dict | None = None) -> list[dict]:
    rows = []
    for run, v in vals.items():
        m, sd, lo, hi = R.stats(v)
        row = {"d_a": run.d_a, "d_z": run.d_z, "sigma": run.sigma, "chi": run.chi, "kappa": run.kappa,
               "label_fraction": run.label_fraction, "mean": m, "std": sd, "seeds": [round(x, 5) for x in v]}
        if cf is not None and run in cf:
            row["set_llo"] = [cf[run].llo.lo, cf[run].llo.hi]
        rows.append(row)
    return rows


def _series(rows: list[dict], x: str, label: str, where) -> Series:
    sel = sorted((r for r in rows if where(r)), key=lambda r: r[x])
    return Series(label, [r[x] for r in sel], [r["mean"] for r in sel], [r["std"] for r in sel], style="o")


def _band(rows: list[dict], x: str, label: str, where) -> Series:
    sel = sorted((r for r in rows if where(r) and "set_llo" in r), key=lambda r: r[x])
    return Series(label, [r[x] for r in sel], [r["set_llo"][1] for r in sel], style="-",
                  lo=[r["set_llo"][0] for r in sel], hi=[r["set_llo"][1] for r in sel])


def _scale_note(er: R.ExperimentRun) -> str:
    t = er.training
    d_a = sorted({p.d_a for p in er.procs})
    return (f"[{t['scale']}: d_o = {t['d_o']}, d_a = {d_a}, d_b = {t['d_b']}, {t['models']} models ({t['seeds']} "
            f"draws), {t['updates']} updates, {t['schedule']}, batch {t['batch']}, w_eff {t['invariants']['w_eff']}]")


# --- ZP-E1 ---------------------------------------------------------------------------------------------

def _e1(ctx: CheckContext, variant: str) -> tuple[bool, str, list[dict], list[dict], FigureSpec, dict]:
    er = R.experiment_run("ZP-E1", ctx.full, ctx.device, ctx.seed, variant=variant, progress=ctx.progress)
    cf = R.closed_form(er)
    rows = _trained_rows(er, R.by_run(er, _llo(er)), cf)
    bad = []
    for r in rows:
        lows = min(r["seeds"])
        if r["d_z"] >= r["d_a"] and lows < 2 - TOL:
            bad.append({**r, "variant": variant, "why": f"d_z >= d_a but a draw has LLO {lows:.4f} < 2 - {TOL}"})
        if r["d_z"] < r["d_a"] and max(r["seeds"]) >= 2 - TOL:
            bad.append({**r, "variant": variant, "why": "d_z < d_a but a draw is optimal"})
    d_as = sorted({r["d_a"] for r in rows})
    fig = FigureSpec(
        name=f"zp_e1_trained_{variant.lower()}", title=f"ZP-E1 ({variant}): trained LLO vs d_z (d_o = {er.exp.d_o})",
        xlabel="d_z", ylabel="LLO (noise term 1)",
        series=tuple(_band(rows, "d_z", f"minimiser set, d_a = {a}", lambda r, a=a: r["d_a"] == a) for a in d_as)
        + tuple(_series(rows, "d_z", f"trained, d_a = {a}", lambda r, a=a: r["d_a"] == a) for a in d_as),
        markers=tuple(Marker(f"d_z = d_a = {a}", a) for a in d_as) + (Marker("2 - TOL", 2 - TOL, axis="y"),),
        caption="Points: mean and spread over draws; lines and bands: the LLO range over the set of global minimisers.")
    worst = min((min(r["seeds"]) for r in rows if r["d_z"] >= r["d_a"]), default=float("nan"))
    below = max((max(r["seeds"]) for r in rows if r["d_z"] < r["d_a"]), default=float("nan"))
    text = (f"{variant}: lowest trained LLO at d_z >= d_a {worst:.4f}, highest at d_z < d_a {below:.4f} "
            f"({len(rows)} runs) " + _scale_note(er))
    return not bad, text, rows, bad, fig, er.training


@register_check("ZP-E1", "trained", "eps = 0, both Fig. 3 left candidates (A = I / learned A with pseudo-latent action probe): LLO optimal iff d_z >= d_a")
def zp_e1_trained(ctx: CheckContext) -> CheckResult:
    """The notebook plots one of two complete candidates (protocol.fig3_left: which one the paper shows is
    undetermined): the check confirms if both are optimal (LLO >= 2 - TOL on every draw) exactly when
    d_z >= d_a, refutes if neither is, and is undecided when they disagree."""
    out = {v: _e1(ctx, v) for v in ("learnA_False", "psdaction")}
    oks = {v: o[0] for v, o in out.items()}
    detail = "; ".join(o[1] for o in out.values())
    measured = {v: {"rows": o[2], "training": o[5]} for v, o in out.items()} | {"tol": TOL, "optimal": oks}
    figs = tuple(o[4] for o in out.values())
    bad = [b for o in out.values() for b in o[3]]
    if all(oks.values()) or not any(oks.values()):
        return judged("trained", all(oks.values()), detail, counterexample={"violations": bad}, measured=measured, figures=figs)
    return undecided("trained", f"the candidates disagree (optimal: {oks}), so the outcome depends on which one the figure "
                     f"shows: {detail}", measured=measured | {"violations": bad}, figures=figs)


# --- ZP-E2 ---------------------------------------------------------------------------------------------

@register_check("ZP-E2", "trained", "i.i.d. noise, Fig. 3 middle protocol: trained LLO gap to sigma = 0 (probes on noise-free data)")
def zp_e2_trained(ctx: CheckContext) -> CheckResult:
    er = R.experiment_run("ZP-E2", ctx.full, ctx.device, ctx.seed, progress=ctx.progress)
    cf = R.closed_form(er)
    vals = R.by_run(er, _llo(er))
    rows = _trained_rows(er, vals, cf)
    base = {r.d_z: np.array(v) for r, v in vals.items() if r.sigma == 0.0}
    gaps = {}
    for run, v in vals.items():
        if run.sigma > 0:
            gaps[(run.d_z, run.sigma)] = base[run.d_z] - np.array(v)  # paired by draw
    worst = max(float(g.max()) for (dz, s), g in gaps.items() if s <= 0.5)
    far = {f"{dz},{s}": float(g.mean()) for (dz, s), g in gaps.items() if s > 0.5}
    d_zs, sig = sorted(base), sorted({s for _, s in gaps})
    fig = FigureSpec(
        name="zp_e2_trained_gap_vs_sigma", title=f"ZP-E2: trained LLO gap to sigma = 0 (d_o = {er.exp.d_o}, A = I)",
        xlabel="sigma_iid", ylabel="LLO(sigma = 0) - LLO(sigma), paired by draw",
        series=tuple(Series(f"trained, d_z = {dz}", sig, [float(gaps[(dz, s)].mean()) for s in sig],
                            [float(gaps[(dz, s)].std()) for s in sig], style="o-") for dz in d_zs)
        + (Series("every minimiser (closed form)", sig, [0.0] * len(sig), style="--"),),
        markers=(Marker("sigma = 0.5", 0.5), Marker(f"negligible = {TOL}", TOL, axis="y")),
        caption="Probes fitted and evaluated on noise-free data (the plotted variant). The closed-form gap is 0 at every minimiser.")
    return judged(
        "trained", worst <= TOL,
        f"largest trained gap for sigma <= 0.5 (paired by draw): {worst:.4f} (negligible := <= {TOL}); mean gaps beyond 0.5: "
        f"{far}. " + _scale_note(er),
        counterexample={"gaps": {f"{k[0]},{k[1]}": v.tolist() for k, v in gaps.items()}},
        measured={"rows": rows, "gaps": {f"{k[0]},{k[1]}": v.tolist() for k, v in gaps.items()}, "training": er.training},
        figures=(fig,))


# --- ZP-E3 ---------------------------------------------------------------------------------------------

@register_check("ZP-E3", "trained", "other-agent noise, Fig. 3 right protocol: argmax d_z = d_a at sigma_exo 0.5; failure at 2.0")
def zp_e3_trained(ctx: CheckContext) -> CheckResult:
    er = R.experiment_run("ZP-E3", ctx.full, ctx.device, ctx.seed, progress=ctx.progress)
    cf = R.closed_form(er)
    rows = _trained_rows(er, R.by_run(er, _llo(er)), cf)
    d_a = er.exp.d_a[0]
    lo = {r["d_z"]: r for r in rows if r["sigma"] == 0.5}
    hi = {r["d_z"]: r for r in rows if r["sigma"] == 2.0}
    margin = min(lo[d_a]["seeds"]) - max(max(r["seeds"]) for dz, r in lo.items() if dz != d_a)
    empty = P.notebook_llo(er.exp.metrics, 1.0, 1.0, 1.0, sigma=2.0)
    top2 = max(max(r["seeds"]) for r in hi.values())
    fig = FigureSpec(
        name="zp_e3_trained_llo_vs_dz", title=f"ZP-E3: trained LLO vs d_z (d_o = {er.exp.d_o}, d_a = d_b = {d_a}, A = I)",
        xlabel="d_z", ylabel="LLO (notebook assembly)",
        series=(_band(rows, "d_z", "minimiser set, sigma_exo = 0.5", lambda r: r["sigma"] == 0.5),
                _band(rows, "d_z", "minimiser set, sigma_exo = 2", lambda r: r["sigma"] == 2.0),
                _series(rows, "d_z", "trained, sigma_exo = 0.5", lambda r: r["sigma"] == 0.5),
                _series(rows, "d_z", "trained, sigma_exo = 2", lambda r: r["sigma"] == 2.0)),
        markers=(Marker("d_z = d_a", d_a), Marker("empty latent at sigma_exo = 2", empty, axis="y")),
        caption="Optimal := every draw at d_z = d_a above every draw elsewhere; failure := no draw above the empty latent + TOL.")
    facts = {"sigma_exo = 0.5: d_z = d_a is the LLO maximiser on every draw": margin > 0,
             f"sigma_exo = 2: no d_z beats the empty latent by more than {TOL}": top2 <= empty + TOL}
    return judge_facts("trained", facts, f": margin of d_z = d_a over the other d_z {margin:.4f}; best at sigma 2 "
                       f"{top2:.4f} vs empty latent {empty:.4f}. " + _scale_note(er),
                       counterexample={"rows": rows}, measured={"rows": rows, "training": er.training}, figures=(fig,))


# --- ZP-E4 ---------------------------------------------------------------------------------------------

@register_check("ZP-E4", "trained", "correlated policy, Fig. 4 left protocol: trained action NMSE and LLO vs chi")
def zp_e4_trained(ctx: CheckContext) -> CheckResult:
    er = R.experiment_run("ZP-E4", ctx.full, ctx.device, ctx.seed, progress=ctx.progress)
    cf = R.closed_form(er)
    act = _trained_rows(er, R.by_run(er, _act(er)))
    llo = _trained_rows(er, R.by_run(er, _llo(er)), cf)
    d_zs, chis = sorted({r["d_z"] for r in act}), sorted({r["chi"] for r in act})
    m = {(r["d_z"], r["chi"]): r for r in act}
    # action information := 1 - min(NMSE, 1) (an NMSE above 1, a probe that transfers badly to random actions,
    # is no information); the median over draws, so one stuck draw does not make a trend
    info = {k: float(np.median([1 - min(x, 1.0) for x in r["seeds"]])) for k, r in m.items()}
    bad = []
    for dz in d_zs:
        seq = [info[(dz, c)] for c in chis]
        rises = [(c1, c2) for c1, c2, a, b in zip(chis, chis[1:], seq, seq[1:]) if b > a + TOL]
        drop = seq[0] - seq[-1]
        if rises or drop <= TOL:
            bad.append({"d_z": dz, "information_by_chi": dict(zip(chis, np.round(seq, 4).tolist())), "rises": rises, "drop": drop})
    set_act = {(run.d_z, run.chi): t.action for run, t in cf.items()}
    fig = FigureSpec(
        name="zp_e4_trained_action_vs_chi", title=f"ZP-E4: trained NMSE(a | pseudo-latent) vs chi (d_o = {er.exp.d_o}, learned A)",
        xlabel="chi (policy determinism)", ylabel="NMSE(a), probes fitted on policy data, random-action evaluation",
        series=tuple(_series(act, "chi", f"trained, d_z = {dz}", lambda r, dz=dz: r["d_z"] == dz) for dz in d_zs)
        + tuple(Series(f"minimiser set, d_z = {dz}", chis, [set_act[(dz, c)].hi for c in chis], style="-",
                       lo=[set_act[(dz, c)].lo for c in chis], hi=[set_act[(dz, c)].hi for c in chis]) for dz in d_zs),
        markers=(Marker("chi = 1", 1.0),),
        caption="Trend := the action information 1 - min(NMSE, 1) (median over draws) never rises by more than TOL between "
                "consecutive chi and falls by more than TOL from the smallest to the largest chi. Bands: members of the set of minimisers.")
    return judged(
        "trained", not bad,
        "trained action information 1 - min(NMSE(a), 1), median over draws, by d_z and chi: "
        + "; ".join(f"d_z {dz}: " + ", ".join(f"{c}: {info[(dz, c)]:.3f}" for c in chis) for dz in d_zs)
        + f". At the set of minimisers (d_z >= d_a, chi < 1): NMSE(a) <= "
        f"{max(set_act[(dz, c)].hi for dz in d_zs for c in chis if c < 1 and dz >= er.exp.d_a[0]):.2e}. " + _scale_note(er),
        counterexample={"violations": bad}, measured={"nmse_a": act, "llo": llo, "training": er.training, "tol": TOL},
        figures=(fig,))


# --- ZP-E5 ---------------------------------------------------------------------------------------------

@register_check("ZP-E5", "trained", "augmentation kappa = 0.1, Fig. 4 middle protocol: trained LLO of the true z vs the augmented optimum")
def zp_e5_trained(ctx: CheckContext) -> CheckResult:
    er = R.experiment_run("ZP-E5", ctx.full, ctx.device, ctx.seed, progress=ctx.progress)
    cf = R.closed_form(er)
    rows = _trained_rows(er, R.by_run(er, _llo(er)), cf)
    aug = [r for r in rows if r["kappa"] > 0]
    plain = [r for r in rows if r["kappa"] == 0]
    gap = [max(r["set_llo"][0] - min(r["seeds"]), max(r["seeds"]) - r["set_llo"][1], 0.0) for r in aug]
    worst = max(gap)
    plain_gap = min(r["set_llo"][1] - r["mean"] for r in plain) if plain else float("nan")
    sigmas = sorted({r["sigma"] for r in rows})
    fig = FigureSpec(
        name="zp_e5_trained_llo_vs_sigma", title=f"ZP-E5: trained LLO with and without augmentation (d_o = {er.exp.d_o})",
        xlabel="sigma (U[0, sigma) noise)", ylabel="LLO (noise term 1)",
        series=tuple(_series(rows, "sigma", f"trained, kappa = {k}, d_z = {dz}", lambda r, k=k, dz=dz: r["kappa"] == k and r["d_z"] == dz)
                     for k in sorted({r["kappa"] for r in rows}) for dz in sorted({r["d_z"] for r in rows}))
        + tuple(_band(rows, "sigma", f"minimiser set, kappa = 0.1, d_z = {dz}", lambda r, dz=dz: r["kappa"] > 0 and r["d_z"] == dz)
                for dz in sorted({r["d_z"] for r in rows})),
        markers=(Marker("sigma = 0.5", 0.5),),
        caption="Close to ideal := every draw within 0.1 LLO of the augmented optimum's LLO range.")
    return judged(
        "trained", worst <= CLOSE,
        f"kappa = 0.1: largest distance of a trained draw from the augmented optimum's LLO {worst:.4f} (close := <= {CLOSE}); "
        f"reported: kappa = 0 mean LLO below the set's top by at least {plain_gap:.4f} (z keeps o-content from "
        f"initialisation, if positive). " + _scale_note(er),
        counterexample={"rows": aug}, measured={"rows": rows, "training": er.training, "close": CLOSE}, figures=(fig,))


# --- ZP-E6 ---------------------------------------------------------------------------------------------

@register_check("ZP-E6", "trained", "1% labels at sigma_exo = 2, Fig. 4 right protocol (authors' weighting): trained LLO vs d_z")
def zp_e6_trained(ctx: CheckContext) -> CheckResult:
    er = R.experiment_run("ZP-E6", ctx.full, ctx.device, ctx.seed, progress=ctx.progress)
    cf = R.closed_form(er)
    rows = _trained_rows(er, R.by_run(er, _llo(er)), cf)
    s2 = [r for r in rows if r["sigma"] == 2.0]
    best = max((r for r in s2 if r["label_fraction"] > 0), key=lambda r: r["mean"])
    none = max(max(r["seeds"]) for r in s2 if r["label_fraction"] == 0)
    w = er.exp.effective_action_weight(0.01)
    fig = FigureSpec(
        name="zp_e6_trained_llo_vs_dz", title=f"ZP-E6: trained LLO at sigma_exo = 2 (d_o = {er.exp.d_o}, kappa = 0.1)",
        xlabel="d_z", ylabel="LLO (clipped at 2)",
        series=(_band(s2, "d_z", "minimiser set, 1% labels", lambda r: r["label_fraction"] > 0),
                _band(s2, "d_z", "minimiser set, no labels", lambda r: r["label_fraction"] == 0),
                _series(s2, "d_z", f"trained, 1% labels (w_eff = {w:.2f})", lambda r: r["label_fraction"] > 0),
                _series(s2, "d_z", "trained, no labels", lambda r: r["label_fraction"] == 0)),
        markers=(Marker("d_z = d_a", er.exp.d_a[0]), Marker(f"rescue = {RESCUE}", RESCUE, axis="y")),
        caption="Action loss: the authors' per-dimension means and labelled-sample average; w_eff = (d_o/d_a)(1 - 0.99^128).")
    ok = min(best["seeds"]) >= RESCUE and none <= 1.0 + TOL
    return judged(
        "trained", ok,
        f"sigma_exo = 2, 1% labels (w_eff = {w:.2f}): best d_z = {best['d_z']}, LLO over draws {best['seeds']} (rescue := every draw "
        f">= {RESCUE}); without labels no draw above {none:.4f} (failure := <= 1 + {TOL}). " + _scale_note(er),
        counterexample={"best": best, "no_labels_max": none}, measured={"rows": rows, "training": er.training, "w_eff": w},
        figures=(fig,))
