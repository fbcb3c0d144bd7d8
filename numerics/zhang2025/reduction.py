"""ZP-P1 (linear LAM = PCA on q + eps) and ZP-P2 (Eckart-Young): the properties, one instance at a time.

Each ``*_violation`` takes one (process, B, C, D) of the claim's domain (`numerics.zhang2025.strategies`)
and returns (excess, what): excess <= 0 means the statement holds there. Moments are the process's
exact second moments (`LinearProcess.moments`); Sigma_{q+eps} = Cov(o' - o) (`Sigma_delta`).
"""

from __future__ import annotations

import numpy as np

from numerics import linear_lam as ll
from numerics.certificates import fantope_bound
from numerics.optima import minimiser_set
from numerics.optimize import minimize_blocks
from numerics.processes import LinearProcess

Array = np.ndarray


def float_tolerance(scale: float, d: int, factor: float = 64.0) -> float:
    """Rounding tolerance of a trace/eigen identity in float64 on d x d matrices: ``factor`` d eps
    max(1, scale), where ``scale`` bounds the magnitude of the terms (backward-stable products, traces
    and eigh err by O(d eps |terms|))."""
    return factor * d * np.finfo(float).eps * max(1.0, scale)


def term_scale(p: LinearProcess, B: Array, C: Array, D: Array) -> float:
    """Magnitude of the terms of L: (2 + 2 ||B|| (||C|| + ||D||))^2 (1 + ||Sigma_o|| + ||Sigma_r||)."""
    nb, nc, nd = (float(np.linalg.norm(M, 2)) for M in (B, C, D))
    return (2 + 2 * nb * (nc + nd)) ** 2 * (1 + np.linalg.norm(p.Sigma_o, 2) + np.linalg.norm(p.Sigma_delta, 2))


def pca_reduction_violation(args) -> tuple[float, str]:
    """ZP-P1: with A* = I - B(C+D), (i) L(A*,B,C,D) = tr((BD-I) Sigma_{q+eps} (BD-I)^T) and (ii) dL/dA(A*) = 0,
    so A* minimises the convex quadratic L(., B, C, D)."""
    p, B, C, D = args
    m = p.moments()
    A_star = np.eye(p.d_o) - B @ (C + D)
    tol = float_tolerance(term_scale(p, B, C, D), p.d_o)
    value_err = abs(ll.lam_loss(A_star, B, C, D, m) - ll.reduced_loss(B, D, p.Sigma_delta))
    grad_err = float(np.max(np.abs(ll.lam_loss_grad_A(A_star, B, C, D, m))))
    return max(value_err, grad_err) - tol, f"|L(A*) - tr(N S N^T)| = {value_err:.3g}, max|dL/dA(A*)| = {grad_err:.3g}, tol {tol:.3g}"


def certified_min_A_violation(args) -> tuple[float, str]:
    """ZP-P1 as a convex program: min_A L is least squares in F = A + BC, solved with its explicit dual and
    certified (`numerics.linear_lam.min_A_certificate`); its value must be tr((BD-I) Sigma (BD-I)^T) and,
    where Sigma_o > 0 (strong convexity, modulus 2 lambda_min(Sigma_o)), its argmin within
    d tol / (2 lambda_min) of I - B(C+D). An uncertified solve counts as a violation here (the caller
    reports it as undecided, never as a counterexample)."""
    p, B, C, D = args
    A_cvx, cert = ll.min_A_certificate(B, C, D, p.moments())
    value_err = abs(cert.primal_value - ll.reduced_loss(B, D, p.Sigma_delta))
    excess = max(value_err - cert.tol, 0.0 if cert.certified else 1.0)
    detail = f"certified={cert.certified} gap={cert.gap:.1e} |value - tr(N S N^T)|={value_err:.1e} tol={cert.tol:.1e}"
    lam_min = float(np.linalg.eigvalsh(p.Sigma_o)[0])
    if lam_min > 1e-6:
        bound = p.d_o * cert.tol / (2 * lam_min)
        err = float(np.max(np.abs(A_cvx - (np.eye(p.d_o) - B @ (C + D)))))
        excess = max(excess, err - bound)
        detail += f"; |A_cvx - (I - B(C+D))| = {err:.1e} <= {bound:.1e}"
    return excess, detail


def eckart_young_violation(args) -> tuple[float, str]:
    """ZP-P2: (i) B = U_k, D = U_k^T, A = I - B(C+D) attains sum_{i>k} lambda_i(Sigma_{q+eps}); (ii) the drawn
    (B, D) with its optimal A is never below it; (iii) the minimiser set's value (reduced-rank regression
    of `numerics.optima`, another route) equals it."""
    p, B, C, D = args
    m = p.moments()
    opt = ll.pca_optimum(p.Sigma_delta, p.d_z)
    U = opt.U
    tol = float_tolerance(term_scale(p, U, C, U.T), p.d_o)
    attain = abs(ll.lam_loss(np.eye(p.d_o) - U @ (C + U.T), U, C, U.T, m) - opt.value)
    below = opt.value - ll.lam_loss(ll.optimal_A(B, C, D, m), B, C, D, m)
    set_err = abs(minimiser_set(p).value - opt.value)
    return max(attain, below, set_err) - tol, (f"|L(U,U^T) - tail| = {attain:.3g}; tail - L(drawn) = {below:.3g}; "
                                              f"|optima value - tail| = {set_err:.3g}; tol {tol:.3g}")


def every_minimiser_projection_violation(p: LinearProcess, rng: np.random.Generator, members: int = 4) -> tuple[float, dict]:
    """ZP-P2 read for every minimiser: at members of the minimiser set (random tie choice W, mixing H,
    spare rows) L = tail and BD r = P r with P the orthogonal projector onto a top-d_z eigenspace of
    Sigma_{q+eps} (restricted to the eigen-directions it spans). Returns (worst excess, data): the
    largest of |L - tail|, ||(BD - P) Sigma^{1/2}|| and P's Ky Fan defect, minus tolerance."""
    ms = minimiser_set(p)
    S = p.Sigma_delta
    w, V = np.linalg.eigh((S + S.T) / 2)
    root = (V * np.sqrt(np.clip(w, 0, None))) @ V.T
    top = np.sort(w)[::-1]
    worst, angles = -np.inf, []
    for _ in range(members):
        W = np.linalg.qr(rng.standard_normal((ms.n_tie, ms.j)))[0] if ms.tied else None
        T_c = ms.core_map(W)
        m = ms.mix_basis(T_c).shape[1]
        H = rng.standard_normal((m, p.d_o)) if m else None
        sp = rng.standard_normal((ms.spare, 2 * p.d_o)) if ms.spare else None
        prm = ms.member(W, H, sp)
        B, C, D = prm["B"], prm["C"], prm["D"]
        L = ll.lam_loss(prm["A"], B, C, D, p.moments())
        # P: projector onto span(BD S^{1/2}) (the directions the reconstruction keeps)
        Q = ll.orthonormal_basis(B @ D @ root)
        P = Q @ Q.T
        kyfan_defect = float(np.sum(top[:Q.shape[1]]) - np.trace(P @ S))  # 0 iff span is a top eigenspace
        # members are built through whitening and pseudo-inverses cut at 1e-10 relative: on integer factors
        # (nonzero eigenvalues >= ~1e-3) round-off reaches ~1e-13 of the terms; 1e-8 leaves 1e5 of margin
        tol = 1e-8 * term_scale(p, B, C, D)
        excess = max(abs(L - ms.value), float(np.max(np.abs((B @ D - P) @ root), initial=0.0)), abs(kyfan_defect)) - tol
        worst = max(worst, excess)
        if ms.k:
            angles.append(float(np.degrees(np.max(ll.principal_angles(Q, ms.member()["B"]), initial=0.0))))
    return worst, {"tied": ms.tied, "k": ms.k, "spare": ms.spare, "max_angle_to_canonical_deg": max(angles, default=0.0)}


def fantope_violation(p: LinearProcess) -> tuple[float, str]:
    """Certified Fantope value equals the eigen tail; with a gap delta > 0 the solver's P is within
    sqrt(2 (value error + tol) / delta) of U_k U_k^T (Fantope curvature lemma, Vu et al. 2013)."""
    S = p.Sigma_delta
    cert = fantope_bound(S, p.d_z)
    opt = ll.pca_optimum(S, p.d_z)
    value_err = abs(cert.min_residual_value(S) - opt.value)
    excess = max(value_err - cert.tol, 0.0 if cert.certified else 1.0)
    detail = f"certified={cert.certified} gap={cert.gap:.2e} value err={value_err:.2e} tol={cert.tol:.2e}"
    if opt.gap > 1e-6:
        bound = np.sqrt(2 * (value_err + cert.tol) / opt.gap)
        dist = float(np.linalg.norm(cert.P - opt.projector))
        excess = max(excess, dist - bound)
        detail += f"; ||P - UU^T|| = {dist:.2e} <= {bound:.2e}"
    return excess, detail


def numeric_optimum_gap(Sigma: Array, d_z: int, seed: int) -> tuple[float, float]:
    """Minimise the reduced loss over (B, D) with L-BFGS from a random start; return (found, tail)."""
    d = Sigma.shape[0]

    def value_and_grads(B: Array, D: Array) -> tuple:
        N = B @ D - np.eye(d)
        G = 2 * N @ Sigma  # dL/d(BD)
        return float(np.trace(N @ Sigma @ N.T)), G @ D.T, B.T @ G

    start = np.random.default_rng(seed).normal(size=2 * d * d_z)
    found, _ = minimize_blocks(value_and_grads, ((d, d_z), (d_z, d)), [start])
    return found, ll.eigen_tail(Sigma, d_z)
