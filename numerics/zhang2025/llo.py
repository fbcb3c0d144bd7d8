"""Numeric checks of ZP-D1 (the LLO metric).

Every variable is a linear map of one standard-normal source (numerics.probes.SourceModel), so probe NMSEs are
exact closed forms. LLO = -NMSE(q|z) + NMSE(eps|z) + NMSE(o|z) with z = C o + D o'.
The bounds are checked on the *unclipped* NMSE 1 - tr(S_yz S_zz^+ S_zy)/tr S_yy (numerics.probes.nmse clips
to [0, 1], which would make the check circular). Domain: Var(q) > 0 and Var(o) > 0 (LLO divides by them);
Var(eps) = 0 uses the paper's convention NMSE_eps = 1.
"""

from __future__ import annotations

import numpy as np

from numerics.instances import LinearLAMInstance, linear_lam_instances
from numerics.probes import SourceModel
from numerics.search import DEFAULT_EXAMPLES, search_counterexample
from theory.checks import CheckContext, CheckResult, judged, register_check

#: pinv cut-off relative to ||S_zz||; explained variance is then accurate to ~1e-10 relative
RCOND = 1e-10


def source_model(inst: LinearLAMInstance) -> SourceModel:
    d_o, d_a, n_e = inst.d_o, inst.d_a, inst.F_e.shape[1]
    n = d_o + d_a + n_e
    T_o = np.hstack([inst.F_o, np.zeros((d_o, d_a + n_e))])
    T_a = np.hstack([np.zeros((d_a, d_o)), inst.F_a, np.zeros((d_a, n_e))])
    T_e = np.hstack([np.zeros((d_o, d_o + d_a)), inst.F_e])
    assert T_o.shape[1] == n
    T_q = inst.X @ T_a
    return SourceModel({"o": T_o, "a": T_a, "q": T_q, "eps": T_e, "o_next": T_o + T_q + T_e})


def raw_nmse(model: SourceModel, y: str, Tz: np.ndarray) -> float | None:
    """Unclipped population NMSE of the best linear probe; None for a zero-variance target."""
    Ty = model.T(y)
    Syy, Syz, Szz = Ty @ Ty.T, Ty @ Tz.T, Tz @ Tz.T
    tot = float(np.trace(Syy))
    if tot <= 0:
        return None
    return 1.0 - float(np.trace(Syz @ np.linalg.pinv(Szz, rcond=RCOND, hermitian=True) @ Syz.T)) / tot


def llo_terms(model: SourceModel, C: np.ndarray, D: np.ndarray) -> dict[str, float]:
    Tz = C @ model.T("o") + D @ model.T("o_next")
    n_q, n_e, n_o = raw_nmse(model, "q", Tz), raw_nmse(model, "eps", Tz), raw_nmse(model, "o", Tz)
    n_e = 1.0 if n_e is None else n_e
    return {"nmse_q": n_q, "nmse_eps": n_e, "nmse_o": n_o, "llo": -n_q + n_e + n_o}


def bound_violation(inst: LinearLAMInstance) -> tuple[float, str]:
    model = source_model(inst)
    if raw_nmse(model, "q", np.zeros((1, model.n_source))) is None or raw_nmse(model, "o", np.zeros((1, model.n_source))) is None:
        return -1.0, "outside the domain (Var q = 0 or Var o = 0)"
    t = llo_terms(model, inst.C, inst.D)
    tol = 1e-8  # pinv with rcond 1e-10 on integer covariances: explained variance accurate to ~1e-9 relative
    terms = [t["nmse_q"], t["nmse_eps"], t["nmse_o"]]
    excess = max(max(-x for x in terms), max(x - 1 for x in terms), t["llo"] - 2, -1 - t["llo"]) - tol
    # equality: LLO = 2 forces nmse_q = 0, nmse_eps = nmse_o = 1
    if t["llo"] >= 2 - tol:
        excess = max(excess, t["nmse_q"] - 2 * tol, 1 - t["nmse_eps"] - 2 * tol, 1 - t["nmse_o"] - 2 * tol)
    return excess, f"NMSE terms {terms}, LLO {t['llo']}"


def paper_like_optimum(d_o: int = 12, d_a: int = 4, d_b: int = 2, sigma: float = 0.5, seed: int = 0) -> dict:
    """X, Y orthonormal with Y ⟂ X: z = X^T (o' - o) = a attains LLO = 2; z = X^T o' adds o (LLO < 2)."""
    rng = np.random.default_rng(seed)
    Q = np.linalg.qr(rng.normal(size=(d_o, d_a + d_b)))[0]
    X, Y = Q[:, :d_a], Q[:, d_a:]
    inst = LinearLAMInstance(d_o, d_a, d_a, np.eye(d_o), X, np.eye(d_a), "structured", sigma * Y,
                             np.zeros((d_o, d_a)), -X.T, X.T)
    m = source_model(inst)
    best = llo_terms(m, -X.T, X.T)
    leaky = llo_terms(m, np.zeros((d_a, d_o)), X.T)
    noisy = llo_terms(m, -(X + Y @ np.eye(d_b, d_a)).T, (X + Y @ np.eye(d_b, d_a)).T)
    return {"C=-D=X^T": best, "C=0 (z carries o)": leaky, "D sees noise": noisy}


def mi_proxy_vs_exact(d_a: int = 8, d_z: int = 4) -> dict[str, float]:
    """y = q = a (N(0, I_{d_a})), x = first d_z coordinates: proxy -1/2 log(NMSE) = 1/2 log(d_a/(d_a-d_z)),
    exact Gaussian MI is infinite (d_z coordinates are determined). Also a finite case x = y_1 + w, d_y = 2."""
    proxy = -0.5 * np.log((d_a - d_z) / d_a)
    return {"proxy_partial_copy": float(proxy), "exact_partial_copy": "infinite",
            "proxy_y2_x_y1_plus_w": float(-0.5 * np.log(0.75)), "exact_y2_x_y1_plus_w": float(0.5 * np.log(2))}


@register_check("ZP-D1", "numeric", "closed-form probe NMSEs: each in [0,1], LLO in [-1,2], LLO = 2 only with the stated conditions")
def zp_d1_numeric(ctx: CheckContext) -> CheckResult:
    out = search_counterexample(linear_lam_instances(), bound_violation, max_examples=DEFAULT_EXAMPLES[ctx.scale])
    pl = paper_like_optimum(seed=ctx.seed)
    attained = abs(pl["C=-D=X^T"]["llo"] - 2) <= 1e-9 and pl["C=0 (z carries o)"]["llo"] < 2 - 1e-3 and pl["D sees noise"]["llo"] < 2 - 1e-3
    mi = mi_proxy_vs_exact()
    return judged(
        "numeric", not out.found and attained,
        (f"{out.examples} instances (domain Var q > 0, Var o > 0): unclipped NMSEs in [0,1], LLO in [-1,2], LLO = 2 "
         f"only with NMSE_q = 0, NMSE_eps = NMSE_o = 1; paper-like z = X^T(o'-o) attains LLO = {pl['C=-D=X^T']['llo']:.6f}. "
         f"Supporting MI proxy (not in the ledger statement) is not the exact Gaussian MI for vector targets: "
         f"q in R^8 from 4 of its coordinates: proxy {mi['proxy_partial_copy']:.4f} nats vs exact infinite")
        if not out.found else f"violated: {out.detail}",
        counterexample=out.witness(),
        measured={"instances": out.examples, "paper_like": pl, "mi_proxy": mi},
    )
