"""Symbolic facts for ZP-D1 (the LLO metric and the Gaussian MI proxy).

(i) With population-optimal linear probes, NMSE(y|z) = 1 - tr(S_yz S_zz^+ S_zy) / tr S_yy lies in [0, 1]:
the explained part S_yz S_zz^+ S_zy is PSD and below S_yy (its Schur complement is a covariance).
Hence LLO = -NMSE_q + NMSE_eps + NMSE_o in [-1, 2], = 2 iff NMSE_q = 0 (q = M z + b a.s.),
S_eps,z = 0 and S_o,z = 0. Domain: Var(q) > 0, Var(o) > 0 (the formula divides by them); Var(eps) = 0
takes the paper's convention NMSE_eps = 1.

(ii) The paper's MI proxy I(x, y) = -1/2 log(E||y_hat - y||^2 / Var y) is the exact Gaussian MI
1/2 log det S_yy / det S_{y|x} for scalar y (both equal -1/2 log(1 - rho^2)); for dim y >= 2 it is not
(supporting claim, not part of the ledger statement): y ~ N(0, I_2), x = y_1 + w, w ~ N(0, 1) gives
proxy -1/2 log(3/4) but exact MI 1/2 log 2.
"""

from __future__ import annotations

import sympy as sp



def nmse_sym(S_yy: sp.Matrix, S_yz: sp.Matrix, S_zz: sp.Matrix) -> sp.Expr:
    return sp.simplify(1 - (S_yz * S_zz.inv() * S_yz.T).trace() / S_yy.trace())


def exact_gaussian_mi(S_yy: sp.Matrix, S_yz: sp.Matrix, S_zz: sp.Matrix) -> sp.Expr:
    cond = S_yy - S_yz * S_zz.inv() * S_yz.T
    return sp.simplify(sp.log(S_yy.det() / cond.det()) / 2)


def derive_llo_facts() -> dict[str, bool]:
    facts: dict[str, bool] = {}
    # scalar y, scalar x: proxy == exact
    rho = sp.Symbol("rho", positive=True)
    S_yy, S_yz, S_zz = sp.Matrix([[1]]), sp.Matrix([[rho]]), sp.Matrix([[1]])
    # -1/2 log is injective: compare the arguments, NMSE vs det S_{y|x} / det S_yy
    facts["scalar y: proxy -1/2 log NMSE == exact Gaussian MI -1/2 log(1 - rho^2)"] = (
        sp.simplify(nmse_sym(S_yy, S_yz, S_zz) - (1 - rho**2)) == 0
        and sp.simplify(sp.exp(-2 * exact_gaussian_mi(S_yy, S_yz, S_zz)) - (1 - rho**2)) == 0)
    # scalar y, vector x (general covariances): still equal (NMSE = 1 - R^2 = det S_{y|x} / S_yy)
    a, b, c, u, v, w = sp.symbols("a b c u v w", real=True)
    Szz = sp.Matrix([[a, b], [b, c]])
    Syz = sp.Matrix([[u, v]])
    Syy = sp.Matrix([[w]])
    facts["scalar y, 2-dim x: NMSE == det S_{y|x} / det S_yy (so proxy == exact)"] = sp.simplify(
        nmse_sym(Syy, Syz, Szz) - (Syy - Syz * Szz.inv() * Syz.T).det() / Syy.det()) == 0
    # 2-dim y: counterexample
    S_yy2, S_yz2, S_zz2 = sp.eye(2), sp.Matrix([[1], [0]]), sp.Matrix([[2]])
    p2 = -sp.log(nmse_sym(S_yy2, S_yz2, S_zz2)) / 2
    e2 = exact_gaussian_mi(S_yy2, S_yz2, S_zz2)
    facts["2-dim y, x = y_1 + w: proxy == -1/2 log(3/4)"] = sp.simplify(p2 + sp.log(sp.Rational(3, 4)) / 2) == 0
    facts["2-dim y, x = y_1 + w: exact MI == 1/2 log 2"] = sp.simplify(e2 - sp.log(2) / 2) == 0
    facts["2-dim y: proxy != exact MI"] = sp.simplify(p2 - e2) != 0
    # NMSE in [0, 1] for 2x2 / 1-dim probes: 1 - NMSE = (u^2/a)/w >= 0 and NMSE = (w - u^2/a)/w >= 0 by Cauchy-Schwarz
    t = sp.Symbol("t", real=True)
    facts["E(y - t z)^2 = S_zz (t - S_yz/S_zz)^2 + (S_yy - S_yz^2/S_zz): min over t is the Schur complement >= 0, "
          "so NMSE = Schur/S_yy in [0, 1]"] = sp.simplify(
        a * (t - u / a) ** 2 + (w - u**2 / a) - (w - 2 * t * u + t**2 * a)) == 0
    return facts
