"""Trained checks of Zhang et al.'s simulation claims ZP-E1..ZP-E6 (Figs. 3 and 4).

Two batched Adam runs (`train_linear_lams`, fresh batches of 128) cover all six experiments:

* ``fixed``  (A = I, probes on z; Fig. 3 protocols): ZP-E1 config (ii), ZP-E2, ZP-E3;
* ``learned`` (A learned; Fig. 4 protocols + ZP-E1 config (i)): ZP-E1, ZP-E4, ZP-E5, ZP-E6
  (action head E with weight 1, label_average="labelled" as in Zhang's code, label fraction per model,
  augmentation kappa per model).

Evaluation is the POPULATION LLO of the trained parameters (`numerics.zhang2025.experiments`), i.e.
probes in closed form from exact covariances (no probe-training noise), compared with the closed-form
curve at the population optimum. ``ci``: d_o = 16, d_a = d_b = 4, 3 seeds, 1500 steps (Adam lr 3e-2
annealed to 1e-5 as in gpu_checks/zhang2025/pca.py); ``full``: d_o = 128, d_a = d_b = 8, more d_z, 10k steps.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from gpu_checks.linear_lam import GaussianLinearProcess, LAMOptions, TrainResult, train_linear_lams
from numerics import linear_lam as ll
from numerics.zhang2025 import experiments as ne
from theory.checks import CheckContext, CheckResult, FigureSpec, Series, judged, register_check

#: LLO tolerance between a trained model's population LLO and the closed-form value. LLO is a sum of
#: three NMSEs; at d_z = d_a an NMSE deviates by about sum sin^2(theta)/d_a <= (L - L*)/(delta d_a)
#: (pca.py's bound), and the annealed runs reach (L - L*)/tr Sigma ~ 1e-4..1e-3 at CI scale, i.e.
#: NMSE errors ~ 1e-3..1e-2. 0.05 LLO units (1.7% of the LLO range [-1, 2]) keeps a >= 5x margin.
TOL = 0.05
#: "Close to ideal" (ZP-E5): within 0.1 LLO of the ideal value (5% of the ideal 2). Measured worst trained gap
#: with kappa = 0.1 at CI scale: 0.029 and 0.039 in two runs (slow kappa^2 = 0.01 pressure on C + D); kappa = 0
#: stays >= 0.36 away, so the criterion separates the two with margin on both sides.
CLOSE_TO_IDEAL = 0.1
ACTION_WEIGHT = 1.0
BATCH = 128


@dataclass(frozen=True)
class Scale:
    d_o: int
    d_a: int
    seeds: int
    steps: int
    d_z_e1: tuple[int, ...]
    d_z_e3: tuple[int, ...]
    d_z_e6: tuple[int, ...]

    @classmethod
    def at(cls, scale: str) -> "Scale":
        if scale == "full":
            return cls(128, 8, 3, 10000, (2, 4, 8, 12, 16), (2, 4, 8, 12, 16), (4, 8, 16))
        return cls(16, 4, 3, 1500, (2, 4, 6), (4, 8), (4, 8))


@dataclass(frozen=True)
class Cfg:
    exp: str
    seed: int
    d_z: int
    proc: ne.Process
    kappa: float = 0.0
    labels: float = 0.0
    sigma: float = 0.0  # noise level (i.i.d. sigma or sigma_exo)
    chi: float = 0.0


def draws(sc: Scale, seed: int, s: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(10_000 * seed + s)
    return ne.orthonormal(rng, sc.d_o, sc.d_a), ne.orthonormal(rng, sc.d_o, sc.d_a), ne.orthonormal(rng, sc.d_o, sc.d_a).T


def configs(sc: Scale, seed: int, which: str) -> list[Cfg]:
    out: list[Cfg] = []
    I_a = np.eye(sc.d_a)
    for s in range(sc.seeds):
        X, Y0, Pi = draws(sc, seed, s)
        clean = ne.Process(X, I_a, np.zeros((sc.d_o, 1)))
        out += [Cfg("E1", s, dz, clean) for dz in sc.d_z_e1]
        if which == "fixed":
            out += [Cfg("E2", s, sc.d_a, ne.Process(X, I_a, sig * np.eye(sc.d_o), "eps"), sigma=sig) for sig in (0.5, 1.0)]
            out += [Cfg("E3", s, dz, ne.exo_process(X, Y0, sig), sigma=sig) for sig in (0.5, 2.0) for dz in sc.d_z_e3]
        else:
            out += [Cfg("E4", s, sc.d_a, ne.policy_process(X, Pi, chi), chi=chi) for chi in (0.5, 0.9)]
            out += [Cfg("E5", s, sc.d_a, ne.Process(X, I_a, sig * np.eye(sc.d_o), "eps" if sig else None), kappa=k, sigma=sig)
                    for k, sig in ((0.1, 0.0), (0.1, 0.5), (0.0, 0.5))]
            out += [Cfg("E6", s, dz, ne.exo_process(X, Y0, 2.0), kappa=0.1, labels=lab, sigma=2.0)
                    for lab in (0.0, 0.01) for dz in sc.d_z_e6 if lab or dz == sc.d_a]
    return out


def torch_process(cfgs: list[Cfg], d_o: int) -> GaussianLinearProcess:
    def pad(F: np.ndarray) -> np.ndarray:
        return np.hstack([F, np.zeros((d_o, d_o - F.shape[1]))]) if F.shape[1] < d_o else F

    Pi = np.stack([c.proc.Pi if c.proc.Pi is not None else np.zeros((c.proc.d_a, d_o)) for c in cfgs])
    return GaussianLinearProcess(
        X=np.stack([c.proc.X for c in cfgs]), F_a=np.stack([c.proc.F_a for c in cfgs]),
        F_e=np.stack([pad(c.proc.F_e) for c in cfgs]), Pi=Pi, chi=np.array([c.proc.chi for c in cfgs]),
    )


@lru_cache(maxsize=4)
def training(scale: str, device: str, seed: int, which: str) -> tuple[Scale, list[Cfg], TrainResult]:
    sc = Scale.at(scale)
    cfgs = configs(sc, seed, which)
    opts = LAMOptions(learn_A=which == "learned", kappa=[c.kappa for c in cfgs], action_weight=ACTION_WEIGHT,
                      d_a=sc.d_a, label_fraction=[c.labels for c in cfgs], label_average="labelled")
    res = train_linear_lams(
        torch_process(cfgs, sc.d_o).sampler(device), K=len(cfgs), d_o=sc.d_o, d_z=[c.d_z for c in cfgs],
        steps=sc.steps, batch=BATCH, lr=1e-1 if scale == "ci" else 3e-2, lr_final=1e-5, options=opts,
        seed=seed + (0 if which == "fixed" else 1), device=device, log_every=sc.steps,
    )
    return sc, cfgs, res


def params_of(res: TrainResult, k: int, d_z: int) -> dict[str, np.ndarray]:
    p = res.params
    return {"A": p["A"][k], "B": p["B"][k][:, :d_z], "C": p["C"][k][:d_z], "D": p["D"][k][:d_z]}


def _stats(vals: list[float]) -> tuple[float, float]:
    return float(np.mean(vals)), float(np.std(vals))


def _fig(name: str, title: str, xlabel: str, curves: dict[str, tuple[list, list]], points: dict[str, dict],
         caption: str) -> FigureSpec:
    series = [Series(f"closed form: {lab}", list(x), list(y), style="-") for lab, (x, y) in curves.items()]
    for lab, d in points.items():
        xs = sorted(d)
        series.append(Series(f"trained: {lab}", xs, [_stats(d[x])[0] for x in xs], [_stats(d[x])[1] for x in xs], style="o"))
    return FigureSpec(name=name, title=title, xlabel=xlabel, ylabel="LLO", series=tuple(series), caption=caption)


# --- ZP-E1 -----------------------------------------------------------------------------------------

@register_check("ZP-E1", "trained", "eps = 0: trained LLO vs closed form over d_z (A = I / learned A; z vs pseudo-latent)")
def zp_e1_trained(ctx: CheckContext) -> CheckResult:
    ctx.progress("training A = I models")
    sc, cf_f, rf = training(ctx.scale, ctx.device, ctx.seed, "fixed")
    ctx.progress("training learned-A models")
    _, cf_l, rl = training(ctx.scale, ctx.device, ctx.seed, "learned")
    rows, bad = [], []
    pts: dict[str, dict] = {"A=I, probe z": {}, "learned A, probe pseudo-latent": {}, "learned A, probe z": {}}
    for cfgs, res, fixed in ((cf_f, rf, True), (cf_l, rl, False)):
        for k, c in enumerate(cfgs):
            if c.exp != "E1":
                continue
            p = params_of(res, k, c.d_z)
            star = ne.population_llo(ne.canonical_optimum(c.proc, c.d_z), c.proc).value
            z = ne.population_llo(p, c.proc).value
            ps = ne.population_llo(p, c.proc, action_from="pseudo", rest_from="pseudo", pseudo_rcond=ne.PSEUDO_RCOND).value
            if fixed:
                pts["A=I, probe z"].setdefault(c.d_z, []).append(z)
                # optimum set with A = I: unused latent rows may carry o, LLO >= 2 - (d_z - d_a)/d_o (numeric check)
                low = star - max(c.d_z - sc.d_a, 0) / sc.d_o
                ok = low - TOL <= z <= star + TOL
            else:
                pts["learned A, probe pseudo-latent"].setdefault(c.d_z, []).append(ps)
                pts["learned A, probe z"].setdefault(c.d_z, []).append(z)
                ok = abs(ps - star) <= TOL
            rows.append({"A": "I" if fixed else "learned", "d_z": c.d_z, "seed": c.seed, "closed_form": star,
                         "llo_z": z, "llo_pseudo": ps})
            if not ok:
                bad.append(rows[-1])
    learned_z = [r["llo_z"] for r in rows if r["A"] == "learned" and r["d_z"] >= sc.d_a]
    dzs = list(range(1, max(sc.d_z_e1) + 1))
    curve = [ne.population_llo(ne.canonical_optimum(cf_f[0].proc, dz), cf_f[0].proc).value for dz in dzs]
    fig = _fig("zp_e1_llo_vs_dz", f"ZP-E1: LLO vs d_z, eps = 0 (d_o={sc.d_o}, d_a={sc.d_a})", "d_z",
               {"optimum (pseudo-latent; = z at C = -D)": (dzs, curve)}, pts,
               "Closed form: 1 + d_z/d_a below d_a, 2 from d_a on. Points: population LLO of trained parameters, "
               "mean and spread over seeds. With learned A the true z keeps o-content from initialisation.")
    return judged(
        "trained", not bad,
        f"{len(rows)} models: learned A probed on the pseudo-latent matches the closed form within {TOL} (LLO 2 iff d_z >= d_a); "
        f"A = I probed on z matches at d_z <= d_a, and at d_z > d_a lies in the optimum set's range [2 - (d_z-d_a)/d_o, 2] "
        f"(trained: {sorted({round(r['llo_z'], 3) for r in rows if r['A'] == 'I' and r['d_z'] > sc.d_a})}; unused latent rows "
        f"keep o from init). Training-dependent: with learned A the TRUE latent z at d_z >= d_a reaches only LLO "
        f"{min(learned_z):.2f}..{max(learned_z):.2f} (o-content kept from init, ZP-O1), so 'optimal' holds for the "
        "pseudo-latent protocol, not for the true z.",
        counterexample={"violations": bad},
        measured={"rows": rows, "tol": TOL, "steps": sc.steps, "train_seconds": rf.seconds + rl.seconds},
        figures=(fig,),
    )


# --- ZP-E2 -----------------------------------------------------------------------------------------

@register_check("ZP-E2", "trained", "i.i.d. noise: trained LLO gap (A = I, probes on noise-free data) vs sigma")
def zp_e2_trained(ctx: CheckContext) -> CheckResult:
    sc, cfgs, res = training(ctx.scale, ctx.device, ctx.seed, "fixed")
    gaps: dict[float, list[float]] = {}
    noisy: dict[float, list[float]] = {}
    for k, c in enumerate(cfgs):
        if c.exp == "E2" or (c.exp == "E1" and c.d_z == sc.d_a):
            p = params_of(res, k, c.d_z)
            llo = ne.population_llo(p, c.proc, probe_fit=c.proc.clean(), noise_term_one=True).value
            gaps.setdefault(c.sigma, []).append(2.0 - llo)
            noisy.setdefault(c.sigma, []).append(2.0 - ne.population_llo(p, c.proc).value)
    ok_sig = [s for s in gaps if s <= 0.5]
    worst = max(max(gaps[s]) for s in ok_sig)
    sig_grid = list(np.linspace(0, 1.5, 16))
    X = cfgs[0].proc.X
    cf_noisy = [2 - ne.population_llo(ne.canonical_optimum(pr, sc.d_a), pr).value
                for pr in (ne.Process(X, np.eye(sc.d_a), s * np.eye(sc.d_o), "eps" if s else None) for s in sig_grid)]
    fig = FigureSpec(
        name="zp_e2_gap_vs_sigma", title=f"ZP-E2: LLO gap to 2 vs i.i.d. noise (d_z = d_a = {sc.d_a}, A = I)",
        xlabel="sigma", ylabel="2 - LLO",
        series=(Series("closed form, paper protocol (probes on noise-free data)", sig_grid, [0.0] * len(sig_grid), style="-"),
                Series("closed form, probes on noisy data", sig_grid, cf_noisy, style="-"),
                Series("trained, paper protocol", sorted(gaps), [_stats(gaps[s])[0] for s in sorted(gaps)],
                       [_stats(gaps[s])[1] for s in sorted(gaps)], style="o"),
                Series("trained, noisy probe data", sorted(noisy), [_stats(noisy[s])[0] for s in sorted(noisy)],
                       [_stats(noisy[s])[1] for s in sorted(noisy)], style="o")),
        caption="Population gap is 0 for every sigma under the paper's protocol; the trained gap comes from finite training.",
    )
    return judged(
        "trained", worst <= TOL,
        f"trained gap at sigma <= 0.5: worst {worst:.3f} (negligible := <= {TOL}); mean gap at sigma = 1.0: "
        f"{_stats(gaps.get(1.0, [np.nan]))[0]:.3f}. The closed-form gap is 0 for every sigma under the paper's protocol, so the "
        "'up to ~0.5' threshold is a property of training (finite steps/SGD noise grow with sigma), not of the optimum.",
        counterexample={"gaps": {str(s): v for s, v in gaps.items()}},
        measured={"gap_paper_protocol": {str(s): v for s, v in gaps.items()},
                  "gap_noisy_probes": {str(s): v for s, v in noisy.items()}, "tol": TOL},
        figures=(fig,),
    )


# --- ZP-E3 -----------------------------------------------------------------------------------------

@register_check("ZP-E3", "trained", "other-agent noise: trained LLO vs d_z for sigma_exo 0.5 and 2.0 (A = I)")
def zp_e3_trained(ctx: CheckContext) -> CheckResult:
    sc, cfgs, res = training(ctx.scale, ctx.device, ctx.seed, "fixed")
    pts: dict[str, dict] = {}
    rows, bad = [], []
    for k, c in enumerate(cfgs):
        if c.exp != "E3":
            continue
        llo = ne.population_llo(params_of(res, k, c.d_z), c.proc).value
        star = ne.population_llo(ne.canonical_optimum(c.proc, c.d_z), c.proc).value
        pts.setdefault(f"sigma_exo={c.sigma}", {}).setdefault(c.d_z, []).append(llo)
        rows.append({"sigma_exo": c.sigma, "d_z": c.d_z, "seed": c.seed, "llo": llo, "closed_form": star})
        if abs(llo - star) > TOL:
            bad.append(rows[-1])
    m05 = {dz: _stats(v)[0] for dz, v in pts["sigma_exo=0.5"].items()}
    m20 = {dz: _stats(v)[0] for dz, v in pts["sigma_exo=2.0"].items()}
    best = max(m05, key=m05.get)
    ok = not bad and best == sc.d_a and max(m20.values()) <= 1.0 + TOL
    proc0 = [c.proc for c in cfgs if c.exp == "E3" and c.seed == 0]
    dzs = list(range(1, 2 * sc.d_a + 3))
    curves = {}
    for sig in (0.5, 2.0):
        pr = next(p for p, c in zip(proc0, [c for c in cfgs if c.exp == "E3" and c.seed == 0]) if c.sigma == sig)
        curves[f"sigma_exo={sig} (seed 0 draw)"] = (dzs, [ne.population_llo(ne.canonical_optimum(pr, dz), pr).value for dz in dzs])
    fig = _fig("zp_e3_llo_vs_dz", f"ZP-E3: LLO vs d_z with other-agent noise (d_o={sc.d_o}, d_a=d_b={sc.d_a}, A = I)",
               "d_z", curves, pts, "Failure = no d_z beats the uninformative latent (LLO 1).")
    return judged(
        "trained", ok,
        f"trained means: sigma_exo=0.5 best at d_z={best} (d_a={sc.d_a}), LLO {m05[best]:.3f}; sigma_exo=2.0 best "
        f"{max(m20.values()):.3f} <= 1 + {TOL} (no better than an empty latent); {len(rows) - len(bad)}/{len(rows)} models within {TOL} of the closed form",
        counterexample={"violations": bad, "argmax_0.5": best, "max_2.0": max(m20.values())},
        measured={"rows": rows, "tol": TOL},
        figures=(fig,),
    )


# --- ZP-E4 -----------------------------------------------------------------------------------------

@register_check("ZP-E4", "trained", "correlated policy: trained action NMSE (pseudo-latent, random-action eval) vs chi")
@register_check("ZP-E4", "trained", "repair: the trend appears in training at a fixed step budget", target="repair")
def zp_e4_trained(ctx: CheckContext) -> CheckResult:
    sc, cfgs, res = training(ctx.scale, ctx.device, ctx.seed, "learned")
    nm: dict[float, list[float]] = {}
    llo: dict[float, list[float]] = {}
    ang: dict[float, list[float]] = {}
    for k, c in enumerate(cfgs):
        if c.exp == "E4" or (c.exp == "E1" and c.d_z == sc.d_a):
            r = ne.population_llo(params_of(res, k, c.d_z), c.proc, action_from="pseudo", rest_from="z",
                                  probe_eval=c.proc.random_actions(), pseudo_rcond=ne.PSEUDO_RCOND)
            nm.setdefault(c.proc.chi, []).append(r.nmse_a)
            llo.setdefault(c.proc.chi, []).append(r.value)
            B = params_of(res, k, c.d_z)["B"]
            ang.setdefault(c.proc.chi, []).append(float(np.degrees(ll.principal_angles(c.proc.X, B).max())))
    chis = sorted(nm)
    means = [_stats(nm[x])[0] for x in chis]
    X, Pi = cfgs[0].proc.X, draws(sc, ctx.seed, 0)[2]
    grid = list(np.linspace(0, 0.95, 20))
    cf = [ne.population_llo(ne.canonical_optimum(ne.policy_process(X, Pi, x), sc.d_a), ne.policy_process(X, Pi, x),
                            action_from="pseudo", probe_eval=ne.policy_process(X, Pi, x).random_actions()).nmse_a for x in grid]
    fig = FigureSpec(
        name="zp_e4_action_nmse_vs_chi", title=f"ZP-E4: action NMSE from the pseudo-latent vs chi (d_z = d_a = {sc.d_a})",
        xlabel="chi (policy determinism)", ylabel="NMSE(a | o_hat' - o), random-action evaluation",
        series=(Series("closed form (every optimum)", grid, cf, style="-"),
                Series("trained", chis, means, [_stats(nm[x])[1] for x in chis], style="o")),
        caption="At the optimum the pseudo-latent equals q for every chi < 1; the trained rise is an optimisation effect "
                "(the controllable variance (1 - chi)^2 shrinks, so a fixed step budget converges less).",
    )
    increasing = all(b >= a - TOL for a, b in zip(means, means[1:]))
    return judged(
        "trained", increasing and means[-1] > means[0] + TOL,
        f"trained NMSE(a) by chi {dict(zip(chis, np.round(means, 3)))}: less action information as chi grows, as the paper "
        "observes -- but the closed-form optimum has NMSE 0 for every chi < 1 (see the numeric check), so this depends on "
        "how training was run (finite steps, signal variance (1-chi)^2), not on the optimum.",
        counterexample={"nmse_a_by_chi": {str(x): nm[x] for x in chis}},
        measured={"nmse_a": {str(x): nm[x] for x in chis}, "llo": {str(x): llo[x] for x in chis},
                  "max_angle_B_X_deg": {str(x): ang[x] for x in chis}, "tol": TOL},
        figures=(fig,),
    )


# --- ZP-E5 -----------------------------------------------------------------------------------------

@register_check("ZP-E5", "trained", "augmentation kappa = 0.1: trained LLO of the true z vs the ideal (C = -D) value")
def zp_e5_trained(ctx: CheckContext) -> CheckResult:
    sc, cfgs, res = training(ctx.scale, ctx.device, ctx.seed, "learned")
    rows = []
    pts: dict[str, dict] = {}
    for k, c in enumerate(cfgs):
        if c.exp == "E5" or (c.exp == "E1" and c.d_z == sc.d_a):
            p = params_of(res, k, c.d_z)
            val = ne.population_llo(p, c.proc, noise_term_one=True).value
            ideal = ne.population_llo(ne.canonical_optimum(c.proc, c.d_z), c.proc, noise_term_one=True).value
            rows.append({"kappa": c.kappa, "sigma": c.sigma, "seed": c.seed, "llo": val, "ideal": ideal,
                         "A_minus_I": float(np.linalg.norm(p["A"] - np.eye(sc.d_o))),
                         "C_plus_D": float(np.linalg.norm(p["C"] + p["D"]))})
            pts.setdefault(f"kappa={c.kappa}", {}).setdefault(c.sigma, []).append(val)
    aug = [r for r in rows if r["kappa"] > 0]
    plain = [r for r in rows if r["kappa"] == 0]
    worst = max(r["ideal"] - r["llo"] for r in aug)
    plain_gap = min(r["ideal"] - r["llo"] for r in plain)
    grid = list(np.linspace(0, 1.0, 11))
    X = cfgs[0].proc.X
    ideal = [ne.population_llo(ne.canonical_optimum(pr, sc.d_a), pr, noise_term_one=True).value
             for pr in (ne.Process(X, np.eye(sc.d_a), s * np.eye(sc.d_o), "eps" if s else None) for s in grid)]
    fig = _fig("zp_e5_llo_vs_sigma", f"ZP-E5: LLO of the true z with/without augmentation (d_z = d_a = {sc.d_a}, learned A)",
               "sigma (i.i.d. noise)", {"ideal (A = I, C = -D; unique optimum when kappa > 0)": (grid, ideal)}, pts,
               "Noise term set to 1; probes on the training distribution.")
    # Asserted: the claim (kappa = 0.1 is close to ideal). Reported only: the kappa = 0 contrast. The o-content kept
    # from initialisation costs through the o-probe (at most d_z/d_o) and through the action probe, and shrinks with
    # d_o: measured 0.36 at d_o = 16 (CI) and 0.007 at d_o = 128 (full scale), so it is not part of the statement.
    return judged(
        "trained", worst <= CLOSE_TO_IDEAL,
        f"kappa=0.1: worst gap to the ideal {worst:.3f} <= {CLOSE_TO_IDEAL} (close to ideal). Reported: kappa=0 gap >= "
        f"{plain_gap:.3f} (z keeps o-content from initialisation; it shrinks with d_o = {sc.d_o}). "
        f"Largest ||C+D||_F with kappa: {max(r['C_plus_D'] for r in aug):.3f}",
        counterexample={"rows": rows},
        measured={"rows": rows, "close_to_ideal": CLOSE_TO_IDEAL, "kappa0_min_gap": plain_gap},
        figures=(fig,),
    )


# --- ZP-E6 -----------------------------------------------------------------------------------------

@register_check("ZP-E6", "trained", "1% labels at sigma_exo = 2 (weight 1, labelled average): trained LLO vs closed form")
def zp_e6_trained(ctx: CheckContext) -> CheckResult:
    sc, cfgs, res = training(ctx.scale, ctx.device, ctx.seed, "learned")
    rows, pts = [], {}
    for k, c in enumerate(cfgs):
        if c.exp != "E6":
            continue
        w = ne.effective_weight(ACTION_WEIGHT, c.labels, BATCH)
        val = min(ne.population_llo(params_of(res, k, c.d_z), c.proc).value, 2.0)
        star = ne.population_llo(ne.action_head_optimum(c.proc, c.d_z, w), c.proc).value
        rows.append({"labels": c.labels, "d_z": c.d_z, "seed": c.seed, "llo": val, "closed_form": star, "w_eff": w})
        pts.setdefault(f"labels={c.labels}", {}).setdefault(c.d_z, []).append(val)
    lab = [r for r in rows if r["labels"] > 0]
    rescued = max(_stats(v)[0] for v in pts["labels=0.01"].values())
    far = [r for r in rows if abs(r["llo"] - r["closed_form"]) > TOL]
    pr = cfgs[[c.exp for c in cfgs].index("E6")].proc
    dzs = list(range(1, 2 * sc.d_a + 2))
    w1 = ne.effective_weight(ACTION_WEIGHT, 0.01, BATCH)
    curves = {f"labels={p} (w_eff={ne.effective_weight(ACTION_WEIGHT, p, BATCH):.2f})":
              (dzs, [ne.population_llo(ne.action_head_optimum(pr, dz, ne.effective_weight(ACTION_WEIGHT, p, BATCH)), pr).value for dz in dzs])
              for p in (0.0, 0.01)}
    curves["w_eff=10 (large weight)"] = (dzs, [ne.population_llo(ne.action_head_optimum(pr, dz, 10.0), pr).value for dz in dzs])
    fig = _fig("zp_e6_llo_vs_dz", f"ZP-E6: sigma_exo = 2 with an action head (d_o={sc.d_o}, d_a=d_b={sc.d_a}, kappa = 0.1)",
               "d_z", curves, pts, "Action loss: unit weight, mean over labelled samples (Zhang's code); w_eff = 1 - 0.99^128.")
    # Rescue := best mean LLO over d_z at least 1.5, halfway between an empty latent (1) and the ideal (2).
    return judged(
        "trained", rescued >= 1.5,
        f"1% labels, unit weight (w_eff = {w1:.2f}): best trained mean LLO over d_z {rescued:.3f} (rescue := >= 1.5; the ideal "
        f"is 2, an empty latent gives 1). {len(rows) - len(far)}/{len(rows)} models within {TOL} of the closed form. "
        "The closed form rescues only when w_eff exceeds about sigma_exo^2 - 1 = 3, independent of the label fraction.",
        counterexample={"sigma_exo": 2.0, "label_fraction": 0.01, "action_weight": ACTION_WEIGHT, "w_eff": w1,
                        "best_trained_llo": rescued, "rows": lab},
        measured={"rows": rows, "tol": TOL},
        figures=(fig,),
    )
