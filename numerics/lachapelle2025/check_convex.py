"""Convex check of Lachapelle 2025: LA-X1 (an entropy bonus gives the Gibbs IDM), certified. Checks only; the
library is `numerics.lachapelle2025.gibbs`.

THIS IS THIS PROJECT'S RECONSTRUCTION (provenance ``reconstructed``; LA-X1 is this project's sanity counter-claim).
"""

from __future__ import annotations

import numpy as np

from numerics.lachapelle2025 import gibbs
from theory.checks import CheckContext, CheckResult, certified_judgement, register_check

RECON = "[reconstructed claim: the paper's formal body was unavailable] "
#: |q_solver - softmax(-l/tau)|_inf: the claim's comparison level. The solve runs at gap 1e-13 (`gibbs.certified_gibbs`):
#: measured <= 7e-7 over 200 instances; strong convexity |q - q*|^2 <= 2 gap / tau bounds it by ~2e-6 at tau = 0.05.
Q_TOL = 1e-6


def _instances(rng: np.random.Generator, n: int) -> list[tuple[np.ndarray, float]]:
    """Random loss vectors (k = 2..8, scales 0.1..10), plus ties, a constant vector and a large spread."""
    out = []
    for _ in range(n):
        k = int(rng.integers(2, 9))
        out.append((rng.normal(size=k) * 10 ** rng.uniform(-1, 1), float(10 ** rng.uniform(-1.3, 1))))
    out += [(np.array([1.0, 1.0, 2.0]), 0.5), (np.zeros(4), 1.0), (np.array([0.0, 8.0, 16.0]), 1.0)]
    return out


@register_check("LA-X1", "convex", "cvxpy min <q,l> - tau H(q): certified (primal, dual, gap) and = softmax(-l/tau) to 1e-6")
def la_x1_convex(ctx: CheckContext) -> CheckResult:
    rng = np.random.default_rng(ctx.seed)
    worst_q, worst_val, min_entry, all_cert, n = 0.0, 0.0, 1.0, True, 0
    worst = None
    for l, tau in _instances(rng, ctx.scale.pick(12, 200)):
        c = gibbs.certified_gibbs(l, tau)
        n += 1
        all_cert &= c.certified
        err = float(np.abs(c.q - gibbs.gibbs(l, tau)).max())
        verr = abs(c.primal_value - gibbs.bonus_value(l, tau))
        min_entry = min(min_entry, float(c.q.min()))
        if err > worst_q:
            worst_q, worst = err, {"l": l.tolist(), "tau": tau, "q": c.q.tolist(), "softmax": gibbs.gibbs(l, tau).tolist()}
        worst_val = max(worst_val, verr)
    ok = worst_q <= Q_TOL and min_entry > 0
    return certified_judgement(
        "convex", all_cert, ok,
        f"{RECON}{n} instances (k = 2..8, ties, constant l): all certified = {all_cert}; max |q - softmax(-l/tau)| = "
        f"{worst_q:.2e} (tol {Q_TOL:g}); max |value + tau log sum exp(-l/tau)| = {worst_val:.2e}; min q entry = "
        f"{min_entry:.2e} > 0 (never one-hot)",
        counterexample=worst if not ok else None,
        measured={"instances": n, "max_q_error": worst_q, "max_value_error": worst_val, "min_entry": min_entry})
