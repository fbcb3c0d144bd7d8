"""Checks of the abstract's findings EX-C1..EX-C3 (``paper-abstract``) through this project's RECONSTRUCTED linear
model, at the configuration of the reconstructed linear protocol (`numerics.lee2026.protocol.linear`: d_o = 128,
d_a = d_s = d_x = 8, sigma_xi in {0.5, 1, 2}, label ratios {1%, 5%, 10%}, script 7's weighting). The quantifier is
every-minimiser: each number is the range over the set of global minimisers (`numerics.optima`). The protocol's
augmentation kappa = 0.1 with exogenous drift has no closed-form minimiser set (`NotClosedForm`), so these closed
forms use kappa = 0 and say so; the trained checks of EX-C4 follow the protocol with kappa.
"""

from __future__ import annotations

import numpy as np

from numerics.lee2026 import minimisers as mn
from numerics.lee2026 import process as lp
from numerics.lee2026 import protocol as lee_protocol
from numerics.optima import minimiser_set
from theory.checks import CheckContext, CheckResult, judged, register_check

TAG = ("[paper-abstract claim, checked only through this project's RECONSTRUCTED linear model at the reconstructed "
       "protocol's configuration, kappa = 0] ")
ZERO_TOL = mn.ZERO_TOL


def protocol_process(seed: int, d_z: int, sigma_xi: float, **lam):
    """The reconstructed protocol's exogenous process at d_o = 128 (kappa = 0, sum units unless ``lam`` says)."""
    e = lee_protocol.linear()
    p = e.process(np.random.default_rng(seed), d_z, sigma_xi=sigma_xi, kappa=0.0, label_fraction=0.0)
    return p.with_lam(loss_normalisation="sum", action_weight=0.0, **lam)


def _r(r) -> list[float] | None:
    return None if r is None else [round(r.lo, 6), round(r.hi, 6)]


@register_check("EX-C1", "numeric", "protocol config: the reconstruction optimum leaks future xi (sigma_xi >= sigma_a or d_z > d_a)")
def ex_c1_numeric(ctx: CheckContext) -> CheckResult:
    rows = []
    for sx, k in ((0.5, 4), (0.5, 12), (2.0, 4)):
        ms = minimiser_set(protocol_process(ctx.seed, k, sx))
        lk = mn.leakage(ms)
        predicted = sx > lee_protocol.SIGMA_A or k > lee_protocol.D_A  # EX-T2 (A6, orthonormal maps)
        rows.append({"sigma_xi": sx, "d_z": k, "leakage": _r(lk), "predicted_leak": predicted,
                     "nmse_xi_given_o": ms.source.nmse("xi", ["o"])})
    ok = all((r["leakage"][0] > ZERO_TOL) == r["predicted_leak"] for r in rows) and \
        all(abs(r["nmse_xi_given_o"] - 1) < 1e-9 for r in rows) and any(r["leakage"][0] > ZERO_TOL for r in rows)
    return judged("numeric", ok,
                  TAG + f"leakage 1 - NMSE(xi|z,o) over the minimiser set at d_o = 128: "
                        f"{[(r['sigma_xi'], r['d_z'], r['leakage']) for r in rows]}; NMSE(xi|o) = 1 in every row (xi is "
                        f"information of o_(t+1) only); sigma_xi = sigma_a = 1 (a tie) is left out",
                  counterexample={"rows": rows}, measured={"rows": rows},
                  ranges=mn.quantities(minimiser_set(protocol_process(ctx.seed, 4, 2.0))))


@register_check("EX-C2", "numeric", "protocol config: a fixed endogenous representation removes the leakage at every minimiser")
def ex_c2_numeric(ctx: CheckContext) -> CheckResult:
    rows = []
    for sx in (0.5, 2.0):
        p = protocol_process(ctx.seed, 8, sx)
        raw = mn.leakage(minimiser_set(p))
        q = p.with_lam(Phi=lp.projector_off(p.G_x))
        ms = minimiser_set(q)
        rows.append({"sigma_xi": sx, "raw_leakage": _r(raw), "phi_leakage": _r(mn.leakage(ms)),
                     "phi_nmse_a_zo": _r(ms.given_zo("a"))})
    ok = all(r["phi_leakage"][1] <= ZERO_TOL and r["phi_nmse_a_zo"][1] <= ZERO_TOL for r in rows) and \
        any(r["raw_leakage"][0] > ZERO_TOL for r in rows)
    p2 = protocol_process(ctx.seed, 8, 2.0)
    ranges = mn.quantities(minimiser_set(p2.with_lam(Phi=lp.projector_off(p2.G_x))))
    return judged("numeric", ok,
                  TAG + f"d_z = d_a = 8, Phi = projector off span G_x (fixed): {rows}; a Phi trained by the same loss "
                        f"collapses (EX-T3)", counterexample={"rows": rows}, measured={"rows": rows}, ranges=ranges)


@register_check("EX-C3", "numeric", "protocol config: script 7's label weights make every minimiser exogenous-free (sigma_xi = 2)")
def ex_c3_numeric(ctx: CheckContext) -> CheckResult:
    e = lee_protocol.linear()
    p = protocol_process(ctx.seed, e.d_a, 2.0)
    rows = [{"label_ratio": 0.0, "w_eff": 0.0, "exogenous_free": mn.exogenous_free(minimiser_set(p)),
             "leakage": _r(mn.leakage(minimiser_set(p)))}]
    for frac in e.label_ratios[1:]:
        w = e.effective_action_weight(frac)
        ms = minimiser_set(mn.supervised(p, w))
        rows.append({"label_ratio": frac, "w_eff": w, "exogenous_free": mn.exogenous_free(ms),
                     "leakage": _r(mn.leakage(ms)), "S_x": _r(mn.x_sensitivity(ms))})
    ok = not rows[0]["exogenous_free"] and all(r["exogenous_free"] for r in rows[1:])
    return judged("numeric", ok,
                  TAG + f"d_z = d_a = 8, sigma_xi = 2 (switch point 3): {rows}; 'provably encourage' read as: above the "
                        f"switch point every minimiser has z = T a (S_x = S_xi = 0); spare capacity keeps xi (EX-T4b)",
                  counterexample={"rows": rows}, measured={"rows": rows},
                  ranges=mn.quantities(minimiser_set(mn.supervised(p, e.effective_action_weight(0.01)))))
