"""What the Lee et al. 2026 claims (THIS PROJECT'S RECONSTRUCTION) predict for one linear process.

A library module (no checks): ``PREDICTORS`` maps each EX-* claim id to ``fn(ctx) -> ClaimPrediction`` on a
`numerics.zhang2025.predictions.LinearContext`, built on the shared minimiser set (`numerics.optima`) and on the
Lee library (`numerics.lee2026.minimisers`: leakage, the switch points of action supervision and of the
down-weighting representation and their closed forms). The remedies specific to Lee et al. (representation beta,
exogenous innovation level) are here too (`beta_remedy`, `exo_noise_switch`), next to the shared ones in
`numerics.zhang2025.predictions`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from numerics.lee2026.minimisers import (beta_star_closed_form, lambda_star_closed_form, lambda_switch, leakage,
                                         supervised)
from numerics.lee2026.process import beta_representation
from numerics.optima import NotClosedForm, minimiser_set
from numerics.processes import LinearProcess
from numerics.zhang2025.predictions import (ClaimPrediction, LinearContext, Predicate, Switch, _eigs, _fmt, _rank,
                                            _rfmt, _tail, decreasing_grid, noise_level, outside, switch_point, theorem)

RECON = "[reconstructed claim] "


def _exo(ctx: LinearContext) -> list[str]:
    return [] if ctx.process.has_exogenous else ["no [exogenous] block"]


def _wrap(cid: str, ctx: LinearContext, bad: list[str], body: Callable[[LinearContext], tuple[str, dict]]):
    """A claim without ledger assumptions: it applies when ``bad`` is empty."""
    if bad:
        return outside(cid, bad)
    if ctx.ms is None:
        return ClaimPrediction(cid, True, f"no closed-form prediction: {ctx.not_closed}")
    t, d = body(ctx)
    return ClaimPrediction(cid, True, RECON + t, d)


def _recon(body):
    def inner(ctx):
        t, d = body(ctx)
        return RECON + t, d
    return inner


# --- bodies ----------------------------------------------------------------------------------------------------

def _leak_text(ctx: LinearContext) -> tuple[str, dict]:
    L = leakage(ctx.ms)
    pos = L is not None and L.hi > 1e-8
    return (f"exogenous leakage 1 - NMSE(xi | z, o) over the minimisers = {_rfmt(L)}: "
            + ("the optimum encodes future exogenous information" if pos else "no minimiser leaks"),
            {"leakage": L, "leaks": pos})


def _t1(ctx: LinearContext) -> tuple[str, dict]:
    p = ctx.process
    tail = _tail(_eigs(p.Sigma_r), p.d_z)
    return (f"min L_rec = {tail:.6g} = sum of the eigenvalues of Sigma_r beyond the top {p.d_z} (independent of "
            "Gamma; the exogenous part enters through Sigma_xi only)", {"loss": ctx.opt.loss, "tail": tail})


def _t2b(ctx: LinearContext) -> tuple[str, dict]:
    p = ctx.process
    r = _rank(p.Sigma_r)
    series = {}
    for k in range(1, min(r, p.d_o - 1) + 1):
        try:
            L = leakage(minimiser_set(p.with_lam(d_z=k)))
        except NotClosedForm:
            L = None
        series[k] = None if L is None else L.hi
    vals = [v for v in series.values() if v is not None]
    mono = all(b >= a - 1e-9 for a, b in zip(vals, vals[1:]))
    return (f"largest leakage by latent size k = 1..{max(series) if series else 0}: "
            + ", ".join(f"{k}: {v:.3g}" for k, v in series.items() if v is not None)
            + ("; nondecreasing in k" if mono else "; not monotone in k (ties or overlap)")
            + f"; k >= rank Sigma_r = {r} captures all exogenous innovation",
            {"leakage_by_k": series, "nondecreasing": mono, "rank_Sigma_r": r})


def _t2c(ctx: LinearContext) -> tuple[str, dict]:
    x = ctx.opt.nmse_range["exo_state_given_z"]
    enc = x is not None and x.lo < 1 - 1e-9
    return (f"A = I fixed: NMSE(x_t | z) over the minimisers = {_rfmt(x)}: "
            + ("the latent encodes the current exogenous state" if enc else "no minimiser encodes the current exogenous state"),
            {"exo_state_given_z": x, "encodes_x": enc})


def _t3(ctx: LinearContext) -> tuple[str, dict]:
    p = ctx.process
    L = leakage(ctx.ms)
    a = ctx.opt.nmse_range["action_given_z_o"]
    return (f"in the fixed representation Phi: leakage {_rfmt(L)}, NMSE(a | z, o) = {_rfmt(a)}",
            {"leakage": L, "action_given_z_o": a, "beta_star_closed_form": beta_star_closed_form(p)})


def _t4(ctx: LinearContext) -> tuple[str, dict]:
    p = ctx.process
    w = ctx.opt.effective_action_weight
    lam_cf = lambda_star_closed_form(p)
    L = leakage(ctx.ms)
    free = L is not None and L.hi <= 1e-8
    return (f"action-loss weight {w:.4g} (sum units); threshold lambda* (repaired, closed form) = {_fmt(lam_cf)}; "
            f"leakage over the minimisers {_rfmt(L)}: " + ("exogenous-free" if free else "not exogenous-free"),
            {"effective_action_weight": w, "lambda_star_closed_form": lam_cf, "leakage": L, "exogenous_free": free})


def _t4a(ctx: LinearContext) -> tuple[str, dict]:
    x = ctx.opt.nmse_range["exo_state_given_z"]
    free = x is not None and not x.unique
    return (f"without supervision NMSE(x_t | z) over the minimisers = {_rfmt(x)}: dz/dx_t is "
            + ("left free by the loss" if free else "determined"), {"exo_state_given_z": x, "undetermined": free})


def _t4b(ctx: LinearContext) -> tuple[str, dict]:
    p = ctx.process
    L = leakage(ctx.ms)
    return (f"k = {p.d_z} vs d_a = {p.d_a}: the {max(p.d_z - p.d_a, 0)} spare latent dimension(s) leave leakage "
            f"{_rfmt(L)} over the minimisers", {"leakage": L, "spare": max(p.d_z - p.d_a, 0)})


def _t4c(ctx: LinearContext) -> tuple[str, dict]:
    p = ctx.process
    tot = float(np.trace(p.cov("a", "a")))
    floor = tot * p.source.nmse("a", ["r"]) if tot > 0 else 0.0
    return (f"floor of the action loss min E||a - W_z z||^2 >= tr(Sigma_a - Sigma_a U_a^T Sigma_r^+ U_a Sigma_a) = "
            f"{floor:.6g}" + (" (0: r identifies a)" if floor <= 1e-9 * max(1.0, tot) else " (> 0: overlap)"),
            {"action_loss_floor": floor})


def _t4d(ctx: LinearContext) -> tuple[str, dict]:
    p = ctx.process
    lam = p.lam
    w = ctx.opt.effective_action_weight
    n = lam.batch
    form = (f"w (1 - (1 - p)^n) = {lam.action_weight:g} x (1 - (1 - {lam.label_fraction:g})^{n})"
            if lam.label_average == "labelled" else f"w p = {lam.action_weight:g} x {lam.label_fraction:g}")
    unit = " x d_o/d_a" if lam.loss_normalisation == "mean" else ""
    return (f"effective weight under '{lam.label_average}' averaging = {form}{unit} = {w:.6g} (sum units), to compare "
            f"with lambda* = {_fmt(lambda_star_closed_form(p))}",
            {"effective_action_weight": w, "lambda_star_closed_form": lambda_star_closed_form(p)})


def _t5(ctx: LinearContext) -> tuple[str, dict]:
    p = ctx.process
    w = ctx.opt.effective_action_weight
    lam_cf = lambda_star_closed_form(p)
    rel = None if lam_cf is None or lam_cf <= 0 else (w - lam_cf) / lam_cf
    return ("no closed-form prediction of training; the effective weight sits "
            + ("at an unknown distance from the threshold" if rel is None else f"{100 * rel:+.3g}% from lambda* = {lam_cf:.4g}")
            + " (near it Adam can stall at saddles: compare trained runs with margins)",
            {"relative_distance_to_threshold": rel})


def _b2(ctx: LinearContext) -> tuple[str, dict]:
    o = ctx.opt.nmse_range["observation_given_z"]
    return (f"kappa = {ctx.process.lam.kappa:g}: NMSE(o | z) over the minimisers = {_rfmt(o)}",
            {"observation_given_z": o})


def _b3(ctx: LinearContext) -> tuple[str, dict]:
    p = ctx.process
    nzo = ctx.ms.given_zo("noise") if p.has_noise else None
    a = ctx.opt.nmse_range["action_given_z_o"]
    return (f"noise level {noise_level(p):.4g}: NMSE(noise | z, o) = {_rfmt(nzo)}, NMSE(a | z, o) = {_rfmt(a)}",
            {"noise_given_z_o": nzo, "action_given_z_o": a})


def _b4(ctx: LinearContext) -> tuple[str, dict]:
    a = ctx.opt.nmse_range["action_given_z"]
    return (f"chi = {ctx.process.chi:g}: NMSE(a | z) over the minimisers = {_rfmt(a)} (the FDM explains X Pi_d o through A)",
            {"action_given_z": a})


def _b5(ctx: LinearContext) -> tuple[str, dict]:
    p = ctx.process
    a = ctx.opt.nmse_range["action_given_z_o"]
    bound = max(0.0, 1 - p.d_z / p.d_a)
    return (f"d_z = {p.d_z}, d_a = {p.d_a}: NMSE(a | z, o) = {_rfmt(a)} (capacity bound 1 - d_z/d_a = {bound:.4g} "
            "in the isotropic case)", {"action_given_z_o": a, "capacity_bound": bound})


def _b6(ctx: LinearContext) -> tuple[str, dict]:
    p = ctx.process
    w = ctx.opt.effective_action_weight
    return (f"effective action weight in sum units = {w:.6g} (Zhang's code: weight x d_o/d_a x P(batch holds a label))",
            {"effective_action_weight": w})


def _c2(ctx: LinearContext) -> tuple[str, dict]:
    p = ctx.process
    L = leakage(ctx.ms)
    return (f"leakage at the spec's representation = {_rfmt(L)}; EX-T3 closed-form switch beta* = "
            f"{_fmt(beta_star_closed_form(p))}", {"leakage": L, "beta_star_closed_form": beta_star_closed_form(p)})


def _c3(ctx: LinearContext) -> tuple[str, dict]:
    p = ctx.process
    w = ctx.opt.effective_action_weight
    L = leakage(ctx.ms)
    return (f"action-loss weight {w:.4g} (sum units), lambda* (closed form) = {_fmt(lambda_star_closed_form(p))}: "
            f"leakage {_rfmt(L)}", {"effective_action_weight": w, "leakage": L})


def _needs(*conds: tuple[bool, str]) -> list[str]:
    return [why for ok, why in conds if not ok]


def _c(cid: str, needs: Callable[[LinearContext], list[str]], body) -> Callable[[LinearContext], ClaimPrediction]:
    return lambda ctx: _wrap(cid, ctx, needs(ctx), body)


PREDICTORS: dict[str, Callable[[LinearContext], ClaimPrediction]] = {
    "EX-C1": _c("EX-C1", _exo, _leak_text),
    "EX-C2": _c("EX-C2", lambda c: _exo(c) + _needs((c.process.lam.Phi is not None, "no representation (beta = 1)")), _c2),
    "EX-C3": _c("EX-C3", lambda c: _exo(c) + _needs((c.opt.effective_action_weight > 0 if c.opt.closed_form else
                                                     c.process.lam.action_weight > 0, "no action supervision")), _c3),
    "EX-C4": lambda ctx: outside("EX-C4", ["the paper's experiments are unknown (abstract only)"]),
    "EX-B1": theorem("EX-B1", _recon(_t1)),
    "EX-B2": theorem("EX-B2", _recon(_b2)),
    "EX-B3": theorem("EX-B3", _recon(_b3)),
    "EX-B4": _c("EX-B4", lambda c: _needs((c.process.chi > 0, "random policy (chi = 0)")), _b4),
    "EX-B5": theorem("EX-B5", _recon(_b5)),
    "EX-B6": theorem("EX-B6", _recon(_b6)),
    "EX-T1": theorem("EX-T1", _recon(_t1)),
    "EX-T2": theorem("EX-T2", _recon(_leak_text)),
    "EX-T2b": theorem("EX-T2b", _recon(_t2b)),
    "EX-T2c": theorem("EX-T2c", _recon(_t2c)),
    "EX-T3": theorem("EX-T3", _recon(_t3)),
    "EX-T4": theorem("EX-T4", _recon(_t4)),
    "EX-T4a": theorem("EX-T4a", _recon(_t4a)),
    "EX-T4b": theorem("EX-T4b", _recon(_t4b)),
    "EX-T4c": theorem("EX-T4c", _recon(_t4c)),
    "EX-T4d": theorem("EX-T4d", _recon(_t4d)),
    "EX-T5": theorem("EX-T5", _recon(_t5)),
    "EX-T6": lambda ctx: outside("EX-T6", ["a single-context spec (EX-T6 needs paired transitions)"]),
}


# --- remedies specific to Lee et al. ---------------------------------------------------------------------------

def beta_remedy(p: LinearProcess, pred: Predicate) -> Switch:
    """Representation beta (EX-T3): Phi_beta = I + (beta - 1) Q_x Q_x^T (`beta_representation`), lowered from the
    current beta toward 0; the largest beta that makes the criterion hold. With the EX-T3 closed form beside it."""
    b0 = _current_beta(p)
    common = dict(remedy="representation beta", parameter="lam.representation_beta", claim="EX-T3",
                  criterion="captures")
    if not p.has_exogenous:
        return Switch(current=1.0, direction="decrease", switch=None, suffices=False,
                      note="no exogenous block: the representation Phi_beta is not defined", **common)
    sw = switch_point(lambda b: p.with_lam(Phi=beta_representation(p, b)), b0, decreasing_grid(b0), pred, **common)
    cf = beta_star_closed_form(p) if closed_form_domain(p) else None
    if cf is None:
        return sw
    return replace(sw, closed_form_value=cf, closed_form_source="numerics.lee2026.minimisers.beta_star_closed_form "
                   "(EX-T3 repair: A6, isotropic, k = d_a)")


def closed_form_domain(p: LinearProcess) -> bool:
    """Where the EX-T3 / EX-T4 closed-form switch points hold (their repaired statements): the exogenous model
    with A6 and isotropic covariances (the ledger's evaluators), a learnable LAM on o, k = d_a, no extra noise."""
    from theory.assumptions import evaluate

    lam = p.lam
    if not p.has_exogenous or p.has_noise or p.chi or not lam.learn_A or lam.tie_CD or lam.kappa or p.d_z != p.d_a:
        return False
    return all(evaluate(n, p).holds for n in ("A6-non-overlap", "isotropic"))


def _current_beta(p: LinearProcess) -> float:
    """The beta of the process's representation (1 without one): Phi restricted to span(G_x)."""
    Phi = p.lam.Phi
    if Phi is None or not p.has_exogenous:
        return 1.0
    Q = np.linalg.qr(p.G_x)[0]
    return float(np.trace(Q.T @ Phi @ Q)) / Q.shape[1]


def exo_noise_switch(p: LinearProcess, pred: Predicate) -> Switch:
    """Exogenous innovation level sigma_xi (EX-T2): the largest level below the current one where the criterion
    holds (F_xi scaled)."""
    s0 = math.sqrt(max(float(np.linalg.eigvalsh(p.Sigma_xi)[-1]), 0.0)) if p.has_exogenous and p.Sigma_xi.size else 0.0
    common = dict(remedy="lower exogenous noise", parameter="exogenous.sigma_xi", claim="EX-T2", criterion="captures")
    if s0 <= 0:
        return Switch(current=0.0, direction="decrease", switch=None, suffices=False, note="no exogenous innovation",
                      **common)
    return switch_point(lambda s: replace(p, F_xi=p.F_xi * (s / s0)), s0, decreasing_grid(s0), pred, **common)


def weight_closed_form(p: LinearProcess) -> tuple[float | None, str]:
    """The action-weight switch from the Lee library in spec units: `lambda_switch` (bisection on exogenous_free in
    sum units, every sample labelled) and `lambda_star_closed_form`, converted with the spec's normalisation and
    label averaging (lambda_spec = lambda_sum / (units x P(label)))."""
    lam = p.lam
    cf = lambda_star_closed_form(p)
    if cf is None:
        return None, ""
    unit = p.d_o / p.d_a if lam.loss_normalisation == "mean" else 1.0
    frac = (1 - (1 - lam.label_fraction) ** lam.batch) if lam.label_average == "labelled" else lam.label_fraction
    if frac <= 0:
        return None, ""
    return max(cf, 0.0) / (unit * frac), ("numerics.lee2026.minimisers.lambda_star_closed_form (EX-T4 repair: A6, "
                                           "Sigma_a = sigma_a^2 I, k = d_a), in the spec's units")


def lambda_switch_spec_units(p: LinearProcess) -> float | None:
    """`lambda_switch` of the Lee library (sum units, full labels) converted to the spec's units."""
    lam = p.lam
    lsum, _ = lambda_switch(supervised(p, 0.0))
    if lsum is None:
        return None
    unit = p.d_o / p.d_a if lam.loss_normalisation == "mean" else 1.0
    frac = (1 - (1 - lam.label_fraction) ** lam.batch) if lam.label_average == "labelled" else lam.label_fraction
    return None if frac <= 0 else lsum / (unit * frac)


__all__ = ["PREDICTORS", "beta_remedy", "closed_form_domain", "exo_noise_switch", "weight_closed_form",
           "lambda_switch_spec_units"]
