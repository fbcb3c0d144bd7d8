"""ZP-O1 (Sec. 4.1, over-parameterisation): the paper's family, its repair, the o-content of z.

As written: "B(C o + D o') = (q+eps) + alpha o with A = (1-alpha) I is optimal for every alpha". At
A = (1-alpha) I the loss is E||B z - y||^2 with y = r + alpha o (r = q + eps), and B z ranges over all
linear maps of (o, o') -- equivalently of (o, r) -- of rank <= d_z, so (Eckart-Young; y is itself a
linear function of the regressors)

    min_{B,C,D} L((1-alpha) I, B, C, D) = tail_{d_z}(Cov y) = tail_{d_z}(Sigma_r + alpha^2 Sigma_o)   (E[o r^T] = 0).

The family is optimal iff this equals L* = tail_{d_z}(Sigma_r), and exists (loss 0) iff
rank(Sigma_r + alpha^2 Sigma_o) <= d_z; with Sigma_o = I and alpha != 0 never (excess >= alpha^2 (d_o - d_z)).
Repair: for (B, D) Eckart-Young optimal, C = (alpha - 1) D, A = I - alpha BD is optimal for every alpha and
z = D(r + alpha o) carries o. Over the whole minimiser set, NMSE(o | z) ranges from 1 (the canonical
minimiser, C = -D) down to `numerics.optima`'s lower end (mixing o into the latent).
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize

from numerics import linear_lam as ll
from numerics.optima import minimiser_set
from numerics.probes import nmse
from numerics.processes import LinearProcess
from numerics.zhang2025.reduction import float_tolerance

ALPHAS = (0.5, 1.0, 2.0)


def family_best_loss(p: LinearProcess, alpha: float) -> float:
    """min over (B, C, D) of L at A = (1 - alpha) I: tail_{d_z}(Sigma_r + alpha^2 Sigma_o)."""
    return ll.eigen_tail(p.Sigma_delta + alpha**2 * p.Sigma_o, p.d_z)


def lbfgs_family_loss(p: LinearProcess, alpha: float, seed: int) -> float:
    """L-BFGS over (B, C, D) with A fixed to (1 - alpha) I (an independent route to `family_best_loss`)."""
    d, d_z = p.d_o, p.d_z
    m = p.moments()
    A = (1 - alpha) * np.eye(d)
    n1, n2 = d * d_z, d_z * d

    def f(x):
        B, C, D = x[:n1].reshape(d, d_z), x[n1:n1 + n2].reshape(d_z, d), x[n1 + n2:].reshape(d_z, d)
        F, G = A + B @ C, np.eye(d) - B @ D
        dF = 2 * (F @ m.S_oo - G @ m.S_no)
        dG = 2 * (G @ m.S_nn - F @ m.S_no.T)
        g = np.concatenate([(dF @ C.T - dG @ D.T).ravel(), (B.T @ dF).ravel(), (-B.T @ dG).ravel()])
        return ll.lam_loss(A, B, C, D, m), g

    res = minimize(f, np.random.default_rng(seed).normal(size=n1 + 2 * n2), jac=True, method="L-BFGS-B",
                   options={"gtol": 1e-12, "ftol": 1e-16, "maxiter": 20000})
    return float(res.fun)


def claim_violation(p: LinearProcess) -> tuple[float, str]:
    """As written: for every alpha in ALPHAS, A = (1-alpha) I with its best (B, C, D) attains L*."""
    L_star = ll.eigen_tail(p.Sigma_delta, p.d_z)
    tol = float_tolerance(1 + np.linalg.norm(p.Sigma_delta, 2) + 4 * np.linalg.norm(p.Sigma_o, 2), p.d_o)
    worst, what = -np.inf, ""
    for a in ALPHAS:
        exc = family_best_loss(p, a) - L_star
        if exc > worst:
            worst, what = exc, f"alpha={a}: min L at A=(1-alpha)I = {exc + L_star:.4g} > L* = {L_star:.4g}"
    return worst - tol, what


def repaired_family(p: LinearProcess, alpha: float) -> dict:
    """(B, D) Eckart-Young, C = (alpha-1) D, A = I - alpha BD: its loss, L*, NMSE(o | z) and NMSE(q+eps | z)."""
    d = p.d_o
    opt = ll.pca_optimum(p.Sigma_delta, p.d_z)
    B, D = opt.U, opt.U.T
    C, A = (alpha - 1) * D, np.eye(d) - alpha * B @ D
    Szz = D @ (p.Sigma_delta + alpha**2 * p.Sigma_o) @ D.T  # z = D(r + alpha o), E[o r^T] = 0
    return {"loss": ll.lam_loss(A, B, C, D, p.moments()), "L_star": opt.value,
            "nmse_o": nmse(p.Sigma_o, alpha * p.Sigma_o @ D.T, Szz), "nmse_r": nmse(p.Sigma_delta, p.Sigma_delta @ D.T, Szz),
            "params": {"A": A, "B": B, "C": C, "D": D}}


def repair_violation(p: LinearProcess) -> tuple[float, str]:
    """The repaired family attains L* for alpha in (0,)+ALPHAS and, where alpha D Sigma_o != 0, z carries o."""
    tol = float_tolerance(1 + 25 * np.linalg.norm(p.Sigma_delta, 2) + 25 * np.linalg.norm(p.Sigma_o, 2), p.d_o)
    worst, what = -np.inf, ""
    for a in (0.0,) + ALPHAS:
        rep = repaired_family(p, a)
        e = abs(rep["loss"] - rep["L_star"]) - tol
        D = rep["params"]["D"]
        if a and np.max(np.abs(a * D @ p.Sigma_o), initial=0.0) > 1e-9 and rep["nmse_o"] >= 1 - 1e-9:
            e = max(e, 1.0)
        if e > worst:
            worst, what = e, f"alpha={a}: loss {rep['loss']:.4g} vs L* {rep['L_star']:.4g}, NMSE(o|z) {rep['nmse_o']:.4g}"
    return worst, what


def paper_like(d_o: int = 128, d_a: int = 8, seed: int = 0) -> dict:
    """The paper's size: Sigma_o = I, X orthonormal, a ~ N(0, I), eps = 0, d_z = d_a; the family's excess
    (predicted alpha^2 (d_o - d_z)), the repaired family, and the range of NMSE(o | z) over the minimiser set."""
    from numerics.processes import LAMConfig, orthonormal

    X = orthonormal(np.random.default_rng(seed), d_o, d_a)
    p = LinearProcess(X=X, lam=LAMConfig(d_z=d_a))
    rows = []
    for a in (0.0,) + ALPHAS:
        rep = repaired_family(p, a)
        rows.append({"alpha": a, "paper_family_min_loss": family_best_loss(p, a), "predicted_excess": a**2 * (d_o - d_a),
                     "L_star": rep["L_star"], "repaired_loss": rep["loss"], "NMSE(o|z)": rep["nmse_o"],
                     "NMSE(q|z)": rep["nmse_r"]})
    r = minimiser_set(p).given_z("o")
    return {"d_o": d_o, "d_a": d_a, "d_z": d_a, "rows": rows, "nmse_o_range": r, "process": p}
